package dev.trilog.kafka.protocol;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;

/**
 * What a clustered node that does not lead answers instead of serving ({@link ClusterRouting}):
 * requests on partitions get NOT_LEADER_OR_FOLLOWER for each partition, and requests to a group
 * or transaction coordinator get NOT_COORDINATOR — the errors on which Kafka clients refresh their
 * metadata, or look up the coordinator again, and retry at the leader.
 */
final class LeaderGate {

    private static final Set<ApiKeys> PARTITION_APIS = EnumSet.of(ApiKeys.PRODUCE, ApiKeys.FETCH,
            ApiKeys.LIST_OFFSETS, ApiKeys.OFFSET_FOR_LEADER_EPOCH, ApiKeys.DELETE_RECORDS);
    private static final Set<ApiKeys> COORDINATOR_APIS = EnumSet.of(ApiKeys.JOIN_GROUP, ApiKeys.SYNC_GROUP,
            ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP, ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH,
            ApiKeys.DESCRIBE_GROUPS, ApiKeys.DELETE_GROUPS, ApiKeys.OFFSET_DELETE, ApiKeys.ADD_PARTITIONS_TO_TXN,
            ApiKeys.ADD_OFFSETS_TO_TXN, ApiKeys.TXN_OFFSET_COMMIT, ApiKeys.END_TXN, ApiKeys.DESCRIBE_TRANSACTIONS,
            ApiKeys.SHARE_GROUP_HEARTBEAT, ApiKeys.SHARE_GROUP_DESCRIBE,
            ApiKeys.CONSUMER_GROUP_HEARTBEAT, ApiKeys.CONSUMER_GROUP_DESCRIBE, ApiKeys.DESCRIBE_SHARE_GROUP_OFFSETS,
            ApiKeys.ALTER_SHARE_GROUP_OFFSETS, ApiKeys.DELETE_SHARE_GROUP_OFFSETS);

    private LeaderGate() {
    }

    /** The refusal {@code request} gets on a node that does not lead, or empty when any node serves it. */
    static Optional<Reply> refusalOffLeader(KafkaRequest request) {
        return refusalOffLeader(request, Optional.empty(), -1);
    }

    /**
     * {@link #refusalOffLeader(KafkaRequest)}, naming the leader where the answer can (share fetches
     * and acknowledgements: KafkaShareConsumer moves a partition to the leader a partition's
     * NOT_LEADER_OR_FOLLOWER names, and ignores a top-level error).
     */
    static Optional<Reply> refusalOffLeader(KafkaRequest request, Optional<ClusterRouting.Broker> leader,
            int leaderEpoch) {
        ApiKeys api = request.apiKey();
        if (api == ApiKeys.FETCH) {
            return Optional.of(notLeader((FetchRequest) request.body()));
        }
        if (api == ApiKeys.SHARE_FETCH || api == ApiKeys.SHARE_ACKNOWLEDGE) {
            return Optional.of(ShareNotLeader.answer(request, leader, leaderEpoch));
        }
        if (PARTITION_APIS.contains(api)) {
            return Optional.of(request.error(new NotLeaderOrFollowerException("this node does not lead the partition")));
        }
        if (COORDINATOR_APIS.contains(api) || (api == ApiKeys.INIT_PRODUCER_ID
                && ((InitProducerIdRequest) request.body()).data().transactionalId() != null)) {
            return Optional.of(request.error(new NotCoordinatorException("this node is not the coordinator")));
        }
        return Optional.empty();
    }

    /**
     * Fetch's own error answer puts the error at the top and drops the partitions, on which
     * consumers do not refresh their metadata; the error goes on each partition instead.
     */
    private static Reply notLeader(FetchRequest request) {
        FetchResponseData response = new FetchResponseData().setErrorCode(Errors.NONE.code()).setSessionId(0);
        for (FetchRequestData.FetchTopic topic : request.data().topics()) {
            FetchResponseData.FetchableTopicResponse answer = new FetchResponseData.FetchableTopicResponse()
                    .setTopic(topic.topic()).setTopicId(topic.topicId());
            for (FetchRequestData.FetchPartition partition : topic.partitions()) {
                answer.partitions().add(new FetchResponseData.PartitionData().setPartitionIndex(partition.partition())
                        .setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code()));
            }
            response.responses().add(answer);
        }
        return Reply.of(FetchResponse.of(response));
    }
}
