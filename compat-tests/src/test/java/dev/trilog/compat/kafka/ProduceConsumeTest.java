package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.TrilogHarness;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Java producer and consumer against Trilog: content, order, codecs, headers, acks. */
class ProduceConsumeTest {

    @TempDir
    java.nio.file.Path dataDir;

    private TrilogHarness trilog;

    @BeforeEach
    void start() {
        trilog = TrilogHarness.start(dataDir, "num.partitions", "3", "message.max.bytes", "2097152");
    }

    @AfterEach
    void stop() {
        trilog.close();
    }

    private static List<TopicPartition> partitions(String topic, int count) {
        List<TopicPartition> result = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            result.add(new TopicPartition(topic, p));
        }
        return result;
    }

    @Test
    void keyedRecordsComeBackInOrderPerPartitionWithTheirContent() throws Exception {
        List<RecordMetadata> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(), Map.of())) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                futures.add(producer.send(new ProducerRecord<>("orders", "key-" + (i % 7), "value-" + i)));
            }
            for (Future<RecordMetadata> f : futures) {
                sent.add(f.get());
            }
        }

        List<ConsumerRecord<String, String>> received =
                KafkaClients.readAll(trilog.kafkaBootstrap(), partitions("orders", 3), 300, Map.of());

        assertThat(received).hasSize(300);
        for (ConsumerRecord<String, String> record : received) {
            int i = Integer.parseInt(record.value().substring("value-".length()));
            assertThat(record.key()).isEqualTo("key-" + (i % 7));
            assertThat(sent.get(i).partition()).isEqualTo(record.partition());
            assertThat(sent.get(i).offset()).isEqualTo(record.offset());
        }
        // same key → same partition, in send order
        for (int k = 0; k < 7; k++) {
            String key = "key-" + k;
            List<Integer> order = received.stream().filter(r -> r.key().equals(key))
                    .map(r -> Integer.parseInt(r.value().substring(6))).toList();
            assertThat(order).isSorted();
            assertThat(received.stream().filter(r -> r.key().equals(key)).map(ConsumerRecord::partition).distinct())
                    .hasSize(1);
        }
    }

    @ParameterizedTest(name = "compression {0}")
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void everyCompressionCodecRoundTrips(String codec) throws Exception {
        String topic = "codec-" + codec;
        try (KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(),
                Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec))) {
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "k" + i, "compressed value number " + i));
            }
            producer.flush();
        }

        List<ConsumerRecord<String, String>> received =
                KafkaClients.readAll(trilog.kafkaBootstrap(), List.of(new TopicPartition(topic, 0)), 50, Map.of());

        assertThat(received).extracting(ConsumerRecord::value)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 50)
                        .mapToObj(i -> "compressed value number " + i).toList());
    }

    @Test
    void headersRoundTrip() throws Exception {
        try (KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(), Map.of())) {
            ProducerRecord<String, String> record = new ProducerRecord<>("headers", 0, "k", "v");
            record.headers().add(new RecordHeader("trace-id", "abc".getBytes(StandardCharsets.UTF_8)));
            record.headers().add(new RecordHeader("empty", null));
            producer.send(record).get();
        }

        ConsumerRecord<String, String> received = KafkaClients.readAll(trilog.kafkaBootstrap(),
                List.of(new TopicPartition("headers", 0)), 1, Map.of()).get(0);

        assertThat(new String(received.headers().lastHeader("trace-id").value(), StandardCharsets.UTF_8)).isEqualTo("abc");
        assertThat(received.headers().lastHeader("empty").value()).isNull();
    }

    @ParameterizedTest(name = "acks={0}")
    @ValueSource(strings = {"0", "1", "all"})
    void everyAcksSettingDelivers(String acks) throws Exception {
        String topic = "acks-" + acks;
        Map<String, Object> config = acks.equals("all") ? Map.of(ProducerConfig.ACKS_CONFIG, acks)
                : Map.of(ProducerConfig.ACKS_CONFIG, acks, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        try (KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(), config)) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, "m" + i)).get();
            }
        }

        assertThat(KafkaClients.readAll(trilog.kafkaBootstrap(), List.of(new TopicPartition(topic, 0)), 20, Map.of()))
                .hasSize(20);
    }

    @Test
    void aLongPollingFetchWakesOnAppendInsteadOfWaitingItOut() throws Exception {
        TopicPartition tp = new TopicPartition("wake", 0);
        org.apache.kafka.clients.consumer.KafkaConsumer<String, String> consumer = KafkaClients.consumer(
                trilog.kafkaBootstrap(), Map.of("fetch.max.wait.ms", 20_000, "fetch.min.bytes", 1));
        try (KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(), Map.of())) {
            producer.send(new ProducerRecord<>("wake", 0, null, "first")).get();
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            assertThat(consumer.poll(java.time.Duration.ofSeconds(10))).hasSize(1);

            // the consumer's next fetch now waits in the purgatory; an append must wake it
            java.util.concurrent.CompletableFuture<Long> sentAt = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    Thread.sleep(300);
                    long t = System.nanoTime();
                    producer.send(new ProducerRecord<>("wake", 0, null, "second")).get();
                    return t;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            org.apache.kafka.clients.consumer.ConsumerRecords<String, String> next =
                    consumer.poll(java.time.Duration.ofSeconds(15));
            long arrived = System.nanoTime();

            assertThat(next).hasSize(1);
            assertThat(java.time.Duration.ofNanos(arrived - sentAt.get())).isLessThan(java.time.Duration.ofSeconds(5));
        } finally {
            // its next fetch is parked for 20 s; do not wait for it
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(java.time.Duration.ZERO));
        }
    }

    @Test
    void aOneMebibyteRecordGoesThrough() throws Exception {
        String big = "x".repeat(1024 * 1024);
        try (KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(),
                Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024))) {
            producer.send(new ProducerRecord<>("big", 0, "k", big)).get();
        }

        List<ConsumerRecord<String, String>> received = KafkaClients.readAll(trilog.kafkaBootstrap(),
                List.of(new TopicPartition("big", 0)), 1, Map.of());

        assertThat(received.get(0).value()).isEqualTo(big);
    }
}
