package dev.trilog.log;

import java.util.Map;
import org.apache.kafka.common.Uuid;

/**
 * A topic as the engine records it: its name, the ID it got when created (Kafka clients use
 * topic IDs from Metadata v10, Fetch v13 and Produce v13 on), its partition count, the settings
 * it overrides, and in a cluster its replication factor: how many nodes hold each partition
 * ({@link #EVERY_NODE} on one node, and for the topics the layers above create: every node).
 */
public record Topic(String name, Uuid id, int partitions, Map<String, String> configOverrides,
        int replicationFactor) {

    /** The replication factor of a topic held by every node of the cluster, however many. */
    public static final int EVERY_NODE = 0;

    public Topic {
        configOverrides = Map.copyOf(configOverrides);
        if (replicationFactor < 0) {
            throw new IllegalArgumentException("replication factor " + replicationFactor + " is negative");
        }
    }

    /** A topic on every node (or the one node). */
    public Topic(String name, Uuid id, int partitions, Map<String, String> configOverrides) {
        this(name, id, partitions, configOverrides, EVERY_NODE);
    }

    public Topic withPartitions(int count) {
        return new Topic(name, id, count, configOverrides, replicationFactor);
    }

    public Topic withConfigOverrides(Map<String, String> overrides) {
        return new Topic(name, id, partitions, overrides, replicationFactor);
    }
}
