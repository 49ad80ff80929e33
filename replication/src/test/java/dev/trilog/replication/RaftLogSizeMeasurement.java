package dev.trilog.replication;

import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.log.record.RecordData;
import dev.trilog.log.record.RecordFormat;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A measurement, not a test (its name keeps it out of {@code verify}): the size of every node's
 * Raft directory after {@code -Drecords} records of 1 KiB written through three nodes in one JVM,
 * snapshotting every {@code -Dthreshold} entries; then how a node wiped after that fares. Figures
 * in docs/replication.md. Run:
 * {@code ./mvnw -B -o verify -pl replication -am -Dtest=RaftLogSizeMeasurement -Dsurefire.failIfNoSpecifiedTests=false
 * -DargLine="-Drecords=100000 -Dthreshold=20000"} and read the MEASURE lines in
 * {@code replication/target/surefire-reports/*RaftLogSizeMeasurement-output.txt}.
 */
class RaftLogSizeMeasurement {
    @TempDir Path dir;

    @Test
    void measure() throws Exception {
        int records = Integer.getInteger("records", 100_000);
        long threshold = Long.getLong("threshold", SnapshotSettings.DEFAULT_THRESHOLD);
        List<ClusterNodes.Node> list = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            try (ServerSocket s = new ServerSocket(0)) { list.add(new ClusterNodes.Node(i, "127.0.0.1", s.getLocalPort())); }
        }
        ClusterNodes cluster = new ClusterNodes(list);
        LogEngine[] engines = new LogEngine[3];
        ReplicatedNode[] nodes = new ReplicatedNode[3];
        SnapshotSettings snapshots = SnapshotSettings.everyEntries(threshold);
        for (int i = 0; i < 3; i++) {
            engines[i] = LogEngine.open(EngineSettings.of(dir.resolve("node-" + (i + 1)).resolve("data")));
            nodes[i] = ReplicatedNode.start(engines[i], cluster, i + 1, dir.resolve("node-" + (i + 1)).resolve("raft"), snapshots);
        }
        engines[0].createTopic("load", 1, Map.of());
        TopicPartition tp = new TopicPartition("load", 0);
        byte[] value = new byte[1024];
        long started = System.nanoTime();
        List<CompletableFuture<?>> window = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            window.add(nodes[0].appender().append(tp, RecordFormat.build(0, "none", List.of(RecordData.of(System.currentTimeMillis(), null, value)))));
            if (window.size() == 500) {
                CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                window.clear();
            }
        }
        CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        long writeMs = (System.nanoTime() - started) / 1_000_000;
        Thread.sleep(3000);
        for (int i = 0; i < 3; i++) {
            System.out.printf("MEASURE threshold=%d records=%d node=%d raftBytes=%d segmentBytes=%d logStart=%d snapshot=%d writeMs=%d%n",
                    threshold, records, i + 1, size(dir.resolve("node-" + (i + 1)).resolve("raft")),
                    size(dir.resolve("node-" + (i + 1)).resolve("data").resolve("load-0")),
                    nodes[i].raftLogStartIndex(), nodes[i].snapshotIndex(), writeMs);
        }
        // a follower wiped, the whole cluster restarted (see ReplicatedNodeTest): how long until it has every record
        for (int i = 0; i < 3; i++) { nodes[i].close(); engines[i].close(); }
        try (var paths = Files.walk(dir.resolve("node-3"))) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
        for (int i = 0; i < 3; i++) {
            engines[i] = LogEngine.open(EngineSettings.of(dir.resolve("node-" + (i + 1)).resolve("data")));
            nodes[i] = ReplicatedNode.start(engines[i], cluster, i + 1, dir.resolve("node-" + (i + 1)).resolve("raft"), snapshots);
        }
        long wipedStart = System.nanoTime();
        String outcome = "timeout";
        while (System.nanoTime() - wipedStart < TimeUnit.SECONDS.toNanos(120)) {
            var log = engines[2].partition(tp);
            if (log != null && log.logEndOffset() == records) { outcome = "caught up"; break; }
            if (nodes[2].cannotCatchUp().isPresent()) { outcome = "cannot catch up: " + nodes[2].cannotCatchUp().get(); break; }
            Thread.sleep(50);
        }
        System.out.printf("MEASURE wiped follower: %s after %d ms%n", outcome, (System.nanoTime() - wipedStart) / 1_000_000);
        for (int i = 0; i < 3; i++) { nodes[i].close(); engines[i].close(); }
    }

    private static long size(Path root) throws Exception {
        try (var paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
