package dev.trilog.kafka;

import dev.trilog.log.LogEngine;
import dev.trilog.log.Topic;
import dev.trilog.log.TopicExistsException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.Uuid;

/**
 * What every Kafka handler shares: the log engine, this broker's identity and address as
 * clients must see it, the settings, and a timer for long polls.
 */
public final class KafkaBroker {

    private final LogEngine engine;
    private final KafkaServerSettings settings;
    private final ScheduledExecutorService timer;
    private volatile InetSocketAddress advertised;

    KafkaBroker(LogEngine engine, KafkaServerSettings settings, ScheduledExecutorService timer) {
        this.engine = engine;
        this.settings = settings;
        this.timer = timer;
        this.advertised = new InetSocketAddress(settings.host(), settings.port());
    }

    public LogEngine engine() {
        return engine;
    }

    public KafkaServerSettings settings() {
        return settings;
    }

    public int nodeId() {
        return settings.nodeId();
    }

    public String clusterId() {
        return engine.clusterId();
    }

    /** Host and port clients are told to connect to: the bound address. */
    public InetSocketAddress advertised() {
        return advertised;
    }

    void advertise(InetSocketAddress bound) {
        this.advertised = bound;
    }

    public ScheduledExecutorService timer() {
        return timer;
    }

    /** The topic, created with the broker defaults first when auto-creation is on and asked for. */
    public Optional<Topic> topicOrAutoCreate(String name, boolean allowCreate) throws IOException {
        Optional<Topic> topic = engine.topic(name);
        if (topic.isPresent() || !allowCreate || !settings.autoCreateTopics() || name.startsWith(LogEngine.RESERVED_PREFIX)) {
            return topic;
        }
        try {
            return Optional.of(engine.createTopic(name, settings.defaultPartitions(), Map.of()));
        } catch (TopicExistsException e) {
            return engine.topic(name); // created by a concurrent request
        }
    }

    /** The topic with this ID, if any (Fetch v13+, Produce v13, Metadata v10+). */
    public Optional<Topic> topicById(Uuid id) {
        return engine.topicById(id);
    }
}
