package dev.trilog.kafka.admin;

import dev.trilog.kafka.protocol.ClusterRouting;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;

/**
 * Replica placement as Kafka clients ask for it: a replication factor up to the node count (the
 * cluster places the partitions: docs/replication.md), or a manual assignment, which Trilog takes
 * only when it names every node, in any order; anything else fails the way Kafka words it.
 */
final class Replicas {

    private Replicas() {
    }

    /** Checks a manual assignment against {@code nodes}, every node's id. */
    static void check(List<Integer> replicas, List<Integer> nodes) {
        if (replicas == null || replicas.isEmpty()) {
            throw new InvalidReplicaAssignmentException(
                    "The manual partition assignment includes an empty replica list.");
        }
        Set<Integer> seen = new HashSet<>();
        for (int replica : replicas) {
            if (!seen.add(replica)) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes the broker "
                        + replica + " more than once.");
            }
            if (!nodes.contains(replica)) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes broker "
                        + replica + ", but no such broker is registered.");
            }
        }
        if (seen.size() != nodes.size()) {
            throw new InvalidReplicaAssignmentException("Trilog takes a manual assignment only when it names every"
                    + " node: " + nodes + ", not " + replicas + " (ask for a replication factor instead)");
        }
    }

    /**
     * The replication factor a topic gets for {@code asked}: -1 is the default
     * ({@link ClusterRouting#defaultReplicationFactor}); more than {@code nodes} cannot be reached.
     */
    static short replicationFactor(short asked, List<Integer> nodes) {
        if (asked < -1 || asked == 0) {
            throw new InvalidReplicationFactorException(
                    "Replication factor must be larger than 0, or -1 to use the default value.");
        }
        if (asked > nodes.size()) {
            throw new InvalidReplicationFactorException("Unable to replicate the partition " + asked
                    + " time(s): The target replication factor of " + asked
                    + " cannot be reached because only " + nodes.size() + " broker(s) are registered.");
        }
        return asked == -1 ? ClusterRouting.defaultReplicationFactor(nodes) : asked;
    }
}
