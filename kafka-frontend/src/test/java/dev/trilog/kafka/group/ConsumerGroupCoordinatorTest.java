package dev.trilog.kafka.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.log.CommittedOffset;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KIP-848 consumer groups in the coordinator, on a manual clock: joining, the revoke-then-assign
 * handover between members, the fencing errors, session and rebalance timeouts, static members,
 * offset commits with member epochs, and the rules between classic and consumer groups.
 */
class ConsumerGroupCoordinatorTest {

    private static final int SESSION_MS = 45_000;
    private static final int REBALANCE_MS = 30_000;

    @TempDir
    Path dataDir;

    private LogEngine engine;
    private ManualGroupTimer timer;
    private GroupCoordinator coordinator;
    private Uuid topicId;

    @BeforeEach
    void start() throws Exception {
        engine = LogEngine.open(EngineSettings.of(dataDir));
        topicId = engine.createTopic("t", 4, Map.of()).id();
        timer = new ManualGroupTimer();
        coordinator = new GroupCoordinator(engine.groupOffsets(), new GroupSettings(0, 1_000, 60_000,
                new ConsumerGroupSettings(SESSION_MS, 1_000, 3, List.of("uniform", "range"),
                        ConsumerGroupSettings.MigrationPolicy.BIDIRECTIONAL)), timer,
                TopicCatalog.of(engine));
    }

    @AfterEach
    void stop() throws Exception {
        engine.close();
    }

    // ---- helpers

    private ConsumerGroupHeartbeatResponseData join(String memberId, String instanceId) {
        return coordinator.consumerGroupHeartbeat("client", "/127.0.0.1", new ConsumerGroupHeartbeatRequestData()
                .setGroupId("g").setMemberId(memberId).setMemberEpoch(0).setInstanceId(instanceId)
                .setRebalanceTimeoutMs(REBALANCE_MS).setSubscribedTopicNames(List.of("t")).setTopicPartitions(List.of()));
    }

    /** A heartbeat that says the member owns {@code owned}. */
    private ConsumerGroupHeartbeatResponseData beat(String memberId, int epoch, Set<Integer> owned) {
        return coordinator.consumerGroupHeartbeat("client", "/127.0.0.1", new ConsumerGroupHeartbeatRequestData()
                .setGroupId("g").setMemberId(memberId).setMemberEpoch(epoch)
                .setTopicPartitions(List.of(new ConsumerGroupHeartbeatRequestData.TopicPartitions()
                        .setTopicId(topicId).setPartitions(new ArrayList<>(owned)))));
    }

    private static Set<Integer> assigned(ConsumerGroupHeartbeatResponseData response) {
        Set<Integer> partitions = new HashSet<>();
        if (response.assignment() != null) {
            response.assignment().topicPartitions().forEach(t -> partitions.addAll(t.partitions()));
        }
        return partitions;
    }

    /** The partitions ConsumerGroupDescribe shows the member holding. */
    private Set<Integer> describedAssignment(String memberId) {
        Set<Integer> partitions = new HashSet<>();
        coordinator.describeConsumerGroup("g").members().stream().filter(m -> m.memberId().equals(memberId))
                .forEach(m -> m.assignment().topicPartitions().forEach(t -> partitions.addAll(t.partitions())));
        return partitions;
    }

    private static Errors error(ConsumerGroupHeartbeatResponseData response) {
        return Errors.forCode(response.errorCode());
    }

    // ---- joining and handing partitions over

    @Test
    void theFirstMemberGetsEveryPartition() {
        ConsumerGroupHeartbeatResponseData response = join("m1", null);
        assertThat(error(response)).isEqualTo(Errors.NONE);
        assertThat(response.memberEpoch()).isEqualTo(1);
        assertThat(response.heartbeatIntervalMs()).isEqualTo(1_000);
        assertThat(assigned(response)).containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThat(coordinator.listGroups(List.of(), List.of("consumer"))).singleElement()
                .satisfies(g -> assertThat(g.groupState()).isEqualTo("Stable"));
    }

    @Test
    void aNewMemberGetsPartitionsOnlyAfterTheOldOwnerRevokedThem() {
        join("m1", null);
        ConsumerGroupHeartbeatResponseData second = join("m2", null);
        assertThat(second.memberEpoch()).isEqualTo(2);
        assertThat(assigned(second)).as("nothing yet: m1 still owns everything").isEmpty();

        ConsumerGroupHeartbeatResponseData asked = beat("m1", 1, Set.of(0, 1, 2, 3));
        Set<Integer> kept = assigned(asked);
        assertThat(asked.memberEpoch()).as("stays at its epoch while revoking").isEqualTo(1);
        assertThat(kept).hasSize(2);

        assertThat(assigned(beat("m2", 2, Set.of()))).as("still owned by m1").isEmpty();
        assertThat(coordinator.describeConsumerGroup("g").groupState()).isEqualTo("Reconciling");

        ConsumerGroupHeartbeatResponseData revoked = beat("m1", 1, kept);
        assertThat(revoked.memberEpoch()).isEqualTo(2);
        ConsumerGroupHeartbeatResponseData got = beat("m2", 2, Set.of());
        Set<Integer> theirs = assigned(got);
        assertThat(theirs).hasSize(2).doesNotContainAnyElementsOf(kept);
        assertThat(coordinator.describeConsumerGroup("g").groupState()).isEqualTo("Stable");
    }

    @Test
    void aSilentMemberIsRemovedAfterTheSessionTimeoutAndItsPartitionsMove() {
        join("m1", null);
        join("m2", null);
        Set<Integer> kept = assigned(beat("m1", 1, Set.of(0, 1, 2, 3)));
        beat("m1", 1, kept);
        Set<Integer> m2 = assigned(beat("m2", 2, Set.of()));
        for (int i = 0; i < 10; i++) { // m2 keeps heartbeating, m1 falls silent
            timer.advance(SESSION_MS / 9);
            beat("m2", coordinator.describeConsumerGroup("g").members().stream()
                    .filter(m -> m.memberId().equals("m2")).findFirst().orElseThrow().memberEpoch(), m2);
        }
        assertThat(coordinator.describeConsumerGroup("g").members()).extracting(m -> m.memberId()).containsExactly("m2");
        assertThat(describedAssignment("m2")).as("given to m2 by its heartbeats").containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThat(error(beat("m1", 2, kept))).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void aMemberThatDoesNotRevokeWithinItsRebalanceTimeoutIsRemoved() {
        join("m1", null);
        join("m2", null);
        beat("m1", 1, Set.of(0, 1, 2, 3)); // asked to revoke two
        timer.advance(REBALANCE_MS + 1);
        assertThat(coordinator.describeConsumerGroup("g").members()).extracting(m -> m.memberId()).containsExactly("m2");
    }

    @Test
    void leavingFreesThePartitionsAtOnce() {
        join("m1", null);
        join("m2", null);
        ConsumerGroupHeartbeatResponseData left = coordinator.consumerGroupHeartbeat("c", "h",
                new ConsumerGroupHeartbeatRequestData().setGroupId("g").setMemberId("m1").setMemberEpoch(-1));
        assertThat(left.memberEpoch()).isEqualTo(-1);
        assertThat(assigned(beat("m2", 2, Set.of()))).containsExactlyInAnyOrder(0, 1, 2, 3);
    }

    @Test
    void aTopicCreatedLaterIsAssignedToTheMembersWhoseRegexMatchesIt() throws Exception {
        ConsumerGroupHeartbeatResponseData joined = coordinator.consumerGroupHeartbeat("c", "h",
                new ConsumerGroupHeartbeatRequestData().setGroupId("g").setMemberId("m1").setMemberEpoch(0)
                        .setRebalanceTimeoutMs(REBALANCE_MS).setTopicPartitions(List.of())
                        .setSubscribedTopicNames(List.of()).setSubscribedTopicRegex("t|new-.*"));
        assertThat(assigned(joined)).containsExactlyInAnyOrder(0, 1, 2, 3);
        Uuid created = engine.createTopic("new-one", 2, Map.of()).id();
        engine.createTopic("unrelated", 2, Map.of());
        timer.advance(1_000); // subscribed topics are looked at again at most every 500 ms
        ConsumerGroupHeartbeatResponseData next = beat("m1", 1, Set.of(0, 1, 2, 3));
        assertThat(next.memberEpoch()).isEqualTo(2);
        assertThat(next.assignment().topicPartitions()).extracting(t -> t.topicId())
                .containsExactlyInAnyOrder(topicId, created);
    }

    // ---- fencing

    @Test
    void epochsOtherThanTheMembersAreFenced() {
        join("m1", null);
        assertThat(error(beat("m1", 5, Set.of()))).isEqualTo(Errors.FENCED_MEMBER_EPOCH);
        join("m2", null);
        Set<Integer> kept = assigned(beat("m1", 1, Set.of(0, 1, 2, 3)));
        beat("m1", 1, kept); // now at epoch 2, previous 1
        assertThat(error(beat("m1", 1, kept))).as("the previous epoch with no more than it holds").isEqualTo(Errors.NONE);
        assertThat(error(beat("m1", 1, Set.of(0, 1, 2, 3)))).isEqualTo(Errors.FENCED_MEMBER_EPOCH);
        assertThat(error(beat("nobody", 1, Set.of()))).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void aFullGroupRefusesNewMembers() {
        join("m1", null);
        join("m2", null);
        join("m3", null);
        assertThat(error(join("m4", null))).isEqualTo(Errors.GROUP_MAX_SIZE_REACHED);
    }

    @Test
    void badRequestsAreRefused() {
        ConsumerGroupHeartbeatResponseData noTopics = coordinator.consumerGroupHeartbeat("c", "h",
                new ConsumerGroupHeartbeatRequestData().setGroupId("g").setMemberId("m").setMemberEpoch(0)
                        .setRebalanceTimeoutMs(1000).setTopicPartitions(List.of()));
        assertThat(error(noTopics)).isEqualTo(Errors.INVALID_REQUEST);
        ConsumerGroupHeartbeatResponseData badAssignor = coordinator.consumerGroupHeartbeat("c", "h",
                new ConsumerGroupHeartbeatRequestData().setGroupId("g").setMemberId("m").setMemberEpoch(0)
                        .setRebalanceTimeoutMs(1000).setTopicPartitions(List.of()).setSubscribedTopicNames(List.of("t"))
                        .setServerAssignor("sticky"));
        assertThat(error(badAssignor)).isEqualTo(Errors.UNSUPPORTED_ASSIGNOR);
        ConsumerGroupHeartbeatResponseData badRegex = coordinator.consumerGroupHeartbeat("c", "h",
                new ConsumerGroupHeartbeatRequestData().setGroupId("g").setMemberId("m").setMemberEpoch(0)
                        .setRebalanceTimeoutMs(1000).setTopicPartitions(List.of()).setSubscribedTopicRegex("t(("));
        assertThat(error(badRegex)).isEqualTo(Errors.INVALID_REGULAR_EXPRESSION);
    }

    // ---- static members

    @Test
    void aStaticMemberThatComesBackKeepsItsPartitions() {
        join("m1", "instance-1");
        join("m2", "instance-2");
        Set<Integer> kept = assigned(beat("m1", 1, Set.of(0, 1, 2, 3)));
        beat("m1", 1, kept);
        Set<Integer> m2 = assigned(beat("m2", 2, Set.of()));
        ConsumerGroupHeartbeatResponseData away = coordinator.consumerGroupHeartbeat("c", "h",
                new ConsumerGroupHeartbeatRequestData().setGroupId("g").setMemberId("m1").setInstanceId("instance-1")
                        .setMemberEpoch(-2));
        assertThat(away.memberEpoch()).isEqualTo(-2);
        assertThat(beat("m2", 2, m2).assignment()).as("the away member's partitions are still its own").isNull();
        assertThat(describedAssignment("m2")).isEqualTo(m2);

        assertThat(error(join("other", "instance-2"))).isEqualTo(Errors.UNRELEASED_INSTANCE_ID);
        ConsumerGroupHeartbeatResponseData back = join("m1-restarted", "instance-1");
        assertThat(error(back)).isEqualTo(Errors.NONE);
        assertThat(assigned(back)).isEqualTo(kept);
        assertThat(back.memberEpoch()).isEqualTo(2);
    }

    @Test
    void aStaticMemberAwayLongerThanItsSessionIsRemovedAndAnOldInstanceIsFenced() {
        join("m1", "instance-1");
        join("m2", "instance-2");
        Set<Integer> kept = assigned(beat("m1", 1, Set.of(0, 1, 2, 3)));
        beat("m1", 1, kept);
        ConsumerGroupHeartbeatResponseData stale = coordinator.consumerGroupHeartbeat("c", "h",
                new ConsumerGroupHeartbeatRequestData().setGroupId("g").setMemberId("impostor").setInstanceId("instance-1")
                        .setMemberEpoch(2));
        assertThat(error(stale)).isEqualTo(Errors.FENCED_INSTANCE_ID);

        coordinator.consumerGroupHeartbeat("c", "h", new ConsumerGroupHeartbeatRequestData().setGroupId("g")
                .setMemberId("m1").setInstanceId("instance-1").setMemberEpoch(-2));
        for (int i = 0; i < 10; i++) { // m2 stays, instance-1 does not come back
            timer.advance(SESSION_MS / 9);
            int epoch = coordinator.describeConsumerGroup("g").members().stream().filter(m -> m.memberId().equals("m2"))
                    .findFirst().orElseThrow().memberEpoch();
            beat("m2", epoch, describedAssignment("m2"));
        }
        assertThat(coordinator.describeConsumerGroup("g").members()).extracting(m -> m.memberId()).containsExactly("m2");
        assertThat(describedAssignment("m2")).containsExactlyInAnyOrder(0, 1, 2, 3);
    }

    // ---- offsets

    @Test
    void membersCommitWithTheirCurrentEpoch() {
        join("m1", null);
        TopicPartition tp = new TopicPartition("t", 0);
        Map<TopicPartition, CommittedOffset> commit = Map.of(tp, new CommittedOffset(5, -1, "", -1));
        assertThat(coordinator.commitOffsets("g", "m1", null, 1, (short) 9, commit)).containsEntry(tp, Errors.NONE);
        assertThat(coordinator.commitOffsets("g", "m1", null, 0, (short) 9, commit))
                .containsEntry(tp, Errors.STALE_MEMBER_EPOCH);
        assertThat(coordinator.commitOffsets("g", "ghost", null, 1, (short) 9, commit))
                .containsEntry(tp, Errors.UNKNOWN_MEMBER_ID);
        assertThat(coordinator.commitOffsets("g", "m1", null, 1, (short) 8, commit))
                .containsEntry(tp, Errors.UNSUPPORTED_VERSION);
        assertThat(coordinator.commitOffsets("g", "", null, -1, (short) 9, commit))
                .as("a simple commit needs an empty group").containsEntry(tp, Errors.UNKNOWN_MEMBER_ID);
        assertThat(coordinator.validateOffsetFetch("g", "m1", 1)).isEqualTo(Errors.NONE);
        assertThat(coordinator.validateOffsetFetch("g", "m1", 0)).isEqualTo(Errors.STALE_MEMBER_EPOCH);
        assertThat(coordinator.validateOffsetFetch("g", null, -1)).isEqualTo(Errors.NONE);
        assertThat(coordinator.fetchOffsets("g", List.of(tp)).get(tp).offset()).isEqualTo(5);
    }

    @Test
    void offsetsOfSubscribedTopicsStayAndOnlyAnEmptyGroupIsDeleted() throws Exception {
        engine.createTopic("other", 1, Map.of());
        join("m1", null);
        TopicPartition subscribed = new TopicPartition("t", 0);
        TopicPartition other = new TopicPartition("other", 0);
        coordinator.commitOffsets("g", "m1", null, 1, (short) 9, Map.of(subscribed, new CommittedOffset(1, -1, "", -1),
                other, new CommittedOffset(2, -1, "", -1)));
        GroupCoordinator.OffsetDeletion deletion = coordinator.deleteOffsets("g", List.of(subscribed, other));
        assertThat(deletion.groupError()).isEqualTo(Errors.NONE);
        assertThat(deletion.partitions()).containsEntry(subscribed, Errors.GROUP_SUBSCRIBED_TO_TOPIC)
                .containsEntry(other, Errors.NONE);
        assertThat(coordinator.fetchOffsets("g", null)).containsOnlyKeys(subscribed);

        assertThat(coordinator.deleteGroup("g")).isEqualTo(Errors.NON_EMPTY_GROUP);
        coordinator.consumerGroupHeartbeat("c", "h", new ConsumerGroupHeartbeatRequestData().setGroupId("g")
                .setMemberId("m1").setMemberEpoch(-1));
        assertThat(coordinator.describeConsumerGroup("g").groupState()).isEqualTo("Empty");
        assertThat(coordinator.deleteGroup("g")).isEqualTo(Errors.NONE);
        assertThat(coordinator.fetchOffsets("g", null)).isEmpty();
        assertThat(coordinator.describeConsumerGroup("g").errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
    }

    // ---- classic and consumer groups

    private static JoinGroupRequestData classicJoin(String group) {
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName("range").setMetadata(new byte[0]));
        return new JoinGroupRequestData().setGroupId(group).setMemberId("").setSessionTimeoutMs(10_000)
                .setRebalanceTimeoutMs(10_000).setProtocolType("consumer").setProtocols(protocols);
    }

    @Test
    void anEmptyGroupChangesKindAndOneWithMembersRefusesMembersWithoutTheConsumerProtocol() throws Exception {
        // a classic group with only offsets becomes a consumer group, offsets kept
        TopicPartition tp = new TopicPartition("t", 1);
        coordinator.commitOffsets("g", "", null, -1, (short) 9, Map.of(tp, new CommittedOffset(7, -1, "", -1)));
        assertThat(error(join("m1", null))).isEqualTo(Errors.NONE);
        assertThat(coordinator.fetchOffsets("g", List.of(tp)).get(tp).offset()).isEqualTo(7);
        assertThat(coordinator.describeGroup("g", (short) 6).errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());

        // a classic member whose metadata is not the consumer protocol cannot join it while it has members
        assertThat(coordinator.joinGroup("c", "h", (short) 9, classicJoin("g")).get().errorCode())
                .isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL.code());

        // a classic group with members whose metadata is not the consumer protocol is not upgraded
        String classicMember = coordinator.joinGroup("c", "h", (short) 9, classicJoin("classic")).get().memberId();
        coordinator.joinGroup("c", "h", (short) 9, classicJoin("classic").setMemberId(classicMember)); // rebalancing now
        ConsumerGroupHeartbeatResponseData refused = coordinator.consumerGroupHeartbeat("c", "h",
                new ConsumerGroupHeartbeatRequestData().setGroupId("classic").setMemberId("m9").setMemberEpoch(0)
                        .setRebalanceTimeoutMs(1000).setTopicPartitions(List.of()).setSubscribedTopicNames(List.of("t")));
        assertThat(error(refused)).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
        assertThat(coordinator.listGroups(List.of(), List.of())).extracting(g -> g.groupId() + ":" + g.groupType())
                .containsExactly("classic:classic", "g:consumer");

        // once the consumer group is empty again, a classic member turns it back into a classic group
        coordinator.consumerGroupHeartbeat("c", "h", new ConsumerGroupHeartbeatRequestData().setGroupId("g")
                .setMemberId("m1").setMemberEpoch(-1));
        assertThat(coordinator.joinGroup("c", "h", (short) 9, classicJoin("g")).get().errorCode())
                .isEqualTo(Errors.MEMBER_ID_REQUIRED.code());
        assertThat(coordinator.listGroups(List.of(), List.of("classic"))).extracting(g -> g.groupId()).contains("g");
    }

    // ---- online migration between the protocols (group.consumer.migration.policy)

    /** A classic JoinGroup of a consumer subscribed to t (the consumer protocol embedded), owning {@code owned}. */
    private static JoinGroupRequestData consumerJoin(String memberId, List<TopicPartition> owned) {
        ByteBuffer metadata = ConsumerProtocol.serializeSubscription(
                new ConsumerPartitionAssignor.Subscription(List.of("t"), null, owned));
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName("range").setMetadata(bytes(metadata)));
        return new JoinGroupRequestData().setGroupId("g").setMemberId(memberId).setSessionTimeoutMs(10_000)
                .setRebalanceTimeoutMs(10_000).setProtocolType("consumer").setProtocols(protocols);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private SyncGroupResponseData classicSync(String memberId, int generation, byte[] assignment) throws Exception {
        SyncGroupRequestData request = new SyncGroupRequestData().setGroupId("g").setMemberId(memberId)
                .setGenerationId(generation).setProtocolType("consumer").setProtocolName("range");
        if (assignment != null) {
            request.assignments().add(new SyncGroupRequestData.SyncGroupRequestAssignment().setMemberId(memberId)
                    .setAssignment(assignment));
        }
        return coordinator.syncGroup(request).get();
    }

    private Errors classicHeartbeat(String memberId, int generation) {
        return coordinator.heartbeat(new HeartbeatRequestData().setGroupId("g").setMemberId(memberId)
                .setGenerationId(generation));
    }

    private static Set<Integer> partitionsOf(byte[] assignment) {
        Set<Integer> partitions = new HashSet<>();
        ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(assignment)).partitions()
                .forEach(tp -> partitions.add(tp.partition()));
        return partitions;
    }

    private String groupType() {
        return coordinator.listGroups(List.of(), List.of()).stream().filter(g -> g.groupId().equals("g"))
                .findFirst().orElseThrow().groupType();
    }

    /** Classic group g, generation 1, whose one member (returned) holds all of t's partitions. */
    private String stableClassicGroup() throws Exception {
        String memberId = coordinator.joinGroup("c", "h", (short) 9, consumerJoin("", List.of())).get().memberId();
        CompletableFuture<JoinGroupResponseData> joining = coordinator.joinGroup("c", "h", (short) 9,
                consumerJoin(memberId, List.of()));
        timer.advance(1);
        JoinGroupResponseData joined = joining.get();
        assertThat(joined.generationId()).isEqualTo(1);
        List<TopicPartition> all = List.of(new TopicPartition("t", 0), new TopicPartition("t", 1),
                new TopicPartition("t", 2), new TopicPartition("t", 3));
        byte[] assignment = bytes(ConsumerProtocol.serializeAssignment(new ConsumerPartitionAssignor.Assignment(all)));
        assertThat(partitionsOf(classicSync(memberId, 1, assignment).assignment())).hasSize(4);
        assertThat(groupType()).isEqualTo("classic");
        return memberId;
    }

    @Test
    void aConsumerProtocolMemberUpgradesAClassicGroupWithAMemberWhichHandsOverWhenItRejoins() throws Exception {
        String classic = stableClassicGroup();

        ConsumerGroupHeartbeatResponseData joined = join("m1", null);
        assertThat(error(joined)).isEqualTo(Errors.NONE);
        assertThat(groupType()).isEqualTo("consumer");
        assertThat(joined.memberEpoch()).as("the classic generation, then the join").isEqualTo(2);
        assertThat(assigned(joined)).as("the classic member still holds everything").isEmpty();
        assertThat(describedAssignment(classic)).hasSize(4);

        assertThat(classicHeartbeat(classic, 1)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        assertThat(coordinator.commitOffsets("g", classic, null, 1, (short) 8,
                Map.of(new TopicPartition("t", 0), new CommittedOffset(5, -1, "", -1))).values())
                .as("a classic member commits at its generation, with any version").containsOnly(Errors.NONE);

        JoinGroupResponseData rejoined = coordinator.joinGroup("c", "h", (short) 9, consumerJoin(classic, List.of())).get();
        assertThat(Errors.forCode(rejoined.errorCode())).isEqualTo(Errors.NONE);
        assertThat(rejoined.generationId()).isEqualTo(2);
        assertThat(rejoined.leader()).as("nobody assigns: the broker does").isEmpty();
        assertThat(rejoined.protocolName()).isEqualTo("range");
        Set<Integer> kept = partitionsOf(classicSync(classic, 2, null).assignment());
        assertThat(kept).hasSize(2);
        assertThat(classicHeartbeat(classic, 2)).isEqualTo(Errors.NONE);
        assertThat(classicHeartbeat(classic, 1)).isEqualTo(Errors.ILLEGAL_GENERATION);

        Set<Integer> handed = assigned(beat("m1", 2, Set.of()));
        assertThat(handed).hasSize(2).doesNotContainAnyElementsOf(kept);
    }

    @Test
    void whenTheLastConsumerProtocolMemberLeavesTheClassicMembersGetAClassicGroupBackAndRejoin() throws Exception {
        String classic = stableClassicGroup();
        join("m1", null);
        coordinator.joinGroup("c", "h", (short) 9, consumerJoin(classic, List.of())).get(); // epoch 2, 2 partitions
        Set<Integer> kept = partitionsOf(classicSync(classic, 2, null).assignment());

        coordinator.consumerGroupHeartbeat("client", "/127.0.0.1", new ConsumerGroupHeartbeatRequestData()
                .setGroupId("g").setMemberId("m1").setMemberEpoch(-1));
        assertThat(groupType()).isEqualTo("classic");
        assertThat(coordinator.describeGroup("g", (short) 5).groupState()).isEqualTo("PreparingRebalance");
        assertThat(classicHeartbeat(classic, 2)).as("its generation is the group epoch").isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        assertThat(coordinator.commitOffsets("g", classic, null, 2, (short) 8,
                Map.of(new TopicPartition("t", 1), new CommittedOffset(3, -1, "", -1))).values()).containsOnly(Errors.NONE);

        List<TopicPartition> owned = kept.stream().map(p -> new TopicPartition("t", p)).toList();
        JoinGroupResponseData again = coordinator.joinGroup("c", "h", (short) 9, consumerJoin(classic, owned)).get();
        assertThat(again.generationId()).isEqualTo(3);
        assertThat(again.leader()).as("the classic protocol again: its leader assigns").isEqualTo(classic);
        assertThat(again.members()).hasSize(1);
    }

    @Test
    void withUpgradesDisabledAClassicGroupWithMembersRefusesConsumerProtocolMembers() throws Exception {
        coordinator = new GroupCoordinator(engine.groupOffsets(), new GroupSettings(0, 1_000, 60_000,
                new ConsumerGroupSettings(SESSION_MS, 1_000, 3, List.of("uniform", "range"),
                        ConsumerGroupSettings.MigrationPolicy.DOWNGRADE)), timer, TopicCatalog.of(engine));
        String classic = stableClassicGroup();
        assertThat(error(join("m1", null))).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
        assertThat(groupType()).isEqualTo("classic");
        assertThat(classicHeartbeat(classic, 1)).isEqualTo(Errors.NONE);
    }

    @Test
    void aClassicMemberToldToRejoinThatDoesNotWithinItsRebalanceTimeoutIsRemoved() throws Exception {
        String classic = stableClassicGroup(); // rebalance timeout 10 s, session 10 s
        join("m1", null);
        assertThat(classicHeartbeat(classic, 1)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        timer.advance(6_000);
        assertThat(classicHeartbeat(classic, 1)).as("its session goes on, the wait for its rejoin too")
                .isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        timer.advance(4_500);
        assertThat(classicHeartbeat(classic, 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(assigned(beat("m1", 2, Set.of()))).as("what it held moved on").hasSize(4);
    }

    // ---- static members replaced across the protocols

    private JoinGroupResponseData staticClassicJoin(String memberId, String instanceId) throws Exception {
        return coordinator.joinGroup("c", "h", (short) 9, consumerJoin(memberId, List.of()).setGroupInstanceId(instanceId))
                .get();
    }

    @Test
    void aStaticClassicMemberRestartingUnderANewIdReplacesItsPredecessorInAConsumerGroup() throws Exception {
        join("m1", null); // a consumer group, m1 holding all 4 partitions at epoch 1
        String first = staticClassicJoin("", "i1").memberId();
        Set<Integer> m1Kept = assigned(beat("m1", 1, Set.of(0, 1, 2, 3))); // asked to give up two
        assertThat(m1Kept).hasSize(2);
        assertThat(beat("m1", 1, m1Kept).memberEpoch()).isEqualTo(2);
        assertThat(classicHeartbeat(first, 2)).as("what it waited for is released").isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        assertThat(staticClassicJoin(first, "i1").generationId()).isEqualTo(2);
        Set<Integer> held = partitionsOf(classicSync(first, 2, null).assignment());
        assertThat(held).hasSize(2).doesNotContainAnyElementsOf(m1Kept);

        // the instance restarts: a JoinGroup without its member id takes its place (Kafka: no FENCED_INSTANCE_ID)
        JoinGroupResponseData again = staticClassicJoin("", "i1");
        assertThat(Errors.forCode(again.errorCode())).isEqualTo(Errors.NONE);
        assertThat(again.memberId()).isNotEqualTo(first);
        assertThat(again.generationId()).as("no new group epoch: nothing to reassign").isEqualTo(2);
        assertThat(partitionsOf(classicSync(again.memberId(), 2, null).assignment())).isEqualTo(held);
        assertThat(describedAssignment(again.memberId())).isEqualTo(held);
        assertThat(coordinator.describeConsumerGroup("g").members()).hasSize(2);
        assertThat(groupType()).as("m1 still speaks the consumer protocol").isEqualTo("consumer");
        assertThat(coordinator.heartbeat(new HeartbeatRequestData().setGroupId("g").setMemberId(first)
                .setGroupInstanceId("i1").setGenerationId(2))).as("the old incarnation").isEqualTo(Errors.FENCED_INSTANCE_ID);
        ConsumerGroupHeartbeatResponseData m1Beat = beat("m1", 2, m1Kept);
        assertThat(error(m1Beat)).isEqualTo(Errors.NONE);
        assertThat(m1Beat.memberEpoch()).isEqualTo(2);

        // a consumer-protocol member with the instance id replaces the classic one too, without waiting for a release
        ConsumerGroupHeartbeatResponseData modern = join("m3", "i1");
        assertThat(error(modern)).isEqualTo(Errors.NONE);
        assertThat(assigned(modern)).isEqualTo(held);
        assertThat(classicHeartbeat(again.memberId(), 2)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    /** Classic group g upgraded by static consumer-protocol member m1 (instance i1); each holds 2 partitions at epoch 2. */
    private String upgradedByStaticMember() throws Exception {
        String classic = stableClassicGroup();
        join("m1", "i1");
        coordinator.joinGroup("c", "h", (short) 9, consumerJoin(classic, List.of())).get();
        assertThat(partitionsOf(classicSync(classic, 2, null).assignment())).hasSize(2);
        assertThat(assigned(beat("m1", 2, Set.of()))).hasSize(2);
        assertThat(coordinator.listGroups(List.of(), List.of("consumer"))).singleElement()
                .satisfies(g -> assertThat(g.groupState()).isEqualTo("Stable"));
        return classic;
    }

    @Test
    void aStaticClassicMemberReplacingTheLastConsumerProtocolMemberTurnsTheGroupClassicWithoutARebalance() throws Exception {
        String classic = upgradedByStaticMember();
        Set<Integer> m1Held = describedAssignment("m1");

        JoinGroupResponseData replacing = staticClassicJoin("", "i1");
        assertThat(Errors.forCode(replacing.errorCode())).isEqualTo(Errors.NONE);
        assertThat(replacing.generationId()).isEqualTo(2);
        assertThat(groupType()).isEqualTo("classic");
        assertThat(coordinator.describeGroup("g", (short) 5).groupState()).isEqualTo("Stable");
        assertThat(coordinator.describeGroup("g", (short) 5).members()).hasSize(2);
        assertThat(partitionsOf(classicSync(replacing.memberId(), 2, null).assignment()))
                .as("what the replaced member held").isEqualTo(m1Held);
        assertThat(classicHeartbeat(classic, 2)).as("no rebalance: the other member goes on").isEqualTo(Errors.NONE);
        assertThat(classicHeartbeat(replacing.memberId(), 2)).isEqualTo(Errors.NONE);
        assertThat(error(beat("m1", 2, m1Held))).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void aReplacementWhileTheGroupReconcilesDowngradesItWithARebalance() throws Exception {
        String classic = upgradedByStaticMember();
        coordinator.consumerGroupHeartbeat("client", "/127.0.0.1", new ConsumerGroupHeartbeatRequestData()
                .setGroupId("g").setMemberId("m1").setMemberEpoch(2).setSubscribedTopicNames(List.of()));
        assertThat(coordinator.listGroups(List.of(), List.of("consumer"))).singleElement()
                .satisfies(g -> assertThat(g.groupState()).isNotEqualTo("Stable"));

        JoinGroupResponseData replacing = staticClassicJoin("", "i1");
        assertThat(Errors.forCode(replacing.errorCode())).isEqualTo(Errors.NONE);
        assertThat(groupType()).isEqualTo("classic");
        assertThat(coordinator.describeGroup("g", (short) 5).groupState()).isEqualTo("PreparingRebalance");
        assertThat(classicHeartbeat(classic, 2)).as("told to rejoin").isIn(Errors.REBALANCE_IN_PROGRESS,
                Errors.ILLEGAL_GENERATION);
    }

    @Test
    void withDowngradesDisabledAReplacementKeepsTheConsumerGroup() throws Exception {
        coordinator = new GroupCoordinator(engine.groupOffsets(), new GroupSettings(0, 1_000, 60_000,
                new ConsumerGroupSettings(SESSION_MS, 1_000, 3, List.of("uniform", "range"),
                        ConsumerGroupSettings.MigrationPolicy.UPGRADE)), timer, TopicCatalog.of(engine));
        upgradedByStaticMember();
        Set<Integer> m1Held = describedAssignment("m1");
        JoinGroupResponseData replacing = staticClassicJoin("", "i1");
        assertThat(Errors.forCode(replacing.errorCode())).isEqualTo(Errors.NONE);
        assertThat(groupType()).isEqualTo("consumer");
        assertThat(describedAssignment(replacing.memberId())).isEqualTo(m1Held);
        assertThat(error(beat("m1", 2, m1Held))).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    // ---- a group's own settings (its GROUP configs)

    @Test
    void aGroupsOwnHeartbeatIntervalAndSessionTimeoutApplyFromItsNextHeartbeat() {
        java.util.concurrent.atomic.AtomicReference<ConsumerGroupConfig> own = new java.util.concurrent.atomic.AtomicReference<>(
                new ConsumerGroupConfig(SESSION_MS, 1_000));
        coordinator = new GroupCoordinator(engine.groupOffsets(), new GroupSettings(0, 1_000, 60_000,
                new ConsumerGroupSettings(SESSION_MS, 1_000, 3, List.of("uniform", "range"),
                        ConsumerGroupSettings.MigrationPolicy.BIDIRECTIONAL)), timer, TopicCatalog.of(engine),
                groupId -> groupId.equals("g") ? own.get() : new ConsumerGroupConfig(SESSION_MS, 1_000));
        assertThat(join("m1", null).heartbeatIntervalMs()).isEqualTo(1_000);

        own.set(new ConsumerGroupConfig(8_000, 2_000));
        assertThat(beat("m1", 1, Set.of(0, 1, 2, 3)).heartbeatIntervalMs()).isEqualTo(2_000);
        timer.advance(7_000);
        assertThat(error(beat("m1", 1, Set.of(0, 1, 2, 3)))).as("heard from within its session").isEqualTo(Errors.NONE);
        timer.advance(8_001);
        assertThat(error(beat("m1", 1, Set.of(0, 1, 2, 3)))).as("the group's 8 s session, not the broker's 45 s")
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }
}
