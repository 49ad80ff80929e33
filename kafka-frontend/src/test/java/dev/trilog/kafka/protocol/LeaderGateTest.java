package dev.trilog.kafka.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.kafka.KafkaTestApis;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.message.ShareFetchRequestData;
import org.apache.kafka.common.message.ShareFetchResponseData;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.requests.ShareFetchRequest;
import org.apache.kafka.common.requests.ShareFetchResponse;
import org.apache.kafka.common.requests.ShareGroupHeartbeatRequest;
import org.apache.kafka.common.requests.ShareGroupHeartbeatResponse;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.Test;

/**
 * What a clustered node that does not lead answers: per-partition NOT_LEADER_OR_FOLLOWER (for
 * Fetch under a top-level NONE, so consumers refresh their metadata), NOT_COORDINATOR for the
 * coordinators' APIs, and nothing for what any node serves.
 */
class LeaderGateTest {

    private static KafkaRequest request(AbstractRequest body) {
        return KafkaTestApis.request(body);
    }

    /** Each partition has its own group and leader: its handler answers per partition, not the gate. */
    @Test
    void partitionRequestsPassTheGate() {
        Uuid id = Uuid.randomUuid();
        FetchRequestData data = new FetchRequestData().setTopics(List.of(new FetchRequestData.FetchTopic()
                .setTopic("orders").setTopicId(id).setPartitions(List.of(
                        new FetchRequestData.FetchPartition().setPartition(0)))));
        assertThat(LeaderGate.refusalOffLeader(request(new FetchRequest(data, ApiKeys.FETCH.latestVersion()))))
                .isEmpty();

        ProduceRequestData produce = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(1000);
        produce.topicData().add(new ProduceRequestData.TopicProduceData().setName("orders").setPartitionData(
                List.of(new ProduceRequestData.PartitionProduceData().setIndex(1).setRecords(
                        MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("k".getBytes(), "v".getBytes()))))));
        assertThat(LeaderGate.refusalOffLeader(request(new ProduceRequest.Builder((short) 9, (short) 9, produce)
                .build()))).isEmpty();
    }

    @Test
    void coordinatorApisGetNotCoordinatorAndIdempotentProducerIdsAreServedAnywhere() {
        JoinGroupRequest join = new JoinGroupRequest.Builder(new JoinGroupRequestData().setGroupId("billing")
                .setProtocolType("consumer")).build();
        assertThat(((JoinGroupResponse) LeaderGate.refusalOffLeader(request(join)).orElseThrow().response())
                .error()).isEqualTo(Errors.NOT_COORDINATOR);

        InitProducerIdRequest transactional = new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                .setTransactionalId("ledger").setTransactionTimeoutMs(60_000)).build();
        assertThat(LeaderGate.refusalOffLeader(request(transactional))).isPresent();

        InitProducerIdRequest idempotent = new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                .setTransactionalId(null).setTransactionTimeoutMs(60_000)).build();
        assertThat(LeaderGate.refusalOffLeader(request(idempotent))).isEmpty();
    }

    @Test
    void shareFetchesGetNotLeaderOnEachPartitionWithTheLeaderAndShareGroupApisNotCoordinator() {
        Uuid id = Uuid.randomUuid();
        ShareFetchRequestData data = new ShareFetchRequestData().setGroupId("orders").setMemberId("m1")
                .setShareSessionEpoch(0).setMaxRecords(500).setTopics(new ShareFetchRequestData.FetchTopicCollection(
                        List.of(new ShareFetchRequestData.FetchTopic().setTopicId(id).setPartitions(
                                new ShareFetchRequestData.FetchPartitionCollection(List.of(
                                        new ShareFetchRequestData.FetchPartition().setPartitionIndex(1)).iterator())))
                                .iterator()));
        ShareFetchRequest fetch = new ShareFetchRequest.Builder(data).build(ApiKeys.SHARE_FETCH.latestVersion());
        Optional<ClusterRouting.Broker> leader = Optional.of(new ClusterRouting.Broker(2, "node2", 9093));

        ShareFetchResponseData answer = ((ShareFetchResponse) LeaderGate.refusalOffLeader(request(fetch), leader, 7)
                .orElseThrow().response()).data();

        assertThat(answer.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(answer.responses()).singleElement().satisfies(topic -> assertThat(topic.partitions())
                .singleElement().satisfies(p -> {
                    assertThat(p.errorCode()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
                    assertThat(p.currentLeader().leaderId()).isEqualTo(2);
                    assertThat(p.currentLeader().leaderEpoch()).isEqualTo(7);
                }));
        assertThat(answer.nodeEndpoints()).singleElement().satisfies(node -> {
            assertThat(node.host()).isEqualTo("node2");
            assertThat(node.port()).isEqualTo(9093);
        });

        ShareGroupHeartbeatRequest heartbeat = new ShareGroupHeartbeatRequest.Builder(
                new ShareGroupHeartbeatRequestData().setGroupId("orders").setMemberId("m1").setMemberEpoch(0)
                        .setSubscribedTopicNames(List.of("orders"))).build();
        assertThat(((ShareGroupHeartbeatResponse) LeaderGate.refusalOffLeader(request(heartbeat)).orElseThrow()
                .response()).data().errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());
    }
}
