package dev.trilog.kafka.protocol;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.InitProducerIdRequest;

/**
 * What a clustered node that does not serve the metadata group answers instead of serving
 * ({@link ClusterRouting}): requests to a group or transaction coordinator get NOT_COORDINATOR —
 * the error on which Kafka clients look the coordinator up again and retry there. Requests on
 * partitions (Produce, Fetch, ListOffsets, OffsetForLeaderEpoch, DeleteRecords) pass: each
 * partition has a Raft group of its own, possibly led elsewhere, and their handlers answer
 * NOT_LEADER_OR_FOLLOWER on each partition this node does not lead. Share fetches and
 * acknowledgements stay with the node serving the share groups, which names itself.
 */
final class LeaderGate {

    private static final Set<ApiKeys> COORDINATOR_APIS = EnumSet.of(ApiKeys.JOIN_GROUP, ApiKeys.SYNC_GROUP,
            ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP, ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH,
            ApiKeys.DESCRIBE_GROUPS, ApiKeys.DELETE_GROUPS, ApiKeys.OFFSET_DELETE, ApiKeys.ADD_PARTITIONS_TO_TXN,
            ApiKeys.ADD_OFFSETS_TO_TXN, ApiKeys.TXN_OFFSET_COMMIT, ApiKeys.END_TXN, ApiKeys.DESCRIBE_TRANSACTIONS,
            ApiKeys.SHARE_GROUP_HEARTBEAT, ApiKeys.SHARE_GROUP_DESCRIBE,
            ApiKeys.CONSUMER_GROUP_HEARTBEAT, ApiKeys.CONSUMER_GROUP_DESCRIBE, ApiKeys.DESCRIBE_SHARE_GROUP_OFFSETS,
            ApiKeys.ALTER_SHARE_GROUP_OFFSETS, ApiKeys.DELETE_SHARE_GROUP_OFFSETS);

    private LeaderGate() {
    }

    /** The refusal {@code request} gets on a node that does not serve the metadata group, or empty when it serves it. */
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
        if (api == ApiKeys.SHARE_FETCH || api == ApiKeys.SHARE_ACKNOWLEDGE) {
            return Optional.of(ShareNotLeader.answer(request, leader, leaderEpoch));
        }
        if (COORDINATOR_APIS.contains(api) || (api == ApiKeys.INIT_PRODUCER_ID
                && ((InitProducerIdRequest) request.body()).data().transactionalId() != null)) {
            return Optional.of(request.error(new NotCoordinatorException("this node is not the coordinator")));
        }
        return Optional.empty();
    }
}
