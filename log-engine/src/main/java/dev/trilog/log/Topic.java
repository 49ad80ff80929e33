package dev.trilog.log;

import java.util.Map;
import org.apache.kafka.common.Uuid;

/**
 * A topic as the engine records it: its name, the ID it got when created (Kafka clients use
 * topic IDs from Metadata v10, Fetch v13 and Produce v13 on), its partition count and the
 * settings it overrides.
 */
public record Topic(String name, Uuid id, int partitions, Map<String, String> configOverrides) {

    public Topic {
        configOverrides = Map.copyOf(configOverrides);
    }

    public Topic withPartitions(int count) {
        return new Topic(name, id, count, configOverrides);
    }

    public Topic withConfigOverrides(Map<String, String> overrides) {
        return new Topic(name, id, partitions, overrides);
    }
}
