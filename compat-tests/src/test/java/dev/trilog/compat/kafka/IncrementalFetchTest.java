package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.TrilogHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incremental fetch sessions (KIP-227) with kafka-clients' own FetchSessionHandler: a consumer of
 * 200 partitions stops resending every partition on every fetch — measured against the same
 * consumer with sessions turned off ({@code max.incremental.fetch.session.cache.slots=0}, every
 * fetch full, as before sessions existed) — and the session errors and a full cache over the wire.
 */
class IncrementalFetchTest {

    private static final int PARTITIONS = 200;
    private static final String SLOTS = "max.incremental.fetch.session.cache.slots";

    @TempDir
    Path dataDir;

    /** Bytes on the consumer's connection to the broker per fetch, in one phase of its life. */
    private record Phase(long fetches, double requestBytes, double responseBytes) {

        double requestBytesPerFetch() {
            return requestBytes / fetches;
        }

        double responseBytesPerFetch() {
            return responseBytes / fetches;
        }
    }

    /** The three phases of one consumer: catching up, idle, and one new record at a time. */
    private record Figures(Phase catchingUp, Phase idle, Phase trickle) {
    }

    @Test
    void aConsumerOf200PartitionsSendsSmallIncrementalFetchesAndMissesNothing() throws Exception {
        Figures full;
        try (TrilogHarness trilog = TrilogHarness.start(dataDir.resolve("without"), SLOTS, "0")) {
            full = consume(trilog);
        }
        Figures incremental;
        try (TrilogHarness trilog = TrilogHarness.start(dataDir.resolve("with"))) {
            incremental = consume(trilog);
        }
        report("catching up", full.catchingUp(), incremental.catchingUp());
        report("idle", full.idle(), incremental.idle());
        report("one new record at a time", full.trickle(), incremental.trickle());

        // a full fetch of 200 partitions by topic ID is ~33 bytes a partition; an idle incremental one names none
        assertThat(full.idle().requestBytesPerFetch()).isGreaterThan(PARTITIONS * 30);
        assertThat(incremental.idle().requestBytesPerFetch()).isLessThan(200);
        assertThat(incremental.trickle().requestBytesPerFetch())
                .isLessThan(full.trickle().requestBytesPerFetch() / 10);
        assertThat(incremental.idle().responseBytesPerFetch()).as("no partition has anything to say")
                .isLessThan(100);
    }

    private static void report(String phase, Phase full, Phase incremental) {
        System.out.printf("[fetch sessions] %d-partition consumer, %s: request bytes per fetch %.0f full -> %.0f "
                        + "incremental; response bytes per fetch %.0f -> %.0f (%d and %d fetches)%n", PARTITIONS, phase,
                full.requestBytesPerFetch(), incremental.requestBytesPerFetch(), full.responseBytesPerFetch(),
                incremental.responseBytesPerFetch(), full.fetches(), incremental.fetches());
    }

    /** 5 records in each of 200 partitions, read from the start; then idle; then 20 records one by one. */
    private static Figures consume(TrilogHarness trilog) throws Exception {
        String bootstrap = trilog.kafkaBootstrap();
        try (Admin admin = KafkaClients.admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic("wide", PARTITIONS, (short) 1))).all().get();
        }
        List<TopicPartition> partitions = IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition("wide", p))
                .toList();
        try (KafkaProducer<String, String> producer = KafkaClients.producer(bootstrap, Map.of());
                KafkaConsumer<String, String> consumer = KafkaClients.consumer(bootstrap, Map.of(
                        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100,
                        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 100))) { // one batch a partition per fetch
            for (int round = 0; round < 5; round++) { // a batch of one record per partition and round
                for (int p = 0; p < PARTITIONS; p++) {
                    producer.send(new ProducerRecord<>("wide", p, "k", "r" + round + "-" + p));
                }
                producer.flush();
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);

            Set<String> seen = new HashSet<>();
            pollUntil(consumer, seen, 1); // offsets looked up; the first fetches answered
            double[] start = counters(consumer);
            pollUntil(consumer, seen, 5 * PARTITIONS);
            Phase catchingUp = phase(start, counters(consumer));

            start = counters(consumer);
            long idleUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < idleUntil) {
                assertThat(consumer.poll(Duration.ofMillis(100)).count()).isZero();
            }
            Phase idle = phase(start, counters(consumer));

            start = counters(consumer);
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>("wide", (i * 37) % PARTITIONS, "k", "late-" + i)).get();
                pollUntil(consumer, seen, 5 * PARTITIONS + i + 1);
            }
            Phase trickle = phase(start, counters(consumer));
            assertThat(seen).hasSize(5 * PARTITIONS + 20);
            return new Figures(catchingUp, idle, trickle);
        }
    }

    private static void pollUntil(KafkaConsumer<String, String> consumer, Set<String> seen, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (seen.size() < count && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                assertThat(seen.add(record.value())).as("read once: %s", record.value()).isTrue();
            }
        }
        assertThat(seen).hasSizeGreaterThanOrEqualTo(count);
    }

    /** Fetches sent; requests, request bytes and response bytes on the connection to broker 0. */
    private static double[] counters(KafkaConsumer<?, ?> consumer) {
        return new double[] {metric(consumer, "consumer-fetch-manager-metrics", "fetch-total"),
                metric(consumer, "consumer-node-metrics", "request-total"),
                metric(consumer, "consumer-node-metrics", "outgoing-byte-total"),
                metric(consumer, "consumer-node-metrics", "incoming-byte-total")};
    }

    private static Phase phase(double[] start, double[] end) {
        long fetches = Math.round(end[0] - start[0]);
        assertThat(fetches).isPositive();
        // only fetches go to the broker's own connection in a phase (metadata and offsets came before);
        // the consumer sends its next fetch before poll returns, so one may be in flight at either
        // end of a phase: counted in requests (sent) but not yet in fetches (answered), or the reverse
        assertThat(Math.round(end[1] - start[1])).as("requests to node 0").isBetween(fetches - 1, fetches + 1);
        return new Phase(fetches, end[2] - start[2], end[3] - start[3]);
    }

    private static double metric(KafkaConsumer<?, ?> consumer, String group, String name) {
        for (Map.Entry<MetricName, ? extends Metric> e : consumer.metrics().entrySet()) {
            MetricName key = e.getKey();
            if (key.group().equals(group) && key.name().equals(name)
                    && (!group.equals("consumer-node-metrics") || "node-0".equals(key.tags().get("node-id")))) {
                return ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        throw new AssertionError("no metric " + group + "/" + name);
    }

    @Test
    void aWrongEpochOrAnUnknownSessionIsASessionErrorOverTheWire() throws Exception {
        try (TrilogHarness trilog = TrilogHarness.start(dataDir);
                RawKafkaClient raw = new RawKafkaClient(trilog.kafkaBootstrap())) {
            Uuid topic = createTopic(trilog, "raw-sessions", 2);
            FetchResponseData full = fetch(raw, topic, 2, 0, 0, -1);
            int session = full.sessionId();
            assertThat(session).isPositive();
            assertThat(full.responses()).singleElement().satisfies(t -> assertThat(t.partitions()).hasSize(2));

            FetchResponseData incremental = fetch(raw, null, 0, session, 1, -1);
            assertThat(incremental.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(incremental.sessionId()).isEqualTo(session);
            assertThat(incremental.responses()).isEmpty();

            assertThat(fetch(raw, null, 0, session, 1, -1).errorCode()).as("epoch 1 again")
                    .isEqualTo(Errors.INVALID_FETCH_SESSION_EPOCH.code());
            assertThat(fetch(raw, null, 0, session + 1, 1, -1).errorCode())
                    .isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND.code());
        }
    }

    /**
     * One slot: a second fetcher gets no session and goes on with full fetches; a follower's
     * fetch (Kafka's privileged kind) takes the slot from the consumer's young session.
     */
    @Test
    void aFullCacheLeavesNewFetchersOnFullFetchesAndAFollowerEvictsAConsumer() throws Exception {
        try (TrilogHarness trilog = TrilogHarness.start(dataDir, SLOTS, "1");
                RawKafkaClient first = new RawKafkaClient(trilog.kafkaBootstrap());
                RawKafkaClient second = new RawKafkaClient(trilog.kafkaBootstrap())) {
            Uuid topic = createTopic(trilog, "one-slot", 1);
            int session = fetch(first, topic, 1, 0, 0, -1).sessionId();
            assertThat(session).isPositive();

            FetchResponseData noRoom = fetch(second, topic, 1, 0, 0, -1);
            assertThat(noRoom.sessionId()).isZero();
            assertThat(noRoom.responses()).singleElement().satisfies(t -> assertThat(t.partitions()).hasSize(1));

            int followers = fetch(second, topic, 1, 0, 0, 1).sessionId();
            assertThat(followers).isPositive();
            assertThat(fetch(first, null, 0, session, 1, -1).errorCode()).as("evicted by the follower's session")
                    .isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND.code());
        }
    }

    private static Uuid createTopic(TrilogHarness trilog, String name, int partitions) throws Exception {
        try (Admin admin = KafkaClients.admin(trilog.kafkaBootstrap())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
            return admin.describeTopics(List.of(name)).allTopicNames().get().get(name).topicId();
        }
    }

    /**
     * A Fetch v14 (topic IDs, replica id in the request) that does not wait: of the first
     * {@code partitionCount} partitions of {@code topic} from offset 0, or of nothing when
     * {@code topic} is null.
     *
     * @param replicaId -1 for a consumer, a broker id for a follower
     */
    private static FetchResponseData fetch(RawKafkaClient raw, Uuid topic, int partitionCount, int sessionId, int epoch,
            int replicaId) throws Exception {
        FetchRequestData data = new FetchRequestData().setReplicaId(replicaId).setMaxWaitMs(0).setMinBytes(1)
                .setMaxBytes(1 << 20).setSessionId(sessionId).setSessionEpoch(epoch);
        if (topic != null) {
            List<FetchRequestData.FetchPartition> partitions = new ArrayList<>();
            for (int p = 0; p < partitionCount; p++) {
                partitions.add(new FetchRequestData.FetchPartition().setPartition(p).setPartitionMaxBytes(1 << 20));
            }
            data.topics().add(new FetchRequestData.FetchTopic().setTopicId(topic).setPartitions(partitions));
        }
        FetchResponse response = raw.send(new FetchRequest(data, (short) 14));
        return response.data();
    }
}
