package dev.trilog.gateway;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trilog cluster --nodes 3}: a local replicated cluster for demos and tests, each node its
 * own {@code trilog serve} process (so one can be killed on its own) with its data under
 * {@code <data-dir>/node-N} and its ports the base ports plus N − 1. Prints every node's pid and
 * ports, passes their output through, and stops them all when it is stopped.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = {"Starts a local replicated cluster: one trilog serve process per node, on consecutive ports.",
                "Node N keeps its data in DIR/node-N and listens on each base port + N - 1.",
                "Ctrl-C (or SIGTERM) stops every node. See docs/replication.md."})
public final class ClusterCommand implements Callable<Integer> {

    @Option(names = "--nodes", paramLabel = "N", description = "How many nodes (1 to 9). Default: 3.")
    int nodes = 3;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Parent of the nodes' data directories. Default: data.")
    Path dataDir = Path.of("data");

    @Option(names = "--host", paramLabel = "HOST",
            description = "The address every listener binds. Default: 127.0.0.1.")
    String host = "127.0.0.1";

    @Option(names = "--kafka-port", paramLabel = "PORT", description = "Node 1's Kafka port. Default: 9092.")
    int kafkaPort = 9092;

    @Option(names = "--amqp-port", paramLabel = "PORT", description = "Node 1's AMQP port. Default: 5672.")
    int amqpPort = 5672;

    @Option(names = "--sqs-port", paramLabel = "PORT", description = "Node 1's SQS port. Default: 9324.")
    int sqsPort = 9324;

    @Option(names = "--admin-port", paramLabel = "PORT", description = "Node 1's admin port. Default: 8080.")
    int adminPort = 8080;

    @Option(names = "--raft-port", paramLabel = "PORT", description = "Node 1's replication port. Default: 9190.")
    int raftPort = 9190;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any config key, for every node. Repeatable.")
    java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();

    private final PrintStream out;

    public ClusterCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (nodes < 1 || nodes > 9) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--nodes must be 1 to 9, not " + nodes);
        }
        StringJoiner cluster = new StringJoiner(",");
        for (int n = 1; n <= nodes; n++) {
            cluster.add(n + "@" + host + ":" + (raftPort + n - 1));
        }
        List<Process> started = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAll(started), "trilog-cluster-stop"));
        out.printf("%-5s %-8s %-6s %-6s %-6s %-6s %-6s%n", "node", "pid", "kafka", "amqp", "sqs", "admin", "raft");
        for (int n = 1; n <= nodes; n++) {
            Process node = new ProcessBuilder(serveCommand(n, cluster.toString())).inheritIO().start();
            synchronized (started) {
                started.add(node);
            }
            out.printf("%-5d %-8d %-6d %-6d %-6d %-6d %-6d%n", n, node.pid(), kafkaPort + n - 1, amqpPort + n - 1,
                    sqsPort + n - 1, adminPort + n - 1, raftPort + n - 1);
        }
        out.flush();
        int failed = 0;
        for (Process node : started) {
            failed += node.waitFor() == 0 ? 0 : 1;
        }
        return failed == 0 ? 0 : 1;
    }

    /** {@code java … serve} for node {@code n}: the same JVM and class path as this process. */
    private List<String> serveCommand(int n, String cluster) {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), TrilogMain.class.getName(), "serve",
                "--data-dir", dataDir.resolve("node-" + n).toString(), "--host", host,
                "--kafka-port", Integer.toString(kafkaPort + n - 1), "--amqp-port", Integer.toString(amqpPort + n - 1),
                "--sqs-port", Integer.toString(sqsPort + n - 1), "--admin-port", Integer.toString(adminPort + n - 1),
                "--set", "cluster.nodes=" + cluster, "--set", "node.id=" + n));
        settings.forEach((key, value) -> command.addAll(List.of("--set", key + "=" + value)));
        return command;
    }

    /** Asks every node to stop (SIGTERM: each flushes and exits cleanly), then waits for them. */
    private static void stopAll(List<Process> started) {
        List<Process> all;
        synchronized (started) {
            all = List.copyOf(started);
        }
        all.forEach(Process::destroy);
        for (Process node : all) {
            try {
                if (!node.waitFor(30, TimeUnit.SECONDS)) {
                    node.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
