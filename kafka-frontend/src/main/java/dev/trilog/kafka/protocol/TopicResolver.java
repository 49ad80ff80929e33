package dev.trilog.kafka.protocol;

import dev.trilog.log.LogEngine;
import org.apache.kafka.common.Uuid;

/**
 * Finds the topic a request names, by topic ID (Produce and Fetch v13+, OffsetCommit v10+, …) or
 * by name, as a {@link NamedTopic} that checks partition indexes and knows Kafka's error for what
 * is missing. The one copy of a lookup every partition-addressed API needs.
 */
public final class TopicResolver {

    private final LogEngine engine;

    public TopicResolver(LogEngine engine) {
        this.engine = engine;
    }

    /** By ID when {@code name} is null or empty, as Produce and Fetch name topics from v13; else by name. */
    public NamedTopic resolve(String name, Uuid id) {
        return resolve(name == null || name.isEmpty(), name, id);
    }

    /** By ID or by name, as the request's version decides (OffsetCommit and TxnOffsetCommit). */
    public NamedTopic resolve(boolean byId, String name, Uuid id) {
        return byId ? byId(id) : byName(name);
    }

    public NamedTopic byName(String name) {
        return new NamedTopic(engine.topic(name), false);
    }

    public NamedTopic byId(Uuid id) {
        return new NamedTopic(engine.topicById(id), true);
    }
}
