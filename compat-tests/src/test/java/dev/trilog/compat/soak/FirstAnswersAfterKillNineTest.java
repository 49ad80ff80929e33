package dev.trilog.compat.soak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.kafka.KafkaClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a restarted broker tells clients in the first moments after a SIGKILL (issue 18, the soak's
 * run E, where a consumer group went back to offset 0 on two partitions). Clients made while the
 * broker is dead ask as soon as its Kafka port listens — as a consumer that lived through the kill
 * does — and every answer must agree with what was promised before the kill: the group's committed
 * offsets (OffsetFetch; "none" would reset the consumer), the log's ends (ListOffsets), and for a
 * consumer holding positions read in leader epoch 0, the epoch's end (OffsetForLeaderEpoch;
 * undefined would reset it) and the records from there on (Fetch; out of range would reset it).
 * That needs every partition's log recovered and the committed offsets loaded before the port
 * listens.
 */
class FirstAnswersAfterKillNineTest {

    private static final String TOPIC = "kill-nine";
    private static final String GROUP = "kill-nine-group";
    private static final int PARTITIONS = 3;
    private static final int PER_PARTITION = 2_000;
    /** Where the reading consumer stands at the kill: the middle of each partition. */
    private static final long POSITION = PER_PARTITION / 2;

    @TempDir
    Path dir;

    @Test
    void theFirstAnswersAfterASigkillAgreeWithWhatWasPromisedBeforeIt() throws Exception {
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(new TopicPartition(TOPIC, p));
        }
        try (SoakBroker broker = SoakBroker.start(dir.resolve("data"), dir.resolve("broker.out"), "256m", List.of())) {
            try (Admin admin = KafkaClients.admin(broker.bootstrap())) {
                admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
                produce(broker.bootstrap(), partitions);
                // a history of commits, the last one highest: a store that came back stale would answer an older one
                for (long offset = 100; offset <= POSITION; offset += 100) {
                    long committed = offset;
                    admin.alterConsumerGroupOffsets(GROUP, partitions.stream().collect(Collectors.toMap(
                            Function.identity(), tp -> new OffsetAndMetadata(committed))))
                            .all().get(30, TimeUnit.SECONDS);
                }
            }
            broker.kill();

            // the restart may take minutes on a busy machine: the calls wait for it
            try (Admin admin = Admin.create(eager(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 300_000)));
                    KafkaConsumer<String, String> consumer = KafkaClients.consumer(broker.bootstrap(),
                            eager(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none")))) {
                consumer.assign(partitions);
                // positions read in leader epoch 0: the consumer validates them with OffsetForLeaderEpoch first
                partitions.forEach(tp -> consumer.seek(tp, new OffsetAndMetadata(POSITION, Optional.of(0), "")));
                var committed = admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata();
                var ends = admin.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(),
                        tp -> OffsetSpec.latest()))).all();
                var starts = admin.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(),
                        tp -> OffsetSpec.earliest()))).all();
                CompletableFuture<Void> restarted = CompletableFuture.runAsync(() -> {
                    try {
                        broker.restart();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                // a reset would throw here (no auto.offset.reset): LogTruncationException or OffsetOutOfRangeException
                Map<TopicPartition, List<Long>> read = readToTheEnd(consumer, partitions);

                assertThat(committed.get(5, TimeUnit.MINUTES)).as("OffsetFetch").allSatisfy(
                        (tp, offset) -> assertThat(offset.offset()).isEqualTo(POSITION)).containsOnlyKeys(partitions);
                assertThat(ends.get(5, TimeUnit.MINUTES)).as("ListOffsets latest").allSatisfy(
                        (tp, end) -> assertThat(end.offset()).isEqualTo(PER_PARTITION)).containsOnlyKeys(partitions);
                assertThat(starts.get(5, TimeUnit.MINUTES).values()).as("ListOffsets earliest")
                        .extracting(ListOffsetsResultInfo::offset).containsOnly(0L);
                List<Long> rest = LongStream.range(POSITION, PER_PARTITION).boxed().toList();
                assertThat(read).as("Fetch from the consumer's positions").containsOnlyKeys(partitions)
                        .allSatisfy((tp, offsets) -> assertThat(offsets).containsExactlyElementsOf(rest));
                restarted.get(5, TimeUnit.MINUTES);
            }
        }
    }

    /** Acknowledged, with acks=all: each partition holds exactly PER_PARTITION records at the kill. */
    private static void produce(String bootstrap, List<TopicPartition> partitions) {
        try (KafkaProducer<String, String> producer = KafkaClients.producer(bootstrap,
                Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true))) {
            for (TopicPartition tp : partitions) {
                for (int i = 0; i < PER_PARTITION; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, tp.partition(), "k" + i, "v" + i));
                }
            }
            producer.flush();
        }
    }

    /** Client settings that find the restarted broker within milliseconds of its port listening. */
    private static Map<String, Object> eager(Map<String, Object> settings) {
        Map<String, Object> eager = new HashMap<>(settings);
        eager.put(CommonClientConfigs.RECONNECT_BACKOFF_MS_CONFIG, 10);
        eager.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 20);
        eager.put(CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG, 10);
        eager.put(CommonClientConfigs.RETRY_BACKOFF_MAX_MS_CONFIG, 20);
        return eager;
    }

    /** Every offset the consumer reads from its positions to the ends of the logs, by partition. */
    private static Map<TopicPartition, List<Long>> readToTheEnd(KafkaConsumer<String, String> consumer,
            List<TopicPartition> partitions) {
        Map<TopicPartition, List<Long>> read = new HashMap<>();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (read.values().stream().mapToInt(List::size).sum() < PARTITIONS * (PER_PARTITION - POSITION)
                && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                read.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), tp -> new ArrayList<>())
                        .add(record.offset());
            }
        }
        return read;
    }
}
