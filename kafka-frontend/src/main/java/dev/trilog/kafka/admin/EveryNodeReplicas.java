package dev.trilog.kafka.admin;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;

/**
 * Replica placement as Trilog has it: every partition on every node (one node, or each node of a
 * cluster: docs/replication.md). A manual assignment is valid when it names exactly those nodes,
 * in any order; anything else fails the way Kafka words it.
 */
final class EveryNodeReplicas {

    private EveryNodeReplicas() {
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
            throw new InvalidReplicaAssignmentException("Trilog keeps every partition on every node: the assignment "
                    + "must name all of " + nodes + ", not " + replicas);
        }
    }

    /**
     * The replication factor a topic gets for {@code asked} (-1: the default): every node. A
     * smaller factor is accepted and exceeded (every node holds every partition, so a topic never
     * has fewer copies than asked); a larger one cannot be reached.
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
        return (short) nodes.size();
    }
}
