package dev.trilog.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.replication.ReplicatedNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Three in-process gateways joined by {@code cluster.nodes} (docs/replication.md), each with its
 * own data directory {@code node-N} and ephemeral client ports; a stopped node's slot is null.
 */
public final class TrilogCluster implements AutoCloseable {

    private final TrilogHarness[] nodes = new TrilogHarness[3];
    private final Path dir;
    private final String spec;

    /** Further settings every node gets (key, value, …). */
    private final String[] settings;

    private TrilogCluster(Path dir, String spec, String[] settings) {
        this.dir = dir;
        this.spec = spec;
        this.settings = settings;
    }

    /** Starts the three together, as {@code trilog cluster} does: a node's start-up writes wait for a quorum. */
    public static TrilogCluster start(Path dir) throws Exception {
        return start(dir, new String[0]);
    }

    /** As {@link #start(Path)}, every node also given {@code settings} (key, value, …). */
    public static TrilogCluster start(Path dir, String... settings) throws Exception {
        int[] ports = freePorts(3);
        TrilogCluster cluster = new TrilogCluster(dir,
                "1@127.0.0.1:" + ports[0] + ",2@127.0.0.1:" + ports[1] + ",3@127.0.0.1:" + ports[2], settings);
        List<CompletableFuture<Void>> starting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            starting.add(CompletableFuture.runAsync(() -> cluster.startNode(n)));
        }
        try {
            CompletableFuture.allOf(starting.toArray(new CompletableFuture[0])).get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** Starts node {@code index} (again) over its data directory, which may be empty. */
    public void startNode(int index) {
        List<String> all = new ArrayList<>(List.of("cluster.nodes", spec, "node.id", Integer.toString(index + 1)));
        all.addAll(List.of(settings));
        nodes[index] = TrilogHarness.start(dataDir(index), all.toArray(String[]::new));
    }

    /** Node {@code index}'s data directory. */
    public Path dataDir(int index) {
        return dir.resolve("node-" + (index + 1));
    }

    /**
     * {@code n} distinct free ports: each socket stays open until all are chosen, as the system may
     * hand a port just closed out again (two nodes given one replication port, seen in CI).
     */
    private static int[] freePorts(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }

    /** The nodes by index (node id − 1); the array itself, so a test may stop one and null its slot. */
    public TrilogHarness[] nodes() {
        return nodes;
    }

    public TrilogHarness node(int index) {
        return nodes[index];
    }

    /** The index of the node leading the Raft group, waiting up to 30 s for one. */
    public int leaderIndex() throws InterruptedException {
        int[] leader = {-1};
        await("a Raft leader among the nodes", () -> {
            for (int i = 0; i < nodes.length; i++) {
                if (nodes[i] != null && nodes[i].gateway().replication().map(ReplicatedNode::isLeader).orElse(false)) {
                    leader[0] = i;
                    return true;
                }
            }
            return false;
        });
        return leader[0];
    }

    /** The index of the leader once it also serves the queues (it took them over), waiting up to 30 s. */
    public int queueLeaderIndex() throws InterruptedException {
        int[] leader = {-1};
        await("the leader to serve the queues", () -> {
            for (int i = 0; i < nodes.length; i++) {
                if (nodes[i] != null && nodes[i].gateway().replication().map(ReplicatedNode::isLeader).orElse(false)
                        && nodes[i].gateway().queueLayer().queues().serving()) {
                    leader[0] = i;
                    return true;
                }
            }
            return false;
        });
        return leader[0];
    }

    /** Stops node {@code index} (a clean stop) and empties its slot. */
    public void stop(int index) {
        nodes[index].close();
        nodes[index] = null;
    }

    public static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        for (TrilogHarness node : nodes) {
            if (node != null) {
                node.close();
            }
        }
    }
}
