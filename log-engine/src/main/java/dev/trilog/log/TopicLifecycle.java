package dev.trilog.log;

import dev.trilog.log.meta.ShareCursors;
import dev.trilog.log.meta.TopicRegistry;
import java.io.IOException;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, grows, reconfigures and deletes topics, one change at a time. A change is written to
 * the {@link TopicRegistry} (durable before it returns) before the partitions follow: a created
 * topic's partitions are opened, a deleted topic's share cursors and partitions are deleted, a
 * reconfigured topic's partitions take the new settings at once.
 *
 * <p>In the root package, beside {@link PartitionLogs}, whose partition lifecycle it drives.
 */
final class TopicLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TopicLifecycle.class);

    private final EngineSettings settings;
    private final TopicRegistry topics;
    private final PartitionLogs partitions;
    private final ShareCursors shareCursors;
    private final Object changes = new Object();

    TopicLifecycle(EngineSettings settings, TopicRegistry topics, PartitionLogs partitions,
            ShareCursors shareCursors) {
        this.settings = settings;
        this.topics = topics;
        this.partitions = partitions;
        this.shareCursors = shareCursors;
    }

    /** At start: opens the partitions of every topic the registry holds. */
    void openAll() throws IOException {
        for (Topic topic : topics.all()) {
            LogConfig config = settings.topicDefaults().withOverrides(topic.configOverrides());
            for (int p = 0; p < topic.partitions(); p++) {
                partitions.open(new TopicPartition(topic.name(), p), config);
            }
        }
    }

    /**
     * Creates {@code topic} (its ID chosen by the caller: fresh on one node, the same on every
     * replica in a cluster); the metadata is durable before this returns.
     *
     * @throws InvalidTopicException for an illegal or reserved name
     * @throws ConfigException       for an unknown config name or invalid value
     */
    Topic create(Topic topic, Bound bound) throws TopicExistsException, IOException {
        String name = topic.name();
        validateNew(name, topic.partitions(), topic.configOverrides());
        synchronized (changes) {
            if (topics.get(name).isPresent()) {
                throw new TopicExistsException(name);
            }
            if (bound == Bound.CHECKED) {
                checkRoomFor(topic.partitions());
            }
            LogConfig config = settings.topicDefaults().withOverrides(topic.configOverrides());
            topics.put(topic);
            for (int p = 0; p < topic.partitions(); p++) {
                partitions.open(new TopicPartition(name, p), config);
            }
            log.info("Created topic {} ({} partitions, id {})", name, topic.partitions(), topic.id());
            return topic;
        }
    }

    /** Checks a CreateTopics request without creating anything (validate-only). */
    void validateNew(String name, int partitionCount, Map<String, String> configOverrides) {
        org.apache.kafka.common.internals.Topic.validate(name);
        if (name.startsWith(LogEngine.RESERVED_PREFIX)) {
            throw new InvalidTopicException("topic names starting with " + LogEngine.RESERVED_PREFIX + " are reserved");
        }
        if (partitionCount < 1) {
            throw new IllegalArgumentException("a topic needs at least one partition, not " + partitionCount);
        }
        settings.topicDefaults().withOverrides(configOverrides);
    }

    /** Deletes the topic and its data; readers holding a slice finish reading it first. */
    /**
     * @param forgetShareState whether to remove the topic's share cursors' durable state too (a
     *                         clustered node removed it through the cluster before the deletion)
     */
    void delete(String name, boolean forgetShareState) throws UnknownTopicException, IOException {
        synchronized (changes) {
            Topic topic = existing(name);
            topics.remove(name);
            // a topic created later under the same name must not inherit these cursors' positions
            shareCursors.forgetTopic(name, forgetShareState);
            for (int p = 0; p < topic.partitions(); p++) {
                partitions.delete(new TopicPartition(name, p));
            }
            log.info("Deleted topic {}", name);
        }
    }

    /** CreatePartitions: grows the topic to {@code newCount} partitions. */
    Topic createPartitions(String name, int newCount, Bound bound) throws UnknownTopicException, IOException {
        synchronized (changes) {
            Topic topic = existing(name);
            checkGrowth(topic, newCount);
            if (bound == Bound.CHECKED) {
                checkRoomFor(newCount - topic.partitions());
            }
            Topic grown = topic.withPartitions(newCount);
            topics.put(grown);
            LogConfig config = settings.topicDefaults().withOverrides(topic.configOverrides());
            for (int p = topic.partitions(); p < newCount; p++) {
                partitions.open(new TopicPartition(name, p), config);
            }
            return grown;
        }
    }

    /** Replaces the topic's config overrides (AlterConfigs semantics); takes effect at once. */
    Topic alterConfig(String name, Map<String, String> overrides) throws UnknownTopicException, IOException {
        synchronized (changes) {
            Topic topic = existing(name);
            LogConfig config = settings.topicDefaults().withOverrides(overrides);
            Topic altered = topic.withConfigOverrides(overrides);
            topics.put(altered);
            for (int p = 0; p < topic.partitions(); p++) {
                partitions.reconfigure(new TopicPartition(name, p), config);
            }
            return altered;
        }
    }

    /**
     * Whether a change is held to {@link EngineSettings#maxPartitions}: a node's own create is;
     * a replica applying what its cluster already committed is not, or replicas would diverge.
     */
    enum Bound { CHECKED, COMMITTED }

    /** @throws PartitionLimitException when {@code adding} more partitions would exceed the engine's limit */
    void checkRoomFor(int adding) {
        int existing = partitions.count();
        if ((long) existing + adding > settings.maxPartitions()) {
            throw new PartitionLimitException(existing, adding, settings.maxPartitions());
        }
    }

    /** @throws IllegalArgumentException unless {@code newCount} is more partitions than {@code topic} has */
    static void checkGrowth(Topic topic, int newCount) {
        if (newCount <= topic.partitions()) {
            throw new IllegalArgumentException("topic " + topic.name() + " has " + topic.partitions()
                    + " partitions; the new count must be larger, not " + newCount);
        }
    }

    private Topic existing(String name) throws UnknownTopicException {
        return topics.get(name).orElseThrow(() -> new UnknownTopicException("unknown topic " + name));
    }
}
