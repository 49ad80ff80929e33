package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.trilog.compat.TrilogHarness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.clients.consumer.StickyAssignor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Java consumer in groups against Trilog: sharing, rebalancing, committing, failing over. */
class ConsumerGroupTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    java.nio.file.Path dataDir;

    private TrilogHarness trilog;
    private final List<PollingConsumer> consumers = new ArrayList<>();

    @BeforeEach
    void start() {
        trilog = TrilogHarness.start(dataDir, "num.partitions", "6", "group.min.session.timeout.ms", "500");
    }

    @AfterEach
    void stop() {
        consumers.forEach(PollingConsumer::close);
        trilog.close();
    }

    private PollingConsumer consumer(String name, String group, String topic, Map<String, Object> overrides) {
        PollingConsumer consumer = PollingConsumer.start(name, trilog.kafkaBootstrap(), group, topic, overrides);
        consumers.add(consumer);
        return consumer;
    }

    /** Produces {@code count} keyed records and returns their ids ("topic-partition@offset"). */
    private List<String> produce(String topic, String prefix, int count) throws Exception {
        return KafkaClients.produceKeyed(trilog.kafkaBootstrap(), topic, prefix, count);
    }


    private static List<String> committedIds(PollingConsumer... consumers) {
        return Stream.of(consumers).flatMap(c -> c.committed().stream()).map(KafkaClients::id).toList();
    }

    private static Set<TopicPartition> partitions(String topic, int count) {
        return KafkaClients.partitions(topic, count);
    }

    private Map<TopicPartition, Long> logEnds(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions(topic, 6).forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, Long> result = new HashMap<>();
        admin.listOffsets(latest).all().get().forEach((tp, info) -> result.put(tp, info.offset()));
        return result;
    }

    private static Map<TopicPartition, Long> committedOffsets(Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    @Test
    void threeConsumersShareSixPartitionsAndARebalanceNeitherLosesNorDoubleCommitsARecord() throws Exception {
        List<String> produced = new ArrayList<>(produce("orders", "first", 300));
        PollingConsumer a = consumer("a", "shop", "orders", Map.of());
        PollingConsumer b = consumer("b", "shop", "orders", Map.of());

        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(a.assignment()).hasSize(3);
            assertThat(b.assignment()).hasSize(3);
            assertThat(committedIds(a, b)).hasSize(300);
        });
        assertThat(a.assignment()).doesNotContainAnyElementsOf(b.assignment());

        PollingConsumer c = consumer("c", "shop", "orders", Map.of());
        produced.addAll(produce("orders", "second", 300));

        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(Stream.of(a, b, c).map(PollingConsumer::assignment)).allSatisfy(p -> assertThat(p).hasSize(2));
            assertThat(new HashSet<>(committedIds(a, b, c))).hasSize(600);
        });
        List<String> committed = committedIds(a, b, c);
        assertThat(committed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(produced);
        Set<TopicPartition> union = new HashSet<>();
        Stream.of(a, b, c).forEach(consumer -> union.addAll(consumer.assignment()));
        assertThat(union).isEqualTo(partitions("orders", 6));
        try (Admin admin = KafkaClients.admin(trilog.kafkaBootstrap())) {
            assertThat(committedOffsets(admin, "shop")).isEqualTo(logEnds(admin, "orders"));
        }
    }

    @Test
    void aConsumerWithDefaultSettingsUsesTheClassicProtocolAndAutoCommits() throws Exception {
        List<String> produced = produce("defaults", "d", 40);
        List<String> consumed = new ArrayList<>();
        // Only what every consumer must set; group.protocol, assignors, timeouts and auto-commit are the defaults.
        Map<String, Object> config = Map.of(ConsumerConfig.GROUP_ID_CONFIG, "plain",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, true);
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(trilog.kafkaBootstrap(), config)) {
            consumer.subscribe(List.of("defaults"));
            await().atMost(PATIENCE).pollInSameThread().until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> consumed.add(KafkaClients.id(r)));
                return consumed.size() >= 40;
            });
        } // closing commits the consumed positions
        assertThat(consumed).containsExactlyInAnyOrderElementsOf(produced);
        try (Admin admin = KafkaClients.admin(trilog.kafkaBootstrap())) {
            assertThat(committedOffsets(admin, "plain")).isEqualTo(logEnds(admin, "defaults"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(classes = {RangeAssignor.class, RoundRobinAssignor.class, StickyAssignor.class,
            CooperativeStickyAssignor.class})
    void everyClientSideAssignorWorksThroughTheCoordinator(Class<?> assignor) throws Exception {
        String group = "assign-" + assignor.getSimpleName();
        Map<String, Object> config = Map.of(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor.getName());
        List<String> produced = new ArrayList<>(produce("assigned", "x", 120));
        PollingConsumer a = consumer("a", group, "assigned", config);
        PollingConsumer b = consumer("b", group, "assigned", config);
        await().atMost(PATIENCE).until(() -> a.assignment().size() == 3 && b.assignment().size() == 3);
        Set<TopicPartition> aBefore = a.assignment();

        PollingConsumer c = consumer("c", group, "assigned", config);
        produced.addAll(produce("assigned", "y", 120));

        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(Stream.of(a, b, c).map(PollingConsumer::assignment)).allSatisfy(p -> assertThat(p).hasSize(2));
            Set<String> consumed = new HashSet<>();
            Stream.of(a, b, c).forEach(consumer -> consumer.consumed().forEach(r -> consumed.add(KafkaClients.id(r))));
            assertThat(consumed).containsAll(produced);
        });
        if (assignor == CooperativeStickyAssignor.class || assignor == StickyAssignor.class) {
            assertThat(aBefore).containsAll(a.assignment()); // sticky: partitions only move off, to the newcomer
        }
        assertThat(Stream.of(a, b, c).mapToInt(PollingConsumer::lostCallbacks).sum()).isZero();
        try (Admin admin = KafkaClients.admin(trilog.kafkaBootstrap())) {
            await().atMost(PATIENCE).untilAsserted(() ->
                    assertThat(committedOffsets(admin, group)).isEqualTo(logEnds(admin, "assigned")));
        }
    }

    @Test
    void committedOffsetsSurviveARestartAndANewMemberResumesThere() throws Exception {
        List<String> before = produce("resume", "old", 90);
        PollingConsumer first = consumer("first", "resumers", "resume", Map.of());
        await().atMost(PATIENCE).until(() -> committedIds(first).size() == 90);
        first.close();
        assertThat(committedIds(first)).containsExactlyInAnyOrderElementsOf(before);

        trilog.restart();
        List<String> after = produce("resume", "new", 60);
        PollingConsumer second = consumer("second", "resumers", "resume", Map.of());

        await().atMost(PATIENCE).until(() -> second.consumed().size() >= 60);
        assertThat(second.consumed()).extracting(KafkaClients::id).containsExactlyInAnyOrderElementsOf(after);
        assertThat(second.consumed()).allSatisfy(r -> assertThat(r.value()).startsWith("new-"));
    }

    /**
     * The soak's consumer (issue 18, run E): one that lives through a broker restart, committing
     * the positions of all its partitions after every poll, goes on from its commits — no
     * partition back at its start, no commit lower than one acknowledged before. Members live in
     * memory (docs/kafka.md): a poll that reaches the restarted broker before the heartbeat learns
     * that its member is gone cannot commit (UNKNOWN_MEMBER_ID), and the rejoined consumer reads
     * that batch again from the last commit. Only such batches may come twice.
     */
    @Test
    void aConsumerThatLivesThroughARestartGoesOnFromItsCommits() throws Exception {
        produce("through", "before", 600);
        Map<String, Object> config = new HashMap<>(KafkaClients.groupDefaults("through-group"));
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        Map<TopicPartition, Long> committed = new HashMap<>();
        List<String> backwards = new ArrayList<>();
        Map<String, Integer> consumedTimes = new HashMap<>();
        Set<String> notCommitted = new HashSet<>();
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(trilog.kafkaBootstrap(), config)) {
            consumer.subscribe(List.of("through"));
            pollAndCommitUntil(consumer, committed, backwards, consumedTimes, notCommitted, 600);
            trilog.restart();
            produce("through", "after", 600);
            pollAndCommitUntil(consumer, committed, backwards, consumedTimes, notCommitted, 1_200);
        }
        assertThat(backwards).isEmpty();
        assertThat(consumedTimes).hasSize(1_200);
        assertThat(consumedTimes.entrySet()).filteredOn(e -> e.getValue() > 1)
                .allSatisfy(twice -> assertThat(notCommitted).contains(twice.getKey()));
    }

    /** The soak's loop: poll, commit every assigned partition's position, and note a commit lower than the last. */
    private static void pollAndCommitUntil(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> committed,
            List<String> backwards, Map<String, Integer> consumedTimes, Set<String> notCommitted, int distinct) {
        await().atMost(Duration.ofSeconds(120)).pollInSameThread().pollInterval(Duration.ofMillis(1)).until(() -> {
            ConsumerRecords<String, String> records = ConsumerRecords.empty();
            try {
                records = consumer.poll(Duration.ofMillis(200));
                records.forEach(record -> consumedTimes.merge(record.value(), 1, Integer::sum));
                if (!records.isEmpty()) {
                    Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
                    consumer.assignment().forEach(tp -> positions.put(tp, new OffsetAndMetadata(consumer.position(tp))));
                    consumer.commitSync(positions);
                    positions.forEach((tp, offset) -> {
                        Long before = committed.put(tp, offset.offset());
                        if (before != null && offset.offset() < before) {
                            backwards.add(tp + " from " + before + " to " + offset.offset());
                        }
                    });
                }
            } catch (RuntimeException brokerGoneOrRebalancing) {
                // the restart: the client finds the broker again on its own; what it polled and
                // could not commit is read again from the last commit
                records.forEach(record -> notCommitted.add(record.value()));
            }
            return consumedTimes.size() >= distinct;
        });
    }

    @Test
    void aRestartedStaticMemberRejoinsWithoutARebalanceAndFencesItsTwin() throws Exception {
        produce("statics", "s", 60);
        Map<String, Object> one = Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-1");
        Map<String, Object> two = Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-2");
        PollingConsumer first = consumer("first", "static-group", "statics", one);
        PollingConsumer other = consumer("other", "static-group", "statics", two);
        await().atMost(PATIENCE).until(() -> first.assignment().size() == 3 && other.assignment().size() == 3
                && first.generation() == other.generation());
        int generation = other.generation();
        int otherAssignments = other.assignedCallbacks();
        Set<TopicPartition> firstPartitions = first.assignment();

        first.close(); // a static member sends no LeaveGroup: its place is kept for the session timeout
        PollingConsumer restarted = consumer("restarted", "static-group", "statics", one);

        await().atMost(PATIENCE).until(() -> restarted.assignment().equals(firstPartitions));
        assertThat(restarted.generation()).isEqualTo(generation);
        assertThat(other.generation()).isEqualTo(generation);
        assertThat(other.assignedCallbacks()).isEqualTo(otherAssignments);

        PollingConsumer twin = consumer("twin", "static-group", "statics", one);
        await().atMost(PATIENCE).until(() -> restarted.failure() != null);
        assertThat(restarted.failure()).isInstanceOf(FencedInstanceIdException.class);
        await().atMost(PATIENCE).until(() -> twin.assignment().equals(firstPartitions));
    }

    @Test
    void aMemberWhoseHeartbeatsStopIsRemovedAfterItsSessionTimeout() throws Exception {
        produce("sessions", "s", 30);
        Map<String, Object> shortSession = Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 2_000);
        PollingConsumer dying = consumer("dying", "session-group", "sessions", shortSession);
        PollingConsumer survivor = consumer("survivor", "session-group", "sessions", shortSession);
        await().atMost(PATIENCE).until(() -> dying.assignment().size() == 3 && survivor.assignment().size() == 3);

        dying.stopWithoutLeaving(); // like a crashed process: no LeaveGroup, heartbeats just stop
        long stopped = System.nanoTime();

        await().atMost(PATIENCE).until(() -> survivor.assignment().size() == 6);
        assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isGreaterThanOrEqualTo(Duration.ofMillis(1_500));
    }

    @Test
    void aCommitAfterTheGroupMovedOnWithoutTheConsumerFails() throws Exception {
        produce("kicked", "k", 60);
        Map<String, Object> config = new HashMap<>(KafkaClients.groupDefaults("kick-group"));
        config.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 1_500);
        try (KafkaConsumer<String, String> slow = KafkaClients.consumer(trilog.kafkaBootstrap(), config)) {
            slow.subscribe(List.of("kicked"));
            List<ConsumerRecord<String, String>> got = new ArrayList<>();
            await().atMost(PATIENCE).pollInSameThread().until(() -> {
                slow.poll(Duration.ofMillis(100)).forEach(got::add);
                return !got.isEmpty();
            });

            // the slow consumer stops polling; a newcomer triggers a rebalance it never rejoins
            PollingConsumer newcomer = consumer("newcomer", "kick-group", "kicked",
                    Map.of(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 1_500));
            await().atMost(PATIENCE).until(() -> newcomer.assignment().size() == 6);

            ConsumerRecord<String, String> last = got.get(got.size() - 1);
            assertThatThrownBy(() -> slow.commitSync(Map.of(new TopicPartition(last.topic(), last.partition()),
                    new OffsetAndMetadata(last.offset() + 1))))
                    .isInstanceOfAny(CommitFailedException.class, RebalanceInProgressException.class);
        }
    }

    @Test
    void aStandaloneConsumerCommitsWithoutJoiningTheGroup() throws Exception {
        produce("standalone", "s", 10);
        TopicPartition tp = new TopicPartition("standalone", 0);
        try (KafkaConsumer<String, String> standalone = KafkaClients.consumer(trilog.kafkaBootstrap(),
                Map.of(ConsumerConfig.GROUP_ID_CONFIG, "manual"))) {
            standalone.assign(List.of(tp));
            standalone.commitSync(Map.of(tp, new OffsetAndMetadata(1, "note")));

            assertThat(standalone.committed(Set.of(tp)).get(tp).offset()).isEqualTo(1);
            assertThat(standalone.committed(Set.of(tp)).get(tp).metadata()).isEqualTo("note");
            assertThat(standalone.committed(Set.of(new TopicPartition("standalone", 1)))
                    .get(new TopicPartition("standalone", 1))).isNull();
        }
    }
}
