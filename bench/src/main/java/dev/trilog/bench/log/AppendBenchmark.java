package dev.trilog.bench.log;

import dev.trilog.log.AppendResult;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.log.PartitionLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Append throughput of one partition: producer batches of 1 KiB records, validated (CRC32C),
 * given offsets and written to the active segment.
 *
 * <p>One op = one batch appended ({@code recordsPerBatch} = 16 → ≈16 KiB, 64 → ≈64 KiB). The
 * {@code bytes} secondary result counts the batch bytes written, so its "ops/s" is bytes/s:
 * divide by 10^6 for MB/s.
 *
 * <ul>
 *   <li>{@code durability=page-cache}: the default flush policy, the append returns once the
 *       bytes are in the page cache.
 *   <li>{@code durability=fsync}: {@code flush.messages=1}; each append waits for
 *       {@code durable()}, i.e. for the group-commit fsync that covers it. With one thread
 *       every append pays a whole fsync: this is the fsync cost, not group-commit throughput.
 * </ul>
 *
 * <p>Disk use is bounded: each trial gets a fresh directory (deleted at tear-down) and each
 * iteration a fresh topic, deleted after the iteration, so at most one iteration's data is on
 * disk and its dirty pages are dropped rather than written back. Segments are the default 1 GiB:
 * an iteration that writes less than that (short {@code -r}, e.g. 200ms) measures appends into
 * one segment, like {@code dd} writing one 1 GiB file; a longer one also pays for rolls, and a
 * roll fsyncs the old segment in the background, as the engine always does.
 *
 * <p>{@link #baselineWrite} is the control: the same bytes written with {@code FileChannel.write}
 * at the end of a fresh file (and {@code force(false)} after each write when
 * {@code durability=fsync}), in the same JVM, with no engine. append / baselineWrite is the
 * engine's share of the cost, free of JVM and syscall differences to {@code dd}.
 *
 * <p>{@code buffer=direct} is what a Netty frontend hands over (pooled direct buffers);
 * {@code buffer=heap} costs the JDK an extra copy into a temporary direct buffer per write.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class AppendBenchmark {

    private static final String TOPIC = "append-bench-";

    @Param({"16", "64"})
    public int recordsPerBatch;

    @Param({"page-cache", "fsync"})
    public String durability;

    @Param({"direct", "heap"})
    public String buffer;

    private Path dir;
    private LogEngine engine;
    private Map<String, String> overrides;
    private boolean fsync;
    private int iteration;
    private String topic;
    private PartitionLog partition;
    private ByteBuffer batch;
    private Path rawFile;
    private FileChannel raw;
    private long rawPosition;

    /** Bytes appended, as a rate: the secondary result {@code bytes} is bytes/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Written {
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = BenchSupport.freshDir("trilog-append-");
        engine = LogEngine.open(EngineSettings.of(dir));
        overrides = switch (durability) {
            case "page-cache" -> Map.of();
            case "fsync" -> Map.of(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG, "1");
            default -> throw new IllegalArgumentException("durability " + durability);
        };
        fsync = !overrides.isEmpty();
        batch = BenchSupport.batch(recordsPerBatch, "direct".equals(buffer));
    }

    /** Every iteration appends to a new, empty partition (its first segment not yet allocated). */
    @Setup(Level.Iteration)
    public void createTopic() throws Exception {
        topic = TOPIC + iteration++;
        engine.createTopic(topic, 1, overrides);
        partition = engine.partition(new TopicPartition(topic, 0));
        rawFile = dir.resolve("baseline-" + topic + ".log");
        raw = FileChannel.open(rawFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        rawPosition = 0;
    }

    /** Deleting the files drops their dirty pages: no writeback of benchmark data between iterations. */
    @TearDown(Level.Iteration)
    public void deleteTopic() throws Exception {
        engine.deleteTopic(topic);
        partition = null;
        raw.close();
        Files.delete(rawFile);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        try {
            if (engine != null) {
                engine.close();
            }
        } finally {
            BenchSupport.deleteRecursively(dir);
        }
    }

    @Benchmark
    public long append(Written written) throws IOException {
        // append rewrites the base offset in place (not covered by the CRC), so the same bytes
        // can be sent again and again; a duplicate gives each append its own position/limit
        ByteBuffer bytes = batch.duplicate();
        int size = bytes.remaining();
        AppendResult result = engine.appender().append(partition.topicPartition(), bytes).join();
        written.bytes += size;
        return result.lastOffset();
    }

    @Benchmark
    public long baselineWrite(Written written) throws IOException {
        ByteBuffer bytes = batch.duplicate();
        int size = bytes.remaining();
        while (bytes.hasRemaining()) {
            rawPosition += raw.write(bytes, rawPosition);
        }
        if (fsync) {
            raw.force(false);
        }
        written.bytes += size;
        return rawPosition;
    }
}
