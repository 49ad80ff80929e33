package dev.trilog.kafka.admin;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.ClusterRouting;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import dev.trilog.log.Cluster;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeQuorumRequestData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.Listener;
import org.apache.kafka.common.message.DescribeQuorumResponseData.ListenerCollection;
import org.apache.kafka.common.message.DescribeQuorumResponseData.Node;
import org.apache.kafka.common.message.DescribeQuorumResponseData.NodeCollection;
import org.apache.kafka.common.message.DescribeQuorumResponseData.PartitionData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.ReplicaState;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeQuorumRequest;
import org.apache.kafka.common.requests.DescribeQuorumResponse;

/**
 * DescribeQuorum ({@code kafka-metadata-quorum describe --status / --replication}): KRaft's
 * metadata quorum is, in Trilog, the Raft group that replicates everything (docs/replication.md).
 * Its leader, epoch (Raft's term), high watermark (the commit index) and each voter's progress
 * come from Raft's own bookkeeping; offsets are Raft log indexes. A single node is a quorum of
 * one, with no replicated log (offsets -1). Any node answers, as Kafka brokers do.
 */
final class DescribeQuorumHandler implements ApiHandler {

    /** The only partition DescribeQuorum asks about, as KRaft names it. */
    static final TopicPartition METADATA = new TopicPartition("__cluster_metadata", 0);

    private final KafkaContext context;

    DescribeQuorumHandler(KafkaContext context) {
        this.context = context;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        DescribeQuorumRequestData data = ((DescribeQuorumRequest) request.body()).data();
        boolean asksMetadata = data.topics().size() == 1 && data.topics().get(0).topicName().equals(METADATA.topic())
                && data.topics().get(0).partitions().size() == 1
                && data.topics().get(0).partitions().get(0).partitionIndex() == METADATA.partition();
        if (!asksMetadata) {
            return CompletableFuture.completedFuture(Reply.of(new DescribeQuorumResponse(
                    DescribeQuorumResponse.singletonErrorResponse(METADATA, Errors.UNKNOWN_TOPIC_OR_PARTITION))));
        }
        // off the network thread: a follower asks the leader for its view
        return CompletableFuture.supplyAsync(() -> Reply.of(new DescribeQuorumResponse(
                DescribeQuorumResponse.singletonResponse(METADATA, partition(quorum()), nodes()))));
    }

    private Cluster.Quorum quorum() {
        Optional<Cluster> cluster = context.engine().cluster();
        if (cluster.isPresent()) {
            return cluster.get().quorum();
        }
        long now = System.currentTimeMillis();
        return new Cluster.Quorum(context.nodeId(), 0, -1, List.of(new Cluster.Voter(context.nodeId(), -1, now, now)));
    }

    private static PartitionData partition(Cluster.Quorum quorum) {
        PartitionData partition = new PartitionData().setPartitionIndex(METADATA.partition())
                .setErrorCode(quorum.leader() < 0 ? Errors.NOT_LEADER_OR_FOLLOWER.code() : Errors.NONE.code())
                .setLeaderId(quorum.leader())
                .setLeaderEpoch((int) Math.min(Integer.MAX_VALUE, quorum.leaderEpoch()))
                .setHighWatermark(quorum.highWatermark());
        for (Cluster.Voter voter : quorum.voters()) {
            partition.currentVoters().add(new ReplicaState().setReplicaId(voter.id())
                    .setReplicaDirectoryId(Uuid.ZERO_UUID)
                    .setLogEndOffset(voter.logEndOffset())
                    .setLastFetchTimestamp(voter.lastFetchTimestamp())
                    .setLastCaughtUpTimestamp(voter.lastCaughtUpTimestamp()));
        }
        return partition;
    }

    /** Each voter's Kafka listener (v2), as the brokers registered them. */
    private NodeCollection nodes() {
        NodeCollection nodes = new NodeCollection();
        for (ClusterRouting.Broker broker : context.routing().brokers()) {
            ListenerCollection listeners = new ListenerCollection();
            listeners.add(new Listener().setName("PLAINTEXT").setHost(broker.host()).setPort(broker.port()));
            nodes.add(new Node().setNodeId(broker.id()).setListeners(listeners));
        }
        return nodes;
    }
}
