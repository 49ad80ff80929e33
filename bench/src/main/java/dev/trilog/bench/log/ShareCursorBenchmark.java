package dev.trilog.bench.log;

import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.log.PartitionLog;
import dev.trilog.log.share.ArchiveListener;
import dev.trilog.log.share.Delivery;
import dev.trilog.log.share.DeliveryPolicy;
import dev.trilog.log.share.Outcome;
import dev.trilog.log.share.ShareCursor;
import dev.trilog.log.share.ShareGroupSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Share-cursor cycles on one partition of 1 KiB records: acquire a batch, acknowledge every
 * record of it, with the cursor's state persisted by its group-commit journal (the acquire waits
 * for its write). {@code acks=batch}: the batch is acknowledged in one call, as AMQP disposition
 * ranges, 0-9-1 multiple acks and SQS DeleteMessageBatch do; {@code acks=single}: one call per
 * record, each asking for a write that group commit merges. One op = one record acquired and
 * acknowledged, so ops/s is records/s.
 *
 * <p>When a cursor reaches the end of the pre-filled partition the benchmark moves to a fresh
 * share group, which starts again at offset 0: the records are read from the page cache.
 * Each iteration also prints the JVM's CPU time per op ({@link CpuMeter}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class ShareCursorBenchmark {

    private static final int RECORDS = 200_000;
    private static final TopicPartition TP = new TopicPartition("share-bench", 0);

    @Param({"100"})
    public int batch;

    @Param({"batch", "single"})
    public String acks;

    private Path dir;
    private LogEngine engine;
    private ShareCursor cursor;
    private int groups;
    private final CpuMeter cpu = new CpuMeter();

    @Setup(Level.Iteration)
    public void startMeter() {
        cpu.start();
    }

    @TearDown(Level.Iteration)
    public void reportMeter() {
        cpu.report("acks=" + acks);
    }

    @Setup(Level.Trial)
    public void fill() throws Exception {
        dir = BenchSupport.freshDir("trilog-share-bench");
        engine = LogEngine.open(EngineSettings.of(dir));
        engine.createTopic(TP.topic(), 1, Map.of());
        PartitionLog log = engine.partition(TP);
        for (int i = 0; i < RECORDS / 16; i++) {
            engine.appender().append(TP, BenchSupport.batch(16, false)).join();
        }
        nextGroup();
    }

    private void nextGroup() throws Exception {
        cursor = engine.shareCursor(TP, "group-" + groups++, new ShareGroupSettings(10,
                ShareGroupSettings.LimitCounts.ACQUISITIONS, ShareGroupSettings.DEFAULT_MAX_IN_FLIGHT),
                DeliveryPolicy.NONE, ArchiveListener.NONE);
    }

    @TearDown(Level.Trial)
    public void clean() throws Exception {
        engine.close();
        BenchSupport.deleteRecursively(dir);
    }

    @Benchmark
    @OperationsPerInvocation(100)
    public Outcome acquireAndAcknowledge() throws Exception {
        List<Delivery> got = cursor.acquire("bench", batch, Integer.MAX_VALUE, 30_000);
        if (got.size() < batch) {
            nextGroup();
            got = cursor.acquire("bench", batch, Integer.MAX_VALUE, 30_000);
        }
        cpu.count(got.size());
        if (acks.equals("batch")) {
            return cursor.acknowledgeAll(got).join().get(got.size() - 1);
        }
        CompletableFuture<Outcome> last = null;
        for (Delivery delivery : got) {
            last = cursor.acknowledge(delivery.offset(), delivery.acquisitions());
        }
        return last.join();
    }
}
