package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.compat.TrilogHarness;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java producer meets each of Produce's refusals as the exception Kafka would give it, for
 * just the records at fault, and the partition keeps taking good records afterwards.
 */
class ProduceErrorsTest {

    @TempDir
    java.nio.file.Path dataDir;

    private TrilogHarness trilog;

    @BeforeEach
    void start() {
        trilog = TrilogHarness.start(dataDir, "num.partitions", "1");
    }

    @AfterEach
    void stop() {
        trilog.close();
    }

    private void createTopic(String name, Map<String, String> configs) throws Exception {
        try (Admin admin = KafkaClients.admin(trilog.kafkaBootstrap())) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(configs))).all().get();
        }
    }

    private static Throwable failureOf(Future<RecordMetadata> send) {
        try {
            send.get();
            throw new AssertionError("expected the send to fail");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aRecordOverTheTopicsMaxMessageBytesIsRefusedAndTheRestGoThrough() throws Exception {
        createTopic("small", Map.of("max.message.bytes", "2000"));
        try (KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(),
                Map.of(ProducerConfig.LINGER_MS_CONFIG, 0))) {
            Throwable failure = failureOf(producer.send(new ProducerRecord<>("small", "k", "x".repeat(5_000))));
            assertThat(failure).isInstanceOf(RecordTooLargeException.class);

            RecordMetadata ok = producer.send(new ProducerRecord<>("small", "k", "fits")).get();
            assertThat(ok.offset()).isZero();
        }
    }

    @Test
    void aKeylessRecordInACompactedTopicFailsAsARecordErrorNamingIt() throws Exception {
        createTopic("compacted", Map.of("cleanup.policy", "compact"));
        try (KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(),
                Map.of(ProducerConfig.LINGER_MS_CONFIG, 1_000, ProducerConfig.RETRIES_CONFIG, 0,
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false))) {
            // one batch: keyed, keyless, keyed
            Future<RecordMetadata> first = producer.send(new ProducerRecord<>("compacted", 0, "a", "1"));
            Future<RecordMetadata> keyless = producer.send(new ProducerRecord<>("compacted", 0, null, "2"));
            Future<RecordMetadata> third = producer.send(new ProducerRecord<>("compacted", 0, "c", "3"));
            producer.flush();

            // the client hands the broker's per-record message to the record at fault only
            assertThat(failureOf(keyless)).isInstanceOf(InvalidRecordException.class)
                    .hasMessageContaining("only records with a key");
            // its batch-mates fail too (a batch is written whole or not at all), told why
            assertThat(failureOf(first)).isNotInstanceOf(InvalidRecordException.class)
                    .hasMessageContaining("part of a batch which had one more more invalid records");
            assertThat(failureOf(third)).hasMessageContaining("part of a batch");

            assertThat(producer.send(new ProducerRecord<>("compacted", 0, "a", "again")).get().offset()).isZero();
        }
        List<ConsumerRecord<String, String>> stored = KafkaClients.readAll(trilog.kafkaBootstrap(),
                List.of(new TopicPartition("compacted", 0)), 1, Map.of());
        assertThat(stored).extracting(ConsumerRecord::value).containsExactly("again");
    }

    @Test
    void aTimestampOutsideTheTopicsWindowIsRefused() throws Exception {
        createTopic("recent", Map.of("message.timestamp.before.max.ms", "60000"));
        long anHourAgo = System.currentTimeMillis() - 3_600_000;
        try (KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(),
                Map.of(ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.RETRIES_CONFIG, 0,
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false))) {
            Throwable failure = failureOf(producer.send(new ProducerRecord<>("recent", 0, anHourAgo, "k", "old")));
            assertThat(failure).isInstanceOf(InvalidTimestampException.class);

            assertThat(producer.send(new ProducerRecord<>("recent", "k", "now")).get().offset()).isZero();
        }
    }

    @Test
    void aCorruptBatchIsRefusedWithCorruptMessageAndTheConnectionGoesOn() throws Exception {
        createTopic("crc", Map.of());
        TopicPartition crc = new TopicPartition("crc", 0);
        try (RawKafkaClient raw = new RawKafkaClient(trilog.kafkaBootstrap())) {
            MemoryRecords corrupt = batch("intact?");
            ByteBuffer bytes = corrupt.buffer();
            bytes.put(bytes.limit() - 1, (byte) (bytes.get(bytes.limit() - 1) ^ 0x5a)); // last value byte
            PartitionProduceResponse refused = raw.produce(crc, corrupt, (short) 1, null);
            assertThat(refused.errorCode()).isEqualTo(Errors.CORRUPT_MESSAGE.code());

            PartitionProduceResponse accepted = raw.produce(crc, batch("intact"), (short) 1, null);
            assertThat(accepted.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(accepted.baseOffset()).isZero();
        }
    }

    private static MemoryRecords batch(String value) {
        return MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("k".getBytes(), value.getBytes()));
    }
}
