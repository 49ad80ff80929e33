package dev.trilog.kafka.admin;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;

/**
 * Manual replica assignments on a one-node cluster: the only valid replica list is this node
 * alone. Anything else fails the way Kafka words it for brokers that are not registered.
 */
final class SingleNodeReplicas {

    private SingleNodeReplicas() {
    }

    static void check(List<Integer> replicas, int nodeId) {
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
            if (replica != nodeId) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes broker "
                        + replica + ", but no such broker is registered.");
            }
        }
    }
}
