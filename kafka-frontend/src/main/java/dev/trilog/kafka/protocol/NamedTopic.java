package dev.trilog.kafka.protocol;

import dev.trilog.log.Topic;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * A topic as a request named it ({@link TopicResolver}): the topic if it exists, and whether the
 * request named it by ID, which decides the error for a missing one.
 *
 * @param topic the topic, or empty when no topic has that name or ID
 * @param byId  whether the request named it by topic ID
 */
public record NamedTopic(Optional<Topic> topic, boolean byId) {

    public boolean exists() {
        return topic.isPresent();
    }

    /**
     * {@code NONE} when the topic exists and has partition {@code index}; otherwise Kafka's error:
     * {@code UNKNOWN_TOPIC_ID} for a topic named by an unknown ID, else {@code UNKNOWN_TOPIC_OR_PARTITION}.
     */
    public Errors check(int index) {
        if (topic.isEmpty()) {
            return byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        return index < 0 || index >= topic.get().partitions() ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.NONE;
    }

    /** The partition {@code index} of the topic; only when {@link #check} found it. */
    public TopicPartition partition(int index) {
        if (check(index) != Errors.NONE) {
            throw new IllegalStateException("no partition " + index + " in " + topic.map(Topic::name).orElse("an unknown topic"));
        }
        return new TopicPartition(topic.get().name(), index);
    }
}
