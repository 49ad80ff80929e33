package dev.trilog.kafka.protocol;

import dev.trilog.log.Cluster;
import dev.trilog.log.DurableMap;
import dev.trilog.log.LogEngine;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where Kafka clients are sent (docs/replication.md). On one node, here, for everything. In a
 * cluster one Raft group orders every write, so the node leading it is the leader of every
 * partition and the coordinator of every group and transaction: Metadata and FindCoordinator
 * name it, and the other nodes answer partition requests with NOT_LEADER_OR_FOLLOWER and
 * coordinator requests with NOT_COORDINATOR, so clients move to it on their own — and again
 * when leadership moves.
 *
 * <p>Every node registers the address its Kafka listener advertises in the shared durable map
 * {@value #BROKERS} (key: node id, value {@code host:port}), so each node can name the others.
 */
public final class ClusterRouting implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterRouting.class);

    /** The shared durable map of every node's advertised Kafka address. */
    public static final String BROKERS = "kafka-brokers";

    /** A broker as Metadata describes it. */
    public record Broker(int id, String host, int port) {
    }

    /**
     * How every partition is led and replicated now — the same for all (one Raft group, or one
     * node) — as Metadata and DescribeTopicPartitions describe each partition.
     *
     * @param leader      the leading broker's id, or -1 during an election or before it registered
     * @param leaderEpoch {@link #leaderEpoch()}
     * @param replicas    {@link #replicas()}
     * @param inSync      {@link #inSync()}
     */
    public record Placement(int leader, int leaderEpoch, List<Integer> replicas, List<Integer> inSync) {

        public boolean leaderless() {
            return leader < 0;
        }
    }

    private final Cluster cluster;
    private final DurableMap brokers;
    private final int nodeId;
    private final Supplier<InetSocketAddress> advertised;
    private volatile Thread registration;

    private ClusterRouting(Cluster cluster, DurableMap brokers, int nodeId, Supplier<InetSocketAddress> advertised) {
        this.cluster = cluster;
        this.brokers = brokers;
        this.nodeId = nodeId;
        this.advertised = advertised;
    }

    /** Routing for {@code engine}: a single node's, or its cluster's. */
    static ClusterRouting of(LogEngine engine, int singleNodeId, Supplier<InetSocketAddress> advertised) {
        Optional<Cluster> cluster = engine.cluster();
        if (cluster.isEmpty()) {
            return new ClusterRouting(null, null, singleNodeId, advertised);
        }
        try {
            return new ClusterRouting(cluster.get(), engine.durableMap(BROKERS), cluster.get().nodeId(), advertised);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot open the registry of Kafka brokers", e);
        }
    }

    /** This node's id: its cluster node id, or {@code node.id}'s Kafka default on one node. */
    public int nodeId() {
        return nodeId;
    }

    public boolean clustered() {
        return cluster != null;
    }

    /** Whether this node leads the partitions and coordinates the groups now. */
    public boolean leadsHere() {
        return cluster == null || cluster.isLeader();
    }

    /** Every broker clients may be told about: this node, and in a cluster every registered one. */
    public List<Broker> brokers() {
        Map<Integer, Broker> all = new TreeMap<>();
        if (cluster != null) {
            brokers.all().forEach((id, address) -> parse(id, address).ifPresent(b -> all.put(b.id(), b)));
        }
        all.put(nodeId, self());
        return new ArrayList<>(all.values());
    }

    /** The broker leading every partition now; empty during an election or before it registered. */
    public Optional<Broker> leader() {
        if (cluster == null) {
            return Optional.of(self());
        }
        var leader = cluster.leader();
        if (leader.isEmpty()) {
            return Optional.empty();
        }
        return broker(leader.getAsInt());
    }

    /** The leader epoch clients are told (Raft's term in a cluster; 0 on one node, which never changes leader). */
    public int leaderEpoch() {
        return cluster == null ? 0 : (int) Math.min(Integer.MAX_VALUE, cluster.leaderEpoch());
    }

    /** Every partition's leader, leader epoch, replicas and in-sync replicas, read once. */
    public Placement placement() {
        return new Placement(leader().map(Broker::id).orElse(-1), leaderEpoch(), replicas(), inSync());
    }

    /**
     * How {@code partition} is led and replicated: in a cluster each partition has a Raft group of
     * its own, whose leader may be another node than the one serving the metadata, coordinators
     * and queues ({@link #leader()}).
     */
    public Placement placement(TopicPartition partition) {
        if (cluster == null) {
            return placement();
        }
        var leader = cluster.leader(partition);
        int id = leader.isPresent() && broker(leader.getAsInt()).isPresent() ? leader.getAsInt() : -1;
        return new Placement(id, (int) Math.min(Integer.MAX_VALUE, cluster.leaderEpoch(partition)),
                List.copyOf(cluster.replicas(partition)), List.copyOf(cluster.inSync(partition)));
    }

    /** Whether this node leads {@code partition}'s writes and serves its reads now. */
    public boolean leadsHere(TopicPartition partition) {
        return cluster == null || cluster.leader(partition).orElse(-1) == nodeId;
    }

    /** Whether this node is one of {@code partition}'s replicas (every node but in a cluster, for a topic with fewer). */
    public boolean holdsCopy(TopicPartition partition) {
        return cluster == null || cluster.replicas(partition).contains(nodeId);
    }

    /** {@code partition}'s leader epoch (its group's Raft term; 0 on one node). */
    public int leaderEpoch(TopicPartition partition) {
        return cluster == null ? 0 : (int) Math.min(Integer.MAX_VALUE, cluster.leaderEpoch(partition));
    }

    /** {@code partition}'s replicas caught up with its leader (Kafka's ISR). */
    public List<Integer> inSync(TopicPartition partition) {
        return cluster == null ? List.of(nodeId) : List.copyOf(cluster.inSync(partition));
    }

    private Optional<Broker> broker(int id) {
        return brokers().stream().filter(b -> b.id() == id).findFirst();
    }

    /** The default replication factor's ceiling: {@code default.replication.factor} = min(3, nodes). */
    private static final int DEFAULT_REPLICATION_FACTOR = 3;

    /**
     * {@code default.replication.factor}: min(3, the node count) — every node of a cluster of up
     * to three (and the one node) — for CreateTopics' -1 and auto-created topics.
     */
    public static short defaultReplicationFactor(List<Integer> nodes) {
        return (short) Math.min(DEFAULT_REPLICATION_FACTOR, nodes.size());
    }

    /** Every node: the replicas of the metadata, the coordinators' state and the queues' topics. */
    public List<Integer> replicas() {
        return cluster == null ? List.of(nodeId) : cluster.nodes();
    }

    /** The replicas caught up with the leader (Kafka's ISR). */
    public List<Integer> inSync() {
        return cluster == null ? List.of(nodeId) : List.copyOf(cluster.inSync());
    }

    /**
     * Registers this node's advertised address with the cluster, in the background until the
     * cluster has committed it (it needs a leader, which may not be elected yet).
     */
    public void register() {
        if (cluster == null) {
            return;
        }
        Thread thread = new Thread(this::registerUntilDone, "trilog-kafka-broker-registration");
        thread.setDaemon(true);
        registration = thread;
        thread.start();
    }

    /** Stops registering (the listener closes). */
    @Override
    public void close() {
        Thread thread = registration;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void registerUntilDone() {
        String address = self().host() + ":" + self().port();
        byte[] value = address.getBytes(StandardCharsets.UTF_8);
        for (int attempt = 1; !Thread.currentThread().isInterrupted(); attempt++) {
            if (brokers.get(Integer.toString(nodeId)).map(v -> java.util.Arrays.equals(v, value)).orElse(false)) {
                return;
            }
            try {
                brokers.put(Integer.toString(nodeId), value);
                log.info("Registered Kafka broker {} at {} with the cluster", nodeId, address);
                return;
            } catch (IOException | RuntimeException e) {
                if (attempt % 10 == 1) {
                    log.info("Registering Kafka broker {} with the cluster failed ({}); retrying", nodeId, e.toString());
                }
            }
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private Broker self() {
        InetSocketAddress address = advertised.get();
        return new Broker(nodeId, address.getHostString(), address.getPort());
    }

    private static Optional<Broker> parse(String id, byte[] value) {
        String address = new String(value, StandardCharsets.UTF_8);
        int colon = address.lastIndexOf(':');
        try {
            return Optional.of(new Broker(Integer.parseInt(id), address.substring(0, colon),
                    Integer.parseInt(address.substring(colon + 1))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
