package dev.trilog.sqs.queue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What SQS keeps about a queue beyond what the topology holds: its attributes as reported
 * (defaults included), tags, permissions (AddPermission labels) and timestamps (epoch seconds).
 * Stored as JSON in the engine's metadata log by {@link SqsQueueCatalog}.
 */
public record SqsQueueMetadata(String name, Map<String, String> attributes, Map<String, String> tags,
                               Map<String, Permission> permissions, long createdTimestamp, long lastModifiedTimestamp) {

    /** One AddPermission grant. */
    public record Permission(List<String> accounts, List<String> actions) {
    }

    public SqsQueueMetadata {
        attributes = Map.copyOf(attributes);
        tags = Map.copyOf(tags);
        permissions = Map.copyOf(permissions);
    }

    public boolean fifo() {
        return "true".equals(attributes.get(QueueAttributeRules.FIFO_QUEUE));
    }

    public String attribute(String name) {
        return attributes.get(name);
    }

    /** An int attribute that always has a value (every range attribute has a default). */
    public int intAttribute(String name) {
        return Integer.parseInt(attributes.get(name));
    }

    /** With {@code changes} applied; an empty value removes a policy attribute. */
    public SqsQueueMetadata withAttributes(Map<String, String> changes, long nowSeconds) {
        Map<String, String> merged = new LinkedHashMap<>(attributes);
        changes.forEach((name, value) -> {
            if (value.isEmpty()) {
                merged.remove(name);
            } else {
                merged.put(name, value);
            }
        });
        return new SqsQueueMetadata(name, merged, tags, permissions, createdTimestamp, nowSeconds);
    }

    public SqsQueueMetadata withTags(Map<String, String> newTags) {
        return new SqsQueueMetadata(name, attributes, newTags, permissions, createdTimestamp, lastModifiedTimestamp);
    }

    public SqsQueueMetadata withPermissions(Map<String, Permission> newPermissions) {
        return new SqsQueueMetadata(name, attributes, tags, newPermissions, createdTimestamp, lastModifiedTimestamp);
    }
}
