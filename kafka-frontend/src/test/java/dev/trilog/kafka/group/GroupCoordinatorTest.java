package dev.trilog.kafka.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.log.CommittedOffset;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's rebalance rules on a manual clock: every timeout is reached by moving time,
 * never by waiting.
 */
class GroupCoordinatorTest {

    private static final short JOIN_VERSION = 9;
    private static final int SESSION_MS = 10_000;
    private static final int REBALANCE_MS = 30_000;
    private static final int DELAY_MS = 3_000;

    @TempDir
    Path dataDir;

    private LogEngine engine;
    private ManualGroupTimer timer;
    private GroupCoordinator coordinator;

    @BeforeEach
    void start() throws Exception {
        engine = LogEngine.open(EngineSettings.of(dataDir));
        engine.createTopic("t", 4, Map.of());
        timer = new ManualGroupTimer();
        coordinator = new GroupCoordinator(engine.groupOffsets(), new GroupSettings(DELAY_MS, 1_000, 60_000), timer);
    }

    @AfterEach
    void stop() throws Exception {
        engine.close();
    }

    // ---- helpers

    private static byte[] subscription(String... topics) {
        ByteBuffer buffer = ConsumerProtocol.serializeSubscription(new Subscription(List.of(topics)));
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static JoinGroupRequestData joinRequest(String memberId, String instanceId, String... protocols) {
        JoinGroupRequestProtocolCollection collection = new JoinGroupRequestProtocolCollection();
        for (String protocol : protocols) {
            collection.add(new JoinGroupRequestProtocol().setName(protocol).setMetadata(subscription("t")));
        }
        return new JoinGroupRequestData().setGroupId("g").setMemberId(memberId).setGroupInstanceId(instanceId)
                .setSessionTimeoutMs(SESSION_MS).setRebalanceTimeoutMs(REBALANCE_MS)
                .setProtocolType("consumer").setProtocols(collection);
    }

    private CompletableFuture<JoinGroupResponseData> join(String memberId, String instanceId, String... protocols) {
        return coordinator.joinGroup("client", "/127.0.0.1", JOIN_VERSION,
                joinRequest(memberId, instanceId, protocols.length == 0 ? new String[] {"range"} : protocols));
    }

    /** A dynamic member's first join: the member-id round, then the real join. */
    private CompletableFuture<JoinGroupResponseData> joinNew() {
        JoinGroupResponseData first = join("", null).join();
        assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        assertThat(first.memberId()).startsWith("client-");
        return join(first.memberId(), null);
    }

    private CompletableFuture<SyncGroupResponseData> sync(JoinGroupResponseData joined, Map<String, byte[]> assignments) {
        SyncGroupRequestData request = new SyncGroupRequestData().setGroupId("g").setMemberId(joined.memberId())
                .setGenerationId(joined.generationId()).setProtocolType("consumer").setProtocolName(joined.protocolName());
        assignments.forEach((member, bytes) -> request.assignments()
                .add(new SyncGroupRequestAssignment().setMemberId(member).setAssignment(bytes)));
        return coordinator.syncGroup(request);
    }

    private CompletableFuture<SyncGroupResponseData> sync(JoinGroupResponseData joined, String instanceId) {
        return coordinator.syncGroup(new SyncGroupRequestData().setGroupId("g").setMemberId(joined.memberId())
                .setGroupInstanceId(instanceId).setGenerationId(joined.generationId()));
    }

    private Errors heartbeat(String memberId, int generation) {
        return heartbeat(memberId, null, generation);
    }

    private Errors heartbeat(String memberId, String instanceId, int generation) {
        return coordinator.heartbeat(new HeartbeatRequestData().setGroupId("g").setMemberId(memberId)
                .setGroupInstanceId(instanceId).setGenerationId(generation));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private Map<TopicPartition, Errors> commit(String memberId, int generation, long offset) {
        return coordinator.commitOffsets("g", memberId, null, generation, (short) 8,
                Map.of(new TopicPartition("t", 0), new CommittedOffset(offset, -1, "", -1)));
    }

    private GroupState state() {
        return coordinator.state("g").orElseThrow();
    }

    /** One member, through the initial delay to Stable, with assignment "a". */
    private JoinGroupResponseData stableSingleMember() {
        CompletableFuture<JoinGroupResponseData> joining = joinNew();
        assertThat(joining).isNotDone();
        timer.advance(DELAY_MS);
        JoinGroupResponseData joined = joining.join();
        assertThat(sync(joined, Map.of(joined.memberId(), bytes("a"))).join().assignment()).isEqualTo(bytes("a"));
        return joined;
    }

    // ---- tests

    @Test
    void aFirstMemberWaitsTheInitialDelayLeadsAndGetsItsOwnAssignment() {
        CompletableFuture<JoinGroupResponseData> joining = joinNew();
        timer.advance(DELAY_MS - 1);
        assertThat(joining).isNotDone();
        assertThat(state()).isEqualTo(GroupState.PREPARING_REBALANCE);

        timer.advance(1);
        JoinGroupResponseData joined = joining.join();

        assertThat(Errors.forCode(joined.errorCode())).isEqualTo(Errors.NONE);
        assertThat(joined.generationId()).isEqualTo(1);
        assertThat(joined.leader()).isEqualTo(joined.memberId());
        assertThat(joined.protocolName()).isEqualTo("range");
        assertThat(joined.members()).extracting(JoinGroupResponseData.JoinGroupResponseMember::memberId)
                .containsExactly(joined.memberId());
        assertThat(state()).isEqualTo(GroupState.COMPLETING_REBALANCE);

        SyncGroupResponseData synced = sync(joined, Map.of(joined.memberId(), bytes("p0-3"))).join();

        assertThat(synced.assignment()).isEqualTo(bytes("p0-3"));
        assertThat(state()).isEqualTo(GroupState.STABLE);
        assertThat(heartbeat(joined.memberId(), 1)).isEqualTo(Errors.NONE);
    }

    @Test
    void aSecondMemberTriggersARebalanceAndTheFollowerWaitsForTheLeadersAssignment() {
        JoinGroupResponseData first = stableSingleMember();
        CompletableFuture<JoinGroupResponseData> secondJoining = joinNew();

        assertThat(state()).isEqualTo(GroupState.PREPARING_REBALANCE);
        assertThat(heartbeat(first.memberId(), 1)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        assertThat(secondJoining).isNotDone();

        JoinGroupResponseData firstAgain = join(first.memberId(), null).join();
        JoinGroupResponseData second = secondJoining.join();

        assertThat(firstAgain.generationId()).isEqualTo(2).isEqualTo(second.generationId());
        assertThat(firstAgain.leader()).isEqualTo(first.memberId()).isEqualTo(second.leader());
        assertThat(firstAgain.members()).hasSize(2);
        assertThat(second.members()).isEmpty();

        CompletableFuture<SyncGroupResponseData> followerSync = sync(second, Map.of());
        assertThat(followerSync).isNotDone();
        sync(firstAgain, Map.of(first.memberId(), bytes("A"), second.memberId(), bytes("B"))).join();

        assertThat(followerSync.join().assignment()).isEqualTo(bytes("B"));
        assertThat(state()).isEqualTo(GroupState.STABLE);
    }

    @Test
    void heartbeatsOfStrangersAndOfOldGenerationsAreRefused() {
        JoinGroupResponseData joined = stableSingleMember();

        assertThat(heartbeat("nobody", 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(heartbeat(joined.memberId(), 7)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(coordinator.heartbeat(new HeartbeatRequestData().setGroupId("other").setMemberId("x")))
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void aMemberThatStopsHeartbeatingIsRemovedAndTheOthersRebalance() {
        JoinGroupResponseData first = stableSingleMember();
        CompletableFuture<JoinGroupResponseData> secondJoining = joinNew();
        JoinGroupResponseData firstAgain = join(first.memberId(), null).join();
        JoinGroupResponseData second = secondJoining.join();
        sync(second, Map.of());
        sync(firstAgain, Map.of(first.memberId(), bytes("A"), second.memberId(), bytes("B"))).join();

        // the second keeps heartbeating, the first (the leader) goes silent
        for (int i = 0; i < 3; i++) {
            timer.advance(SESSION_MS / 3);
            assertThat(heartbeat(second.memberId(), 2)).isEqualTo(Errors.NONE);
        }
        timer.advance(2); // the first's session (from its SyncGroup answer) ends now
        assertThat(heartbeat(second.memberId(), 2)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);

        JoinGroupResponseData alone = join(second.memberId(), null).join();
        assertThat(alone.generationId()).isEqualTo(3);
        assertThat(alone.leader()).isEqualTo(second.memberId());
        assertThat(alone.members()).extracting(JoinGroupResponseData.JoinGroupResponseMember::memberId)
                .containsExactly(second.memberId());
        assertThat(heartbeat(first.memberId(), 2)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void aMemberThatDoesNotRejoinWithinTheRebalanceTimeoutIsRemoved() {
        JoinGroupResponseData first = stableSingleMember();
        CompletableFuture<JoinGroupResponseData> secondJoining = joinNew();
        JoinGroupResponseData firstAgain = join(first.memberId(), null).join();
        JoinGroupResponseData second = secondJoining.join();
        sync(second, Map.of());
        sync(firstAgain, Map.of()).join();

        // a third member arrives; the first keeps heartbeating but never rejoins
        CompletableFuture<JoinGroupResponseData> thirdJoining = joinNew();
        CompletableFuture<JoinGroupResponseData> secondRejoining = join(second.memberId(), null);
        for (int elapsed = 0; elapsed < REBALANCE_MS - 1_000; elapsed += 1_000) {
            timer.advance(1_000);
            assertThat(heartbeat(first.memberId(), 2)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        }
        assertThat(thirdJoining).isNotDone();

        timer.advance(1_000);

        assertThat(thirdJoining.join().generationId()).isEqualTo(3);
        assertThat(secondRejoining.join().members()).hasSize(2); // the second is leader now
        assertThat(heartbeat(first.memberId(), 2)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void aLeaderThatNeverSendsItsAssignmentIsRemovedAfterTheRebalanceTimeout() {
        CompletableFuture<JoinGroupResponseData> joining = joinNew();
        timer.advance(DELAY_MS);
        JoinGroupResponseData joined = joining.join();

        // it heartbeats, so only the SyncGroup deadline (the rebalance timeout) can remove it
        for (int elapsed = 5_000; elapsed < REBALANCE_MS; elapsed += 5_000) {
            timer.advance(5_000);
            assertThat(heartbeat(joined.memberId(), 1)).isEqualTo(Errors.NONE);
        }
        timer.advance(5_000);

        assertThat(heartbeat(joined.memberId(), 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(state()).isEqualTo(GroupState.EMPTY);
    }

    @Test
    void aRestartedStaticMemberTakesOverWithoutARebalanceAndFencesItsOldSelf() {
        CompletableFuture<JoinGroupResponseData> staticJoining = join("", "instance-1");
        CompletableFuture<JoinGroupResponseData> otherJoining = joinNew();
        timer.advance(2 * DELAY_MS); // a newcomer during the initial delay extends it once
        JoinGroupResponseData old = staticJoining.join();
        JoinGroupResponseData other = otherJoining.join();
        assertThat(old.memberId()).startsWith("instance-1-");
        sync(other, Map.of());
        sync(old, Map.of(old.memberId(), bytes("S"), other.memberId(), bytes("O"))).join();
        assertThat(state()).isEqualTo(GroupState.STABLE);

        JoinGroupResponseData restarted = join("", "instance-1").join();

        assertThat(Errors.forCode(restarted.errorCode())).isEqualTo(Errors.NONE);
        assertThat(restarted.memberId()).isNotEqualTo(old.memberId());
        assertThat(restarted.generationId()).isEqualTo(old.generationId());
        assertThat(restarted.skipAssignment()).isTrue(); // it was the leader: it must not reassign
        assertThat(state()).isEqualTo(GroupState.STABLE);
        assertThat(sync(restarted, "instance-1").join().assignment()).isEqualTo(bytes("S"));
        assertThat(heartbeat(other.memberId(), other.generationId())).isEqualTo(Errors.NONE);
        assertThat(heartbeat(old.memberId(), "instance-1", old.generationId())).isEqualTo(Errors.FENCED_INSTANCE_ID);
        assertThat(coordinator.commitOffsets("g", old.memberId(), "instance-1", old.generationId(), (short) 8,
                Map.of(new TopicPartition("t", 0), new CommittedOffset(1, -1, "", -1))))
                .containsValue(Errors.FENCED_INSTANCE_ID);
    }

    @Test
    void theProtocolIsTheOneMostMembersPreferAmongThoseAllSupport() {
        CompletableFuture<JoinGroupResponseData> a = join("", "a", "roundrobin", "range");
        CompletableFuture<JoinGroupResponseData> b = join("", "b", "range", "roundrobin");
        CompletableFuture<JoinGroupResponseData> c = join("", "c", "range", "sticky");
        timer.advance(2 * DELAY_MS);

        assertThat(a.join().protocolName()).isEqualTo("range");
        assertThat(Errors.forCode(join("", "d", "sticky").join().errorCode()))
                .isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
        assertThat(b.join().protocolName()).isEqualTo(c.join().protocolName());
    }

    @Test
    void offsetCommitsCheckTheMemberAndGeneration() {
        assertThat(commit("", -1, 5)).containsValue(Errors.NONE); // a simple commit creates the group
        assertThat(state()).isEqualTo(GroupState.EMPTY);
        assertThat(coordinator.commitOffsets("unknown", "m", null, 3, (short) 8,
                Map.of(new TopicPartition("t", 0), new CommittedOffset(1, -1, "", -1)))).containsValue(Errors.ILLEGAL_GENERATION);

        CompletableFuture<JoinGroupResponseData> joining = joinNew();
        timer.advance(DELAY_MS);
        JoinGroupResponseData joined = joining.join();

        assertThat(commit(joined.memberId(), 1, 6)).containsValue(Errors.REBALANCE_IN_PROGRESS); // CompletingRebalance
        sync(joined, Map.of()).join();
        assertThat(commit(joined.memberId(), 0, 6)).containsValue(Errors.ILLEGAL_GENERATION);
        assertThat(commit("stranger", 1, 6)).containsValue(Errors.UNKNOWN_MEMBER_ID);
        assertThat(commit("", -1, 6)).containsValue(Errors.UNKNOWN_MEMBER_ID); // members exist now
        assertThat(commit(joined.memberId(), 1, 7)).containsValue(Errors.NONE);
        assertThat(coordinator.fetchOffsets("g", List.of(new TopicPartition("t", 0))).get(new TopicPartition("t", 0)).offset())
                .isEqualTo(7);
        assertThat(coordinator.commitOffsets("g", joined.memberId(), null, 1, (short) 8,
                Map.of(new TopicPartition("t", 1), new CommittedOffset(1, -1, "x".repeat(5000), -1))))
                .containsValue(Errors.OFFSET_METADATA_TOO_LARGE);
    }

    @Test
    void membersCanCommitWhileTheGroupPreparesARebalance() {
        JoinGroupResponseData first = stableSingleMember();
        joinNew();
        assertThat(state()).isEqualTo(GroupState.PREPARING_REBALANCE);

        assertThat(commit(first.memberId(), 1, 9)).containsValue(Errors.NONE);
    }

    @Test
    void leaveGroupRemovesMembersByIdOrByInstanceId() {
        CompletableFuture<JoinGroupResponseData> staticJoining = join("", "s");
        CompletableFuture<JoinGroupResponseData> dynamicJoining = joinNew();
        timer.advance(DELAY_MS);
        assertThat(dynamicJoining).isNotDone(); // a newcomer during the initial delay extends it
        timer.advance(DELAY_MS);
        JoinGroupResponseData dynamic = dynamicJoining.join();
        staticJoining.join();

        var result = coordinator.leaveGroup("g", List.of(
                new MemberIdentity().setMemberId("").setGroupInstanceId("s"),
                new MemberIdentity().setMemberId(dynamic.memberId()),
                new MemberIdentity().setMemberId("ghost")));

        assertThat(result.members()).extracting(m -> Errors.forCode(m.errorCode()))
                .containsExactly(Errors.NONE, Errors.NONE, Errors.UNKNOWN_MEMBER_ID);
        assertThat(state()).isEqualTo(GroupState.EMPTY);
    }

    @Test
    void aNonEmptyGroupCannotBeDeletedAnEmptyOneGoesWithItsOffsets() {
        JoinGroupResponseData joined = stableSingleMember();
        assertThat(commit(joined.memberId(), 1, 3)).containsValue(Errors.NONE);

        assertThat(coordinator.deleteGroup("g")).isEqualTo(Errors.NON_EMPTY_GROUP);

        coordinator.leaveGroup("g", List.of(new MemberIdentity().setMemberId(joined.memberId())));
        assertThat(coordinator.deleteGroup("g")).isEqualTo(Errors.NONE);
        assertThat(coordinator.state("g")).isEmpty();
        assertThat(coordinator.fetchOffsets("g", null)).isEmpty();
        assertThat(coordinator.deleteGroup("g")).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
    }

    @Test
    void offsetsOfSubscribedTopicsCannotBeDeleted() {
        JoinGroupResponseData joined = stableSingleMember();
        coordinator.commitOffsets("g", joined.memberId(), null, 1, (short) 8, Map.of(
                new TopicPartition("t", 0), new CommittedOffset(3, -1, "", -1),
                new TopicPartition("u", 0), new CommittedOffset(4, -1, "", -1)));

        GroupCoordinator.OffsetDeletion deletion = coordinator.deleteOffsets("g",
                List.of(new TopicPartition("t", 0), new TopicPartition("u", 0)));

        assertThat(deletion.groupError()).isEqualTo(Errors.NONE);
        assertThat(deletion.partitions()).containsEntry(new TopicPartition("t", 0), Errors.GROUP_SUBSCRIBED_TO_TOPIC)
                .containsEntry(new TopicPartition("u", 0), Errors.NONE);
        assertThat(coordinator.fetchOffsets("g", null)).containsOnlyKeys(new TopicPartition("t", 0));
        assertThat(coordinator.deleteOffsets("nope", List.of()).groupError()).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
    }

    @Test
    void listGroupsFiltersByStateAndType() {
        stableSingleMember();
        commitSimple("simple");

        assertThat(coordinator.listGroups(List.of(), List.of())).extracting(g -> g.groupId() + ":" + g.groupState())
                .containsExactly("g:Stable", "simple:Empty");
        assertThat(coordinator.listGroups(List.of("stable"), List.of())).extracting(g -> g.groupId()).containsExactly("g");
        assertThat(coordinator.listGroups(List.of(), List.of("Consumer"))).isEmpty();
        assertThat(coordinator.listGroups(List.of(), List.of("Classic"))).hasSize(2);
    }

    private void commitSimple(String group) {
        coordinator.commitOffsets(group, "", null, -1, (short) 8,
                Map.of(new TopicPartition("t", 0), new CommittedOffset(1, -1, "", -1)));
    }

    @Test
    void describeShowsMetadataAndAssignmentOnlyWhenStable() {
        JoinGroupResponseData joined = stableSingleMember();

        var described = coordinator.describeGroup("g", (short) 5);

        assertThat(described.groupState()).isEqualTo("Stable");
        assertThat(described.protocolType()).isEqualTo("consumer");
        assertThat(described.protocolData()).isEqualTo("range");
        assertThat(described.members()).singleElement().satisfies(m -> {
            assertThat(m.memberId()).isEqualTo(joined.memberId());
            assertThat(m.clientHost()).isEqualTo("/127.0.0.1");
            assertThat(m.memberAssignment()).isEqualTo(bytes("a"));
            assertThat(m.memberMetadata()).isEqualTo(subscription("t"));
        });
        assertThat(Errors.forCode(coordinator.describeGroup("none", (short) 6).errorCode()))
                .isEqualTo(Errors.GROUP_ID_NOT_FOUND);
        assertThat(coordinator.describeGroup("none", (short) 5).groupState()).isEqualTo("Dead");
    }

    @Test
    void aPendingMemberThatNeverRejoinsIsForgottenAfterItsSessionTimeout() {
        JoinGroupResponseData first = stableSingleMember();
        JoinGroupResponseData pending = join("", null).join(); // MEMBER_ID_REQUIRED, never comes back

        timer.advance(SESSION_MS / 2);
        assertThat(heartbeat(first.memberId(), 1)).isEqualTo(Errors.NONE);
        timer.advance(SESSION_MS / 2);

        assertThat(state()).isEqualTo(GroupState.STABLE);
        assertThat(heartbeat(first.memberId(), 1)).isEqualTo(Errors.NONE);
        assertThat(Errors.forCode(join(pending.memberId(), null).join().errorCode())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void offsetsAreResetOnlyWhileTheGroupHasNoMembers() throws Exception {
        JoinGroupResponseData joined = stableSingleMember();
        TopicPartition t0 = new TopicPartition("t", 0);

        assertThat(coordinator.memberCount("g")).isEqualTo(1);
        assertThat(coordinator.resetOffsets("g", Map.of(t0, 0L))).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(engine.groupOffsets().fetchAll("g")).isEmpty();

        coordinator.leaveGroup("g", List.of(new org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity()
                .setMemberId(joined.memberId())));
        assertThat(coordinator.memberCount("g")).isZero();
        assertThat(coordinator.resetOffsets("g", Map.of(t0, 3L))).isEqualTo(Errors.NONE);
        assertThat(engine.groupOffsets().fetchAll("g").get(t0).offset()).isEqualTo(3);
        // a group nobody knows yet is made, as kafka-consumer-groups --reset-offsets makes it
        assertThat(coordinator.resetOffsets("new", Map.of(t0, 1L))).isEqualTo(Errors.NONE);
        assertThat(coordinator.memberCount("new")).isZero();
        assertThat(engine.groupOffsets().fetchAll("new").get(t0).offset()).isEqualTo(1);
    }
}
