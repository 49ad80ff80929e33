package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.TrilogHarness;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.HeartbeatResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.requests.ListGroupsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group APIs at versions and in situations the Java client does not produce: the oldest
 * versions (as librdkafka and kafkajs send them), the batched and topic-ID forms, and the error
 * answers a misbehaving member gets.
 */
class GroupProtocolWireTest {

    @TempDir
    java.nio.file.Path dataDir;

    private TrilogHarness trilog;
    private RawKafkaClient raw;

    @BeforeEach
    void start() throws Exception {
        trilog = TrilogHarness.start(dataDir, "num.partitions", "2");
        try (KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(), Map.of())) {
            producer.send(new ProducerRecord<>("wire", 0, "k", "v")).get();
        }
        raw = new RawKafkaClient(trilog.kafkaBootstrap());
    }

    @AfterEach
    void stop() throws Exception {
        raw.close();
        trilog.close();
    }

    private int kafkaPort() {
        return Integer.parseInt(trilog.kafkaBootstrap().split(":")[1]);
    }

    @Test
    void findCoordinatorAnswersGroupsWithThisNodeAndTransactionsWithNotAvailable() throws Exception {
        FindCoordinatorResponse v0 = raw.send(new FindCoordinatorRequest.Builder(
                new FindCoordinatorRequestData().setKey("g")), 0);
        assertThat(v0.error()).isEqualTo(Errors.NONE);
        assertThat(v0.node().port()).isEqualTo(kafkaPort());

        FindCoordinatorResponse transaction = raw.send(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
                .setKey("tx").setKeyType(CoordinatorType.TRANSACTION.id())), 3);
        assertThat(transaction.error()).isEqualTo(Errors.NONE); // this node coordinates transactions too
        assertThat(transaction.node().port()).isEqualTo(kafkaPort());

        FindCoordinatorResponse batched = raw.send(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
                .setKeyType(CoordinatorType.GROUP.id()).setCoordinatorKeys(List.of("a", "b"))), 6);
        assertThat(batched.coordinators()).extracting(Coordinator::key).containsExactly("a", "b");
        assertThat(batched.coordinators()).allSatisfy(c -> {
            assertThat(c.errorCode()).isZero();
            assertThat(c.port()).isEqualTo(kafkaPort());
        });
    }

    private static JoinGroupRequestData join(String memberId) {
        ByteBuffer subscription = ConsumerProtocol.serializeSubscription(new Subscription(List.of("wire")));
        byte[] metadata = new byte[subscription.remaining()];
        subscription.get(metadata);
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName("range").setMetadata(metadata));
        return new JoinGroupRequestData().setGroupId("old").setMemberId(memberId).setSessionTimeoutMs(10_000)
                .setRebalanceTimeoutMs(10_000).setProtocolType("consumer").setProtocols(protocols);
    }

    private Errors heartbeat(String memberId, int generation) throws Exception {
        HeartbeatResponse response = raw.send(new HeartbeatRequest.Builder(new HeartbeatRequestData()
                .setGroupId("old").setMemberId(memberId).setGenerationId(generation)), 0);
        return response.error();
    }

    private Errors commit(String memberId, int generation, long offset) throws Exception {
        OffsetCommitRequestData data = new OffsetCommitRequestData().setGroupId("old").setMemberId(memberId)
                .setGenerationIdOrMemberEpoch(generation);
        data.topics().add(new OffsetCommitRequestTopic().setName("wire").setPartitions(List.of(
                new OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(offset))));
        OffsetCommitResponse response = raw.send(OffsetCommitRequest.Builder.forTopicNames(data), 2);
        return Errors.forCode(response.data().topics().get(0).partitions().get(0).errorCode());
    }

    @Test
    void aVersionZeroMemberJoinsSyncsHeartbeatsCommitsAndLeaves() throws Exception {
        JoinGroupResponse joined = raw.send(new JoinGroupRequest.Builder(join("")), 0);
        assertThat(joined.error()).isEqualTo(Errors.NONE); // no member-id round before v4
        assertThat(joined.isLeader()).isTrue();
        String memberId = joined.data().memberId();
        int generation = joined.data().generationId();

        SyncGroupRequestData sync = new SyncGroupRequestData().setGroupId("old").setMemberId(memberId)
                .setGenerationId(generation);
        sync.assignments().add(new SyncGroupRequestAssignment().setMemberId(memberId).setAssignment(new byte[] {1, 2, 3}));
        SyncGroupResponse synced = raw.send(new SyncGroupRequest.Builder(sync), 0);
        assertThat(synced.data().assignment()).containsExactly(1, 2, 3);

        assertThat(heartbeat(memberId, generation)).isEqualTo(Errors.NONE);
        assertThat(heartbeat("unknown-member", generation)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(heartbeat(memberId, generation + 1)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(commit(memberId, generation + 1, 1)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(commit("unknown-member", generation, 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(commit(memberId, generation, 1)).isEqualTo(Errors.NONE);

        OffsetFetchRequestData fetch = new OffsetFetchRequestData().setGroups(List.of(new OffsetFetchRequestGroup()
                .setGroupId("old").setTopics(List.of(new OffsetFetchRequestTopics().setName("wire").setPartitionIndexes(List.of(0, 1))))));
        OffsetFetchResponse fetched = raw.send(OffsetFetchRequest.Builder.forTopicNames(fetch, false), 1);
        assertThat(fetched.data().topics().get(0).partitions()).extracting(p -> p.committedOffset()).containsExactly(1L, -1L);

        LeaveGroupResponse left = raw.send(new LeaveGroupRequest.Builder("old",
                List.of(new MemberIdentity().setMemberId(memberId))), 0);
        assertThat(left.error()).isEqualTo(Errors.NONE);
        assertThat(heartbeat(memberId, generation)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void fromVersionFourANewMemberIsFirstGivenItsId() throws Exception {
        JoinGroupResponse first = raw.send(new JoinGroupRequest.Builder(join("")), 4);
        assertThat(first.error()).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        assertThat(first.data().memberId()).startsWith("raw-test-client-");

        JoinGroupResponse second = raw.send(new JoinGroupRequest.Builder(join(first.data().memberId())), 9);
        assertThat(second.error()).isEqualTo(Errors.NONE);
        assertThat(second.data().memberId()).isEqualTo(first.data().memberId());
        assertThat(second.data().protocolType()).isEqualTo("consumer");
    }

    @Test
    void offsetsByTopicIdAndForSeveralGroupsAtOnce() throws Exception {
        MetadataResponse metadata = raw.send(MetadataRequest.Builder.forTopicNames(List.of("wire"), false), 12);
        Uuid topicId = metadata.data().topics().find("wire").topicId();

        OffsetCommitRequestData data = new OffsetCommitRequestData().setGroupId("by-id").setGenerationIdOrMemberEpoch(-1);
        data.topics().add(new OffsetCommitRequestTopic().setTopicId(topicId).setPartitions(List.of(
                new OffsetCommitRequestPartition().setPartitionIndex(1).setCommittedOffset(7))));
        data.topics().add(new OffsetCommitRequestTopic().setTopicId(Uuid.randomUuid()).setPartitions(List.of(
                new OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(7))));
        OffsetCommitResponse committed = raw.send(OffsetCommitRequest.Builder.forTopicIdsOrNames(data), 10);
        assertThat(committed.data().topics()).extracting(t -> Errors.forCode(t.partitions().get(0).errorCode()))
                .containsExactlyInAnyOrder(Errors.NONE, Errors.UNKNOWN_TOPIC_ID);

        OffsetFetchRequestData fetch = new OffsetFetchRequestData().setGroups(List.of(
                new OffsetFetchRequestGroup().setGroupId("by-id").setTopics(null),
                new OffsetFetchRequestGroup().setGroupId("never-committed").setTopics(List.of(
                        new OffsetFetchRequestTopics().setTopicId(topicId).setPartitionIndexes(List.of(1))))));
        OffsetFetchResponse fetched = raw.send(OffsetFetchRequest.Builder.forTopicIdsOrNames(fetch, false), 10);

        OffsetFetchResponseGroup byId = fetched.group("by-id");
        assertThat(byId.topics()).singleElement().satisfies(topic -> {
            assertThat(topic.topicId()).isEqualTo(topicId);
            assertThat(topic.partitions()).singleElement().satisfies(p -> assertThat(p.committedOffset()).isEqualTo(7));
        });
        assertThat(fetched.group("never-committed").topics().get(0).partitions().get(0).committedOffset()).isEqualTo(-1);
    }

    @Test
    void oldListAndDescribeVersionsWork() throws Exception {
        raw.send(new JoinGroupRequest.Builder(join("")), 0);

        ListGroupsResponse listed = raw.send(new ListGroupsRequest.Builder(new ListGroupsRequestData()), 0);
        assertThat(listed.data().groups()).singleElement().satisfies(g -> {
            assertThat(g.groupId()).isEqualTo("old");
            assertThat(g.protocolType()).isEqualTo("consumer");
        });

        DescribeGroupsResponse described = raw.send(new DescribeGroupsRequest.Builder(new DescribeGroupsRequestData()
                .setGroups(List.of("old", "missing"))), 0);
        assertThat(described.data().groups()).extracting(g -> g.groupId() + ":" + g.groupState() + ":" + g.errorCode())
                .containsExactly("old:CompletingRebalance:0", "missing:Dead:0");
    }
}
