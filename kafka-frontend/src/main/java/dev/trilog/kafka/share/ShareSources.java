package dev.trilog.kafka.share;

import dev.trilog.log.LogEngine;
import dev.trilog.log.Topic;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.topology.Topology;
import java.util.Optional;
import org.apache.kafka.common.Uuid;

/**
 * Which {@link ShareSource} serves (topic, group): a queue's own group through {@link Queues},
 * any other through the engine's share cursor. Decided at each use, so a queue declared over a
 * topic later is served as a queue from then on.
 */
final class ShareSources {

    private final LogEngine engine;
    private final Topology topology;
    private final Queues queues;
    private final GroupConfigs configs;

    ShareSources(LogEngine engine, Topology topology, Queues queues, GroupConfigs configs) {
        this.engine = engine;
        this.topology = topology;
        this.queues = queues;
        this.configs = configs;
    }

    ShareSource of(Topic topic, String group) {
        return isQueuesOwn(topic.name(), group) ? new QueueShareSource(queues, engine, topic.name())
                : cursorOf(topic.name(), group);
    }

    /** The engine's share cursor of (topic, group), which is not a queue's own group. */
    CursorShareSource cursorOf(String topic, String group) {
        return new CursorShareSource(engine, topic, group, configs.of(group));
    }

    /** Whether (topic, group) is a queue's own share group: its state is the queue's. */
    boolean isQueuesOwn(String topic, String group) {
        return topic.equals(group) && topology.queue(topic).isPresent();
    }

    /** The source of the topic with this ID, or null when there is no such topic. */
    ShareSource of(Uuid topicId, String group) {
        Optional<Topic> topic = engine.topicById(topicId);
        return topic.isPresent() ? of(topic.get(), group) : null;
    }
}
