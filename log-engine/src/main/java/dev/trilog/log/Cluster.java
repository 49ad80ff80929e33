package dev.trilog.log;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * What a clustered engine knows of its cluster and asks of its replication layer
 * (docs/replication.md); {@link LogEngine#cluster()} is empty on a single node. Kept in the engine
 * so the frontends can route clients without depending on the replication module.
 */
public interface Cluster {

    /** The cluster's ID, the same on every node (Kafka's cluster id). */
    String clusterId();

    /** This node's id. */
    int nodeId();

    /** Every node's id, ascending. */
    List<Integer> nodes();

    /** The node that leads writes now, as this node knows it; empty during an election. */
    OptionalInt leader();

    default boolean isLeader() {
        return leader().orElse(-1) == nodeId();
    }

    /** Grows by one with every new leader (Raft's term): the leader epoch clients are told. */
    long leaderEpoch();

    /**
     * Runs {@code listener} after every change of leader this node learns of (an election won or
     * lost here or elsewhere), on one thread of the cluster's, one call at a time, never on the
     * thread that replicates: what moves with the leader (the queues a node serves) follows it.
     */
    void addLeaderListener(Runnable listener);

    /**
     * Makes this node the one that serves the queues, at {@code epoch} — its {@link #leaderEpoch}
     * as it read it before: commits that through the cluster and returns once it is applied here,
     * so is every write committed before it (the state this node then reads is all there is). From
     * then on queue state another node writes at an older epoch is refused
     * ({@link LogAppender#appendRecordsIfServing}), and this node's is written at this one.
     *
     * @throws IOException when it was not committed, or refused because this node did not lead at
     *                     {@code epoch} when it was
     */
    void serveQueues(long epoch) throws IOException;

    /**
     * The replication quorum as this node sees it, for Kafka's DescribeQuorum
     * ({@code kafka-metadata-quorum describe}): the leader, its epoch, the commit index (the high
     * watermark of the replicated log) and each voter's progress. Offsets are Raft log indexes;
     * what this node cannot know (a follower does not hear from the others) is -1.
     */
    Quorum quorum();

    /** See {@link #quorum()}. @param leader -1 during an election */
    record Quorum(int leader, long leaderEpoch, long highWatermark, List<Voter> voters) {

        public Quorum {
            voters = List.copyOf(voters);
        }
    }

    /**
     * A voter's progress: the last index it is known to hold ({@code logEndOffset}), when it last
     * fetched from the leader and when it was last caught up (epoch milliseconds; -1 unknown).
     */
    record Voter(int id, long logEndOffset, long lastFetchTimestamp, long lastCaughtUpTimestamp) {
    }

    /** The nodes whose copy is caught up with the leader's (the leader included): Kafka's ISR. */
    Set<Integer> inSync();

    /**
     * The node leading {@code partition}'s writes now, as this node knows it; empty during its
     * election. A partition with a replication group of its own may be led by another node than
     * {@link #leader()} (which serves the metadata, the coordinators and the queues).
     */
    default OptionalInt leader(TopicPartition partition) {
        return leader();
    }

    /** {@code partition}'s leader epoch (its group's Raft term). */
    default long leaderEpoch(TopicPartition partition) {
        return leaderEpoch();
    }

    /** {@code partition}'s replicas, its preferred leader first: the nodes that hold its records. */
    default List<Integer> replicas(TopicPartition partition) {
        return nodes();
    }

    /** {@code partition}'s replicas caught up with its leader (Kafka's ISR), as this node knows them. */
    default Set<Integer> inSync(TopicPartition partition) {
        return inSync();
    }

    /**
     * Creates {@code topic}, with its ID, on every node, each partition's records held by
     * {@link Topic#replicationFactor} of them (placed here): returns once it is committed and
     * created on this node.
     *
     * @throws TopicExistsException when another node created the name first
     * @throws org.apache.kafka.common.errors.InvalidReplicationFactorException when there are
     *         fewer nodes than the factor asks
     */
    Topic createTopic(Topic topic) throws TopicExistsException, IOException;

    /**
     * Deletes {@code topic} (the one with its ID: a topic created again under the name since is
     * left alone) on every node; returns once committed and done on this node.
     */
    void deleteTopic(Topic topic) throws UnknownTopicException, IOException;

    /** Grows {@code topic} to {@code newCount} partitions on every node (CreatePartitions). */
    Topic createPartitions(Topic topic, int newCount) throws UnknownTopicException, IOException;

    /** Replaces {@code topic}'s config overrides on every node (AlterConfigs). */
    Topic alterTopicConfig(Topic topic, Map<String, String> overrides) throws UnknownTopicException, IOException;

    /** Moves the partition's log start offset to {@code offset} on every node (DeleteRecords); returns it. */
    long deleteRecordsBefore(TopicPartition partition, long offset) throws OffsetOutOfRangeException, IOException;
}
