package dev.trilog.replication;

import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.log.DurableFiles;
import dev.trilog.log.record.RecordData;
import dev.trilog.log.record.RecordFormat;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A measurement, not a test (its name keeps it out of {@code verify}): three nodes in one JVM,
 * {@code -Dmb} MB written (batches of 100 records of 1 KiB), a snapshot every
 * {@code -Dthreshold} entries; then a writer keeps {@code 200} single-record writes in flight
 * through the leader while a follower is stopped, wiped and started again: how long the wiped
 * node takes to start fetching the leader's snapshot, to install it and to catch up, and the
 * writer's rate (acknowledged writes per second, median over one-second intervals) before the
 * wipe and while the node installs. Run:
 * {@code ./mvnw -B -o verify -pl replication -am -Dtest=SnapshotInstallMeasurement -Dsurefire.failIfNoSpecifiedTests=false
 * -DargLine="-Dmb=200 -Dthreshold=1000"} and read the MEASURE lines in
 * {@code replication/target/surefire-reports/*SnapshotInstallMeasurement-output.txt}.
 */
class SnapshotInstallMeasurement {
    @TempDir Path dir;
    final LogEngine[] engines = new LogEngine[3];
    final ReplicatedNode[] nodes = new ReplicatedNode[3];
    ClusterNodes cluster;
    SnapshotSettings snapshots;
    final TopicPartition tp = new TopicPartition("load", 0);

    @Test
    void measure() throws Exception {
        int mb = Integer.getInteger("mb", 200);
        snapshots = SnapshotSettings.everyEntries(Long.getLong("threshold", 1000));
        List<ClusterNodes.Node> list = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            try (ServerSocket s = new ServerSocket(0)) { list.add(new ClusterNodes.Node(i, "127.0.0.1", s.getLocalPort())); }
        }
        cluster = new ClusterNodes(list);
        for (int i = 0; i < 3; i++) {
            start(i);
        }
        engines[0].createTopic("load", 1, Map.of());
        int leader = leader();
        byte[] kib = new byte[1024];
        List<RecordData> hundred = Collections.nCopies(100, RecordData.of(System.currentTimeMillis(), null, kib));
        List<CompletableFuture<?>> window = new ArrayList<>();
        long filled = System.nanoTime();
        for (int b = 0; b < mb * 10; b++) {
            window.add(nodes[leader].appender().append(tp, RecordFormat.build(0, "none", hundred)));
            if (window.size() == 50) {
                CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
                window.clear();
            }
        }
        CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        System.out.printf("MEASURE filled %d MB in %d ms%n", mb, (System.nanoTime() - filled) / 1_000_000);
        int wiped = (leader + 1) % 3;
        while (nodes[wiped].raftLogStartIndex() <= 0 || nodes[leader].raftLogStartIndex() <= 0) {
            // Ratis purges once a snapshot is a purge gap past the log's start: write on until it has
            nodes[leader].appender().append(tp, RecordFormat.build(0, "none", hundred)).get(120, TimeUnit.SECONDS);
        }

        AtomicLong acknowledged = new AtomicLong();
        AtomicBoolean writing = new AtomicBoolean(true);
        Semaphore inFlight = new Semaphore(200);
        Thread writer = new Thread(() -> {
            while (writing.get()) {
                try {
                    inFlight.acquire();
                } catch (InterruptedException e) {
                    return;
                }
                nodes[leader].appender().append(tp, RecordFormat.build(0, "none",
                        List.of(RecordData.of(System.currentTimeMillis(), null, kib)))).whenComplete((r, e) -> {
                            if (e == null) {
                                acknowledged.incrementAndGet();
                            }
                            inFlight.release();
                        });
            }
        });
        writer.start();
        List<Long> before = perSecond(acknowledged, 20);

        long wipedBytes = size(dir.resolve("node-" + (wiped + 1)).resolve("data"));
        nodes[wiped].close();
        engines[wiped].close();
        DurableFiles.deleteTree(dir.resolve("node-" + (wiped + 1)));
        long started = System.nanoTime();
        start(wiped);
        List<Long> during = new ArrayList<>();
        long fetching = -1;
        long installed = -1;
        long caughtUp = -1;
        long last = acknowledged.get();
        long tick = System.nanoTime();
        while (caughtUp < 0 && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(600)) {
            Thread.sleep(20);
            long ms = (System.nanoTime() - started) / 1_000_000;
            if (fetching < 0 && nodes[wiped].installingSnapshot().isPresent()) {
                fetching = ms;
            }
            if (installed < 0 && nodes[wiped].snapshotIndex() > 0) {
                installed = ms;
            }
            var log = engines[wiped].partition(tp);
            if (installed >= 0 && log != null
                    && log.logEndOffset() >= engines[leader].partition(tp).logEndOffset() - 200) {
                caughtUp = ms;
            }
            if (System.nanoTime() - tick >= TimeUnit.SECONDS.toNanos(1)) {
                long now = acknowledged.get();
                during.add(now - last);
                last = now;
                tick = System.nanoTime();
            }
        }
        writing.set(false);
        writer.join();
        System.out.printf("MEASURE data dir %d MB: fetch started %d ms, installed %d ms, caught up %d ms after the"
                + " wiped node started%n", wipedBytes >> 20, fetching, installed, caughtUp);
        System.out.printf("MEASURE writes/s through the leader: before median %d %s, while installing median %d %s,"
                + " ratio %.2f%n", median(before), before, median(during), during,
                (double) median(during) / median(before));
        for (int i = 0; i < 3; i++) {
            nodes[i].close();
            engines[i].close();
        }
    }

    private void start(int i) throws Exception {
        engines[i] = LogEngine.open(EngineSettings.of(dir.resolve("node-" + (i + 1)).resolve("data")));
        nodes[i] = ReplicatedNode.start(engines[i], cluster, i + 1, dir.resolve("node-" + (i + 1)).resolve("raft"),
                snapshots);
    }

    private int leader() throws InterruptedException {
        while (true) {
            for (int i = 0; i < 3; i++) {
                if (nodes[i].isLeader()) {
                    return i;
                }
            }
            Thread.sleep(50);
        }
    }

    private static List<Long> perSecond(AtomicLong counter, int seconds) throws InterruptedException {
        List<Long> rates = new ArrayList<>();
        long last = counter.get();
        for (int s = 0; s < seconds; s++) {
            Thread.sleep(1000);
            long now = counter.get();
            rates.add(now - last);
            last = now;
        }
        return rates;
    }

    private static long median(List<Long> values) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static long size(Path root) throws Exception {
        try (var paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
