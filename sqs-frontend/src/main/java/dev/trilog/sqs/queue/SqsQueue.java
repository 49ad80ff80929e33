package dev.trilog.sqs.queue;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.HeaderValue;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One SQS queue as the SQS API describes it, beyond what the topology's policies say: its
 * attributes as reported (defaults included; AddPermission's grants are statements of its
 * {@code Policy}), tags and timestamps (epoch seconds). A value: the messages are the queue
 * facade's, and {@code QueueDirectory} finds, stores and changes these.
 *
 * <p>Stored inside the queue's topology spec, as the string argument {@value #ARGUMENT}: this
 * record as JSON, {@code {"name":…,"attributes":{…},"tags":{…},"createdTimestamp":…,
 * "lastModifiedTimestamp":…}} — the form the earlier layout kept in a record of its own
 * ({@link LegacyQueueRecords}). Records written before AddPermission edited the Policy also hold
 * {@code "permissions"}, grants that were never enforced: they are ignored, since turning them
 * into a Policy now would close those queues to every other key.
 */
@JsonIgnoreProperties({"permissions"})
public record SqsQueue(String name, Map<String, String> attributes, Map<String, String> tags,
                       long createdTimestamp, long lastModifiedTimestamp) {

    /** The queue argument that holds the metadata of an SQS queue; a queue without it is not one. */
    public static final String ARGUMENT = "x-trilog-sqs";

    private static final ObjectMapper JSON = new ObjectMapper();

    public SqsQueue {
        attributes = Map.copyOf(attributes);
        tags = Map.copyOf(tags);
    }

    /** The metadata a topology queue carries, or empty when it is not an SQS queue. */
    public static Optional<SqsQueue> of(QueueSpec spec) {
        HeaderValue stored = spec.arguments().get(ARGUMENT);
        return stored == null || stored.isNull() ? Optional.empty() : Optional.of(fromJson(stored.asString()));
    }

    /**
     * Reads the stored form.
     *
     * @throws UncheckedIOException when it is not this record as JSON
     */
    public static SqsQueue fromJson(String json) {
        try {
            return JSON.readValue(json, SqsQueue.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("unreadable SQS queue metadata", e);
        }
    }

    /** The stored form, as the value of {@link #ARGUMENT}. */
    public HeaderValue toArgument() {
        try {
            return HeaderValue.ofString(JSON.writeValueAsString(this));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a record of strings and numbers is always JSON", e);
        }
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
    public SqsQueue withAttributes(Map<String, String> changes, long nowSeconds) {
        Map<String, String> merged = new LinkedHashMap<>(attributes);
        changes.forEach((name, value) -> {
            if (value.isEmpty()) {
                merged.remove(name);
            } else {
                merged.put(name, value);
            }
        });
        return new SqsQueue(name, merged, tags, createdTimestamp, nowSeconds);
    }

    public SqsQueue withTags(Map<String, String> newTags) {
        return new SqsQueue(name, attributes, newTags, createdTimestamp, lastModifiedTimestamp);
    }
}
