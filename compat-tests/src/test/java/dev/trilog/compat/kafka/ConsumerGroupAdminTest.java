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
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AdminClient's consumer-group operations against Trilog, as {@code kafka-consumer-groups.sh}
 * uses them: list (with states), describe (members, assignments), offsets and lag, delete groups
 * and offsets. The 3.x listing call (listConsumerGroups, deprecated for removal in 4.x) is
 * tested beside its 4.x replacement, listGroups, since deployed tools still use it.
 */
@SuppressWarnings("removal")
class ConsumerGroupAdminTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    java.nio.file.Path dataDir;

    private TrilogHarness trilog;
    private Admin admin;
    private final List<PollingConsumer> consumers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        trilog = TrilogHarness.start(dataDir, "num.partitions", "6");
        admin = KafkaClients.admin(trilog.kafkaBootstrap());
        try (KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(), Map.of())) {
            for (int i = 0; i < 120; i++) {
                producer.send(new ProducerRecord<>("ledger", i % 6, "k" + i, "v" + i));
            }
        }
    }

    @AfterEach
    void stop() {
        consumers.forEach(PollingConsumer::close);
        admin.close();
        trilog.close();
    }

    private PollingConsumer member(String name, String group) {
        PollingConsumer consumer = PollingConsumer.start(name, trilog.kafkaBootstrap(), group, "ledger", Map.of());
        consumers.add(consumer);
        return consumer;
    }

    /** Commits {@code offset} for every partition of "ledger" as a standalone consumer (generation -1). */
    private void commitStandalone(String group, long offset) {
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(trilog.kafkaBootstrap(),
                Map.of(ConsumerConfig.GROUP_ID_CONFIG, group))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (int p = 0; p < 6; p++) {
                offsets.put(new TopicPartition("ledger", p), new OffsetAndMetadata(offset));
            }
            consumer.commitSync(offsets);
        }
    }

    /** A stable two-member group that has committed all 120 records. */
    private void activeGroup(String group) {
        PollingConsumer a = member("a", group);
        PollingConsumer b = member("b", group);
        await().atMost(PATIENCE).until(() -> a.assignment().size() == 3 && b.assignment().size() == 3
                && a.committed().size() + b.committed().size() == 120 && a.generation() == b.generation());
    }

    /** What {@code kafka-consumer-groups.sh --list} of Kafka 3.x asks (4.x asks listGroups, tested too). */
    private java.util.Collection<ConsumerGroupListing> listConsumerGroups() throws Exception {
        return admin.listConsumerGroups().all().get();
    }

    private Map<TopicPartition, Long> committed(String group) throws Exception {
        Map<TopicPartition, Long> result = new HashMap<>();
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                .forEach((tp, offset) -> result.put(tp, offset.offset()));
        return result;
    }

    @Test
    void listsGroupsWithTheirStates() throws Exception {
        activeGroup("readers");
        commitStandalone("bookkeepers", 5);

        Map<String, ConsumerGroupListing> listed = new HashMap<>();
        listConsumerGroups().forEach(listing -> listed.put(listing.groupId(), listing));

        assertThat(listed).containsOnlyKeys("readers", "bookkeepers");
        assertThat(listed.get("readers").groupState()).contains(GroupState.STABLE);
        assertThat(listed.get("readers").isSimpleConsumerGroup()).isFalse();
        assertThat(listed.get("bookkeepers").groupState()).contains(GroupState.EMPTY);
        assertThat(listed.get("bookkeepers").isSimpleConsumerGroup()).isTrue();
        assertThat(admin.listGroups(ListGroupsOptions.forConsumerGroups().inGroupStates(Set.of(GroupState.STABLE)))
                .all().get()).extracting(GroupListing::groupId).containsExactly("readers");
        assertThat(admin.listGroups(ListGroupsOptions.forConsumerGroups().inGroupStates(Set.of(GroupState.EMPTY)))
                .all().get()).extracting(GroupListing::groupId).containsExactly("bookkeepers");
    }

    @Test
    void describesMembersWithTheirAssignments() throws Exception {
        activeGroup("readers");
        commitStandalone("bookkeepers", 5);

        Map<String, ConsumerGroupDescription> described =
                admin.describeConsumerGroups(List.of("readers", "bookkeepers")).all().get();

        ConsumerGroupDescription readers = described.get("readers");
        assertThat(readers.groupState()).isEqualTo(GroupState.STABLE);
        assertThat(readers.partitionAssignor()).isEqualTo("range");
        assertThat(readers.isSimpleConsumerGroup()).isFalse();
        assertThat(readers.coordinator().port()).isEqualTo(Integer.parseInt(trilog.kafkaBootstrap().split(":")[1]));
        assertThat(readers.members()).extracting(MemberDescription::clientId).containsExactlyInAnyOrder("a", "b");
        assertThat(readers.members()).allSatisfy(member -> {
            assertThat(member.host()).isEqualTo("/127.0.0.1");
            assertThat(member.assignment().topicPartitions()).hasSize(3);
        });
        Set<TopicPartition> assigned = new HashSet<>();
        readers.members().forEach(member -> assigned.addAll(member.assignment().topicPartitions()));
        assertThat(assigned).hasSize(6);
        assertThat(described.get("bookkeepers").groupState()).isEqualTo(GroupState.EMPTY);
        assertThat(described.get("bookkeepers").members()).isEmpty();

        assertThatThrownBy(() -> admin.describeConsumerGroups(List.of("nobody")).all().get())
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(GroupIdNotFoundException.class);
    }

    @Test
    void lagIsTheLogEndMinusTheCommittedOffset() throws Exception {
        commitStandalone("bookkeepers", 5);

        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < 6; p++) {
            latest.put(new TopicPartition("ledger", p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
        Map<TopicPartition, Long> committed = committed("bookkeepers");

        assertThat(committed).hasSize(6);
        committed.forEach((tp, offset) -> assertThat(ends.get(tp) - offset).as("lag of %s", tp).isEqualTo(15));
    }

    @Test
    void deletesOnlyGroupsWithoutMembers() throws Exception {
        activeGroup("readers");
        commitStandalone("bookkeepers", 5);

        assertThatThrownBy(() -> admin.deleteConsumerGroups(List.of("readers")).all().get())
                .hasCauseInstanceOf(GroupNotEmptyException.class);
        admin.deleteConsumerGroups(List.of("bookkeepers")).all().get();

        assertThat(committed("bookkeepers")).isEmpty();
        assertThat(committed("readers")).hasSize(6);
        assertThat(listConsumerGroups()).extracting(ConsumerGroupListing::groupId).containsExactly("readers");
        assertThatThrownBy(() -> admin.deleteConsumerGroups(List.of("bookkeepers")).all().get())
                .hasCauseInstanceOf(GroupIdNotFoundException.class);
    }

    @Test
    void deletesOffsetsOfTopicsNoMemberSubscribesTo() throws Exception {
        activeGroup("readers");
        commitStandalone("bookkeepers", 5);
        TopicPartition first = new TopicPartition("ledger", 0);

        assertThatThrownBy(() -> admin.deleteConsumerGroupOffsets("readers", Set.of(first)).all().get())
                .hasCauseInstanceOf(GroupSubscribedToTopicException.class);
        admin.deleteConsumerGroupOffsets("bookkeepers", Set.of(first)).all().get();

        assertThat(committed("bookkeepers")).hasSize(5).doesNotContainKey(first);
        assertThat(committed("readers")).containsKey(first);
    }
}
