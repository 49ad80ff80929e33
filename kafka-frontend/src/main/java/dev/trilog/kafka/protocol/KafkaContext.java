package dev.trilog.kafka.protocol;

import dev.trilog.log.LogEngine;
import dev.trilog.log.Topic;
import dev.trilog.log.TopicExistsException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every Kafka handler shares: the log engine, this node's identity, the address clients
 * must be told and where a cluster routes them ({@link ClusterRouting}), topic auto-creation, the topic lookup of requests ({@link TopicResolver}), and a
 * timer for long polls and coordinator deadlines. A family's own settings (the group and
 * transaction coordinators') go to its registrar, not here.
 */
public final class KafkaContext {

    private final LogEngine engine;
    private final ClusterRouting routing;
    private final boolean autoCreateTopics;
    private final int defaultPartitions;
    private final ScheduledExecutorService timer;
    private final TopicResolver topics;
    private volatile InetSocketAddress advertised;

    /**
     * @param autoCreateTopics  {@code auto.create.topics.enable}: Metadata creates unknown topics
     * @param defaultPartitions {@code num.partitions} for topics created without a count
     * @param advertised        where clients connect until {@link #advertise} names the bound address
     */
    public KafkaContext(LogEngine engine, int nodeId, boolean autoCreateTopics, int defaultPartitions,
                        InetSocketAddress advertised, ScheduledExecutorService timer) {
        this.engine = engine;
        this.routing = ClusterRouting.of(engine, nodeId, this::advertised);
        this.autoCreateTopics = autoCreateTopics;
        this.defaultPartitions = defaultPartitions;
        this.advertised = advertised;
        this.timer = timer;
        this.topics = new TopicResolver(engine);
    }

    public LogEngine engine() {
        return engine;
    }

    /** This broker's id: {@code node.id} in a cluster, 0 on one node. */
    public int nodeId() {
        return routing.nodeId();
    }

    /** Which node leads the partitions and coordinates groups and transactions, and the brokers to name. */
    public ClusterRouting routing() {
        return routing;
    }

    public String clusterId() {
        return engine.clusterId();
    }

    public boolean autoCreateTopics() {
        return autoCreateTopics;
    }

    public int defaultPartitions() {
        return defaultPartitions;
    }

    /** Host and port clients are told to connect to. */
    public InetSocketAddress advertised() {
        return advertised;
    }

    /** Set once the listener is bound, when the advertised port is the bound one. */
    public void advertise(InetSocketAddress address) {
        this.advertised = address;
    }

    public ScheduledExecutorService timer() {
        return timer;
    }

    /** Finds the topic a request names, by ID or by name, and checks its partitions. */
    public TopicResolver topics() {
        return topics;
    }

    /** The topic, created with the broker defaults first when auto-creation is on and asked for. */
    public Optional<Topic> topicOrAutoCreate(String name, boolean allowCreate) throws IOException {
        Optional<Topic> topic = engine.topic(name);
        if (topic.isPresent() || !allowCreate || !autoCreateTopics || name.startsWith(LogEngine.RESERVED_PREFIX)) {
            return topic;
        }
        try {
            return Optional.of(engine.createTopic(name, defaultPartitions, Map.of(),
                    ClusterRouting.defaultReplicationFactor(routing().replicas())));
        } catch (TopicExistsException e) {
            return engine.topic(name); // created by a concurrent request
        }
    }
}
