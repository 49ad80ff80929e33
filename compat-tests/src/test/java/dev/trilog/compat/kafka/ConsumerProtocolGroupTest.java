package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;
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
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kafka-clients' {@link KafkaConsumer} with {@code group.protocol=consumer} (KIP-848) against
 * Trilog: joining, partitions moving to a newcomer and away from a member that left or died
 * without a record consumed twice, commits, the admin's description, regex subscriptions, static
 * members, a classic group alongside, a restart, and the online migration of a classic group with
 * a member (upgrade when a consumer-protocol member joins, downgrade when it leaves or a static
 * member restarted over the classic protocol replaces it).
 */
class ConsumerProtocolGroupTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    java.nio.file.Path dataDir;

    private TrilogHarness trilog;
    private final List<PollingConsumer> consumers = new ArrayList<>();

    @BeforeEach
    void start() {
        // heartbeats every 300 ms and a 6 s session, so rebalances and departures happen within a test
        trilog = TrilogHarness.start(dataDir, "num.partitions", "6", "group.min.session.timeout.ms", "500",
                "group.consumer.heartbeat.interval.ms", "300", "group.consumer.session.timeout.ms", "6000");
    }

    @AfterEach
    void stop() {
        consumers.forEach(PollingConsumer::close);
        trilog.close();
    }

    private PollingConsumer consumer(String name, String group, String topic, Map<String, Object> overrides) {
        PollingConsumer consumer = PollingConsumer.startConsumerProtocol(name, trilog.kafkaBootstrap(), group, topic,
                overrides);
        consumers.add(consumer);
        return consumer;
    }

    private PollingConsumer classicConsumer(String name, String group, String topic) {
        return classicConsumer(name, group, topic, Map.of());
    }

    private PollingConsumer classicConsumer(String name, String group, String topic, Map<String, Object> overrides) {
        PollingConsumer consumer = PollingConsumer.start(name, trilog.kafkaBootstrap(), group, topic, overrides);
        consumers.add(consumer);
        return consumer;
    }

    /** Produces {@code count} keyed records and returns their ids ("topic-partition@offset"). */
    private List<String> produce(String topic, String prefix, int count) throws Exception {
        return KafkaClients.produceKeyed(trilog.kafkaBootstrap(), topic, prefix, count);
    }


    private static List<String> consumedIds(PollingConsumer... consumers) {
        return Stream.of(consumers).flatMap(c -> c.consumed().stream()).map(KafkaClients::id).toList();
    }

    private static Set<TopicPartition> partitions(String topic, int count) {
        return KafkaClients.partitions(topic, count);
    }

    private Map<TopicPartition, Long> committedOffsets(String group) throws Exception {
        try (Admin admin = KafkaClients.admin(trilog.kafkaBootstrap())) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        }
    }

    private ConsumerGroupDescription describe(String group) throws Exception {
        try (Admin admin = KafkaClients.admin(trilog.kafkaBootstrap())) {
            return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
        }
    }

    private void assertAlive(PollingConsumer... consumers) {
        for (PollingConsumer c : consumers) {
            assertThat(c.failure()).as(c.name() + " failed").isNull();
        }
    }

    @Test
    void aGroupJoinsConsumesCommitsAndIsDescribed() throws Exception {
        List<String> produced = produce("orders", "a", 120);
        PollingConsumer a = consumer("a", "shop", "orders", Map.of());
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(consumedIds(a)).hasSize(120));
        assertThat(consumedIds(a)).containsExactlyInAnyOrderElementsOf(produced);
        assertThat(a.assignment()).isEqualTo(partitions("orders", 6));

        // commits: every partition committed at its end (OffsetCommit v9+ with the member epoch)
        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(committedOffsets("shop").values().stream().mapToLong(Long::longValue).sum()).isEqualTo(120));

        ConsumerGroupDescription group = describe("shop");
        assertThat(group.type()).isEqualTo(GroupType.CONSUMER);
        assertThat(group.groupState()).isEqualTo(GroupState.STABLE);
        assertThat(group.partitionAssignor()).isEqualTo("uniform");
        assertThat(group.groupEpoch()).hasValueSatisfying(epoch -> assertThat(epoch).isPositive());
        MemberDescription member = group.members().iterator().next();
        assertThat(member.clientId()).isEqualTo("a");
        assertThat(member.consumerId()).isEqualTo(a.memberId());
        assertThat(member.assignment().topicPartitions()).isEqualTo(partitions("orders", 6));
        assertThat(member.memberEpoch()).hasValue(a.generation());
        assertAlive(a);
    }

    @Test
    void aSecondMemberTakesHalfThePartitionsWithoutARecordConsumedTwice() throws Exception {
        List<String> produced = new ArrayList<>(produce("orders", "first", 300));
        PollingConsumer a = consumer("a", "shop", "orders", Map.of());
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(consumedIds(a)).hasSize(300));

        PollingConsumer b = consumer("b", "shop", "orders", Map.of());
        produced.addAll(produce("orders", "second", 300)); // consumed by a, or by b once a handed over
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(a.assignment()).hasSize(3);
            assertThat(b.assignment()).hasSize(3);
        });
        produced.addAll(produce("orders", "third", 300));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(new HashSet<>(consumedIds(a, b))).hasSize(900));
        assertThat(a.assignment()).doesNotContainAnyElementsOf(b.assignment());
        assertThat(consumedIds(a, b)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(produced);
        assertThat(b.consumed()).isNotEmpty();
        assertThat(describe("shop").members()).hasSize(2);
        assertAlive(a, b);
    }

    @Test
    void theMembersOfOneThatLeavesMoveToTheOthersAtOnce() throws Exception {
        PollingConsumer a = consumer("a", "shop", "orders", Map.of());
        PollingConsumer b = consumer("b", "shop", "orders", Map.of());
        PollingConsumer c = consumer("c", "shop", "orders", Map.of());
        produce("orders", "first", 60);
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(Stream.of(a, b, c).map(PollingConsumer::assignment)).allSatisfy(p -> assertThat(p).hasSize(2));
            assertThat(consumedIds(a, b, c)).hasSize(60);
        });

        c.close(); // leaves (epoch -1): its partitions move without waiting for a timeout
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(a.assignment()).hasSize(3);
            assertThat(b.assignment()).hasSize(3);
        });
        List<String> later = produce("orders", "later", 60);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(consumedIds(a, b)).containsAll(later));
        assertThat(consumedIds(a, b, c)).doesNotHaveDuplicates();
        assertAlive(a, b);
    }

    /**
     * A member that stops heartbeating (a crashed process: here a raw client that joined and fell
     * silent) keeps its partitions until its session times out; then a KafkaConsumer gets them.
     */
    @Test
    void theMembersOfOneThatDiesMoveAfterTheSessionTimeout() throws Exception {
        produce("orders", "first", 60);
        Uuid topicId;
        try (Admin admin = KafkaClients.admin(trilog.kafkaBootstrap())) {
            topicId = admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders").topicId();
        }
        try (RawKafkaClient raw = new RawKafkaClient(trilog.kafkaBootstrap())) {
            ConsumerGroupHeartbeatResponse joined = raw.send(new ConsumerGroupHeartbeatRequest.Builder(
                    new ConsumerGroupHeartbeatRequestData().setGroupId("shop").setMemberId(Uuid.randomUuid().toString())
                            .setMemberEpoch(0).setRebalanceTimeoutMs(60_000).setSubscribedTopicNames(List.of("orders"))
                            .setTopicPartitions(List.of())), 1);
            assertThat(joined.data().errorCode()).isZero();
            assertThat(joined.data().assignment().topicPartitions()).singleElement().satisfies(t -> {
                assertThat(t.topicId()).isEqualTo(topicId);
                assertThat(t.partitions()).hasSize(6);
            });
        }
        long diedAt = System.nanoTime(); // the raw member never heartbeats again
        PollingConsumer a = consumer("a", "shop", "orders", Map.of());
        Thread.sleep(2_000);
        assertThat(a.assignment()).as("still the silent member's").isEmpty();
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(a.assignment()).hasSize(6));
        assertThat(Duration.ofNanos(System.nanoTime() - diedAt)).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(consumedIds(a)).hasSize(60));
        assertAlive(a);
    }

    @Test
    void aRegexSubscriptionPicksUpANewTopic() throws Exception {
        produce("metrics-cpu", "cpu", 10);
        Map<String, Object> config = new HashMap<>(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "watchers",
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer"));
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(trilog.kafkaBootstrap(), config)) {
            consumer.subscribe(new SubscriptionPattern("metrics-.*"));
            Set<String> seen = new HashSet<>();
            await().atMost(PATIENCE).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.value()));
                return seen.size() == 10;
            });
            produce("metrics-disk", "disk", 10); // created by producing to it, after the subscription
            produce("other", "other", 5);
            await().atMost(PATIENCE).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.value()));
                return seen.size() == 20;
            });
            assertThat(seen).noneMatch(v -> v.startsWith("other"));
            assertThat(consumer.assignment()).extracting(TopicPartition::topic).containsOnly("metrics-cpu", "metrics-disk");
            ConsumerGroupDescription group = describe("watchers");
            assertThat(group.members().iterator().next().assignment().topicPartitions())
                    .extracting(TopicPartition::topic).contains("metrics-disk");
        }
    }

    @Test
    void aStaticMemberThatRestartsGetsItsPartitionsBack() throws Exception {
        PollingConsumer a = consumer("a", "static", "orders", Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "host-a"));
        PollingConsumer b = consumer("b", "static", "orders", Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "host-b"));
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(a.assignment()).hasSize(3);
            assertThat(b.assignment()).hasSize(3);
        });
        Set<TopicPartition> before = a.assignment();
        a.close(); // a static member leaves with epoch -2: its partitions wait for it

        Thread.sleep(1_500); // several heartbeats of b: it does not take a's partitions
        assertThat(b.assignment()).hasSize(3);

        PollingConsumer again = consumer("a2", "static", "orders", Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "host-a"));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(again.assignment()).isEqualTo(before));
        assertThat(describe("static").members()).extracting(m -> m.groupInstanceId().orElse(""))
                .containsExactlyInAnyOrder("host-a", "host-b");
        assertAlive(b, again);
    }

    @Test
    void aClassicGroupAndAConsumerGroupConsumeTheSameTopicSideBySide() throws Exception {
        List<String> produced = produce("orders", "x", 100);
        PollingConsumer modern = consumer("modern", "new-style", "orders", Map.of());
        PollingConsumer classic = classicConsumer("classic", "old-style", "orders");
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(consumedIds(modern)).containsExactlyInAnyOrderElementsOf(produced);
            assertThat(consumedIds(classic)).containsExactlyInAnyOrderElementsOf(produced);
        });
        try (Admin admin = KafkaClients.admin(trilog.kafkaBootstrap())) {
            Map<String, GroupType> types = admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get().stream()
                    .collect(Collectors.toMap(GroupListing::groupId, g -> g.type().orElseThrow()));
            assertThat(types).containsEntry("new-style", GroupType.CONSUMER).containsEntry("old-style", GroupType.CLASSIC);
            Map<String, ConsumerGroupDescription> described = admin.describeConsumerGroups(List.of("new-style", "old-style"))
                    .all().get();
            assertThat(described.get("new-style").type()).isEqualTo(GroupType.CONSUMER);
            assertThat(described.get("old-style").type()).isEqualTo(GroupType.CLASSIC);
            assertThat(described.values()).allSatisfy(g -> assertThat(g.members()).hasSize(1));
        }
        assertAlive(modern, classic);
    }

    @Test
    void afterARestartTheGroupResumesFromItsCommittedOffsets() throws Exception {
        admin(a -> a.createTopics(List.of(new NewTopic("durable", 2, (short) 1))).all().get());
        List<String> first = produce("durable", "first", 40);
        PollingConsumer a = consumer("a", "keeper", "durable", Map.of());
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(consumedIds(a)).hasSize(40));
        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(committedOffsets("keeper").values().stream().mapToLong(Long::longValue).sum()).isEqualTo(40));

        trilog.restart(); // members are forgotten, offsets are not: the member rejoins
        List<String> second = produce("durable", "second", 40);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(consumedIds(a)).containsAll(second));
        // what was committed before the restart is not read again; of the records after it, a batch
        // polled before the member learnt it was forgotten cannot be committed
        // (UNKNOWN_MEMBER_ID) and is read again from the last commit: each is there, maybe twice
        assertThat(consumedIds(a)).filteredOn(first::contains).containsExactlyInAnyOrderElementsOf(first);
        assertThat(new HashSet<>(consumedIds(a)))
                .isEqualTo(Stream.concat(first.stream(), second.stream()).collect(Collectors.toSet()));
        assertAlive(a);
    }

    private interface AdminAction {
        void run(Admin admin) throws Exception;
    }

    private void admin(AdminAction action) throws Exception {
        try (Admin admin = KafkaClients.admin(trilog.kafkaBootstrap())) {
            action.run(admin);
        }
    }

    /** Consume-transform-produce: a transactional producer commits the offsets of a KIP-848 member (TxnOffsetCommit with its epoch). */
    @Test
    void aTransactionCommitsTheOffsetsOfAConsumerProtocolMember() throws Exception {
        produce("in", "v", 20);
        Map<String, Object> config = new HashMap<>(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "transformers",
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(trilog.kafkaBootstrap(), config);
             KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(),
                     Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "transformer"))) {
            producer.initTransactions();
            consumer.subscribe(List.of("in"));
            int[] done = {0};
            await().atMost(PATIENCE).until(() -> {
                var records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    producer.beginTransaction();
                    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                    for (ConsumerRecord<String, String> r : records) {
                        producer.send(new ProducerRecord<>("out", r.key(), r.value().toUpperCase()));
                        offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                    }
                    producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                    producer.commitTransaction();
                    done[0] += records.count();
                }
                return done[0] == 20;
            });
        }
        assertThat(committedOffsets("transformers").values().stream().mapToLong(Long::longValue).sum()).isEqualTo(20);
    }

    /** Offsets committed by a member are what KafkaConsumer.committed reads back (OffsetFetch v9+ with member id and epoch). */
    @Test
    void aMemberReadsBackWhatItCommitted() throws Exception {
        produce("orders", "c", 30);
        Map<String, Object> config = new HashMap<>(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "readers",
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer"));
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(trilog.kafkaBootstrap(), config)) {
            consumer.subscribe(List.of("orders"));
            List<ConsumerRecord<String, String>> got = new ArrayList<>();
            await().atMost(PATIENCE).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
                return got.size() == 30;
            });
            consumer.commitSync();
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(partitions("orders", 6));
            long total = committed.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
            assertThat(total).isEqualTo(30);
        }
    }

    // ---- online migration (group.consumer.migration.policy, bidirectional by default)

    private GroupType typeOf(String group) throws Exception {
        try (Admin admin = KafkaClients.admin(trilog.kafkaBootstrap())) {
            return admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get().stream()
                    .collect(Collectors.toMap(GroupListing::groupId, g -> g.type().orElseThrow())).get(group);
        }
    }

    /**
     * A classic member of group "shop" consuming everything, then a consumer-protocol member joins
     * (an upgrade) and the partitions are split; returns the ids produced so far.
     */
    private List<String> upgrade(PollingConsumer classic, PollingConsumer[] modern) throws Exception {
        List<String> produced = new ArrayList<>(produce("orders", "first", 300));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(consumedIds(classic)).hasSize(300));
        assertThat(classic.assignment()).hasSize(6);
        assertThat(typeOf("shop")).isEqualTo(GroupType.CLASSIC);

        modern[0] = consumer("modern", "shop", "orders", Map.of());
        produced.addAll(produce("orders", "second", 300)); // consumed by the classic member, or by the new one once handed over
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(classic.assignment()).hasSize(3);
            assertThat(modern[0].assignment()).hasSize(3);
        });
        assertThat(classic.assignment()).doesNotContainAnyElementsOf(modern[0].assignment());
        return produced;
    }

    @Test
    void aConsumerProtocolMemberJoiningAClassicGroupWithAMemberUpgradesItAndBothConsume() throws Exception {
        PollingConsumer classic = classicConsumer("classic", "shop", "orders");
        PollingConsumer[] modern = new PollingConsumer[1];
        List<String> produced = upgrade(classic, modern);

        produced.addAll(produce("orders", "third", 300));
        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(new HashSet<>(consumedIds(classic, modern[0]))).hasSize(900));
        assertThat(consumedIds(classic, modern[0])).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(produced);
        assertThat(modern[0].consumed()).isNotEmpty();

        assertThat(typeOf("shop")).isEqualTo(GroupType.CONSUMER);
        ConsumerGroupDescription shop = describe("shop");
        assertThat(shop.type()).isEqualTo(GroupType.CONSUMER);
        assertThat(shop.members()).extracting(MemberDescription::clientId).containsExactlyInAnyOrder("classic", "modern");
        assertThat(shop.members()).allSatisfy(m -> assertThat(m.assignment().topicPartitions()).hasSize(3));
        assertAlive(classic, modern[0]);
    }

    @Test
    void whenTheLastConsumerProtocolMemberLeavesTheGroupIsDowngradedAndTheClassicMemberTakesAllBack() throws Exception {
        PollingConsumer classic = classicConsumer("classic", "shop", "orders");
        PollingConsumer[] modern = new PollingConsumer[1];
        List<String> produced = upgrade(classic, modern);
        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(new HashSet<>(consumedIds(classic, modern[0]))).hasSize(600));

        modern[0].close(); // leaves (epoch -1): only a classic member is left
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(classic.assignment()).hasSize(6));
        assertThat(typeOf("shop")).isEqualTo(GroupType.CLASSIC);

        produced.addAll(produce("orders", "after", 300));
        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(new HashSet<>(consumedIds(classic, modern[0]))).hasSize(900));
        assertThat(consumedIds(classic, modern[0])).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(produced);
        assertAlive(classic);
    }

    // ---- static members replaced across the protocols

    /** A static classic member whose session outlasts the test: only a replacement can give its instance a new member id. */
    private static Map<String, Object> staticClassic(String instanceId) {
        return Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 300_000);
    }

    @Test
    void aStaticClassicMemberRestartingInAConsumerGroupReplacesItselfAndGetsItsPartitionsBack() throws Exception {
        PollingConsumer modern = consumer("modern", "mixed", "orders", Map.of());
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(modern.assignment()).hasSize(6));
        PollingConsumer a = classicConsumer("a", "mixed", "orders", staticClassic("host-a"));
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(a.assignment()).hasSize(3);
            assertThat(modern.assignment()).hasSize(3);
        });
        List<String> produced = new ArrayList<>(produce("orders", "before", 300));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(new HashSet<>(consumedIds(a, modern))).hasSize(300));
        Set<TopicPartition> before = a.assignment();
        a.stopWithoutLeaving(); // a crash: the member stays for its 300 s session

        PollingConsumer again = classicConsumer("a-again", "mixed", "orders", staticClassic("host-a"));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(again.assignment()).isEqualTo(before));
        assertThat(modern.assignment()).hasSize(3).doesNotContainAnyElementsOf(before);
        assertThat(typeOf("mixed")).isEqualTo(GroupType.CONSUMER);
        ConsumerGroupDescription described = describe("mixed");
        assertThat(described.members()).hasSize(2);
        assertThat(described.members()).filteredOn(m -> m.groupInstanceId().isPresent()).singleElement()
                .satisfies(m -> {
                    assertThat(m.clientId()).isEqualTo("a-again");
                    assertThat(m.assignment().topicPartitions()).isEqualTo(before);
                });

        produced.addAll(produce("orders", "after", 300));
        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(new HashSet<>(consumedIds(a, again, modern))).hasSize(600));
        assertThat(consumedIds(a, again, modern)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(produced);
        assertAlive(modern, again);
    }

    @Test
    void aStaticConsumerRolledBackToTheClassicProtocolReplacesItselfAndTheGroupBecomesClassic() throws Exception {
        PollingConsumer classic = classicConsumer("classic", "shop", "orders");
        List<String> produced = new ArrayList<>(produce("orders", "first", 300));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(consumedIds(classic)).hasSize(300));
        PollingConsumer modern = consumer("modern", "shop", "orders", Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
                "host-m"));
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(classic.assignment()).hasSize(3);
            assertThat(modern.assignment()).hasSize(3);
        });
        assertThat(typeOf("shop")).isEqualTo(GroupType.CONSUMER);
        produced.addAll(produce("orders", "second", 300));
        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(new HashSet<>(consumedIds(classic, modern))).hasSize(600));
        Set<TopicPartition> modernHeld = modern.assignment();
        modern.close(); // a static member of the consumer protocol leaves with epoch -2: its partitions wait for it

        // the same instance comes back with group.protocol=classic: it replaces its predecessor, the last
        // consumer-protocol member, so the group is a classic group again, with no rebalance
        PollingConsumer rolledBack = classicConsumer("rolled-back", "shop", "orders", staticClassic("host-m"));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(rolledBack.assignment()).isEqualTo(modernHeld));
        assertThat(typeOf("shop")).isEqualTo(GroupType.CLASSIC);
        assertThat(classic.assignment()).hasSize(3).doesNotContainAnyElementsOf(modernHeld);

        produced.addAll(produce("orders", "third", 300));
        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(new HashSet<>(consumedIds(classic, modern, rolledBack))).hasSize(900));
        assertThat(consumedIds(classic, modern, rolledBack)).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(produced);
        assertThat(rolledBack.consumed()).isNotEmpty();
        assertAlive(classic, rolledBack);
    }
}
