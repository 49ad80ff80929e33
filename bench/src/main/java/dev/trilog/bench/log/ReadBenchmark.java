package dev.trilog.bench.log;

import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.log.LogSlice;
import dev.trilog.log.OffsetOutOfRangeException;
import dev.trilog.log.PartitionLog;
import dev.trilog.log.record.LogRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
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
 * Reads from a partition prefilled with {@code prefillMiB} of 1 KiB records in 16 KiB batches
 * (fresh directory per trial, deleted at tear-down; the data is in the page cache, so these are
 * CPU costs, not disk reads). Every op starts at a random offset and asks for {@code maxBytes}.
 *
 * <ul>
 *   <li>{@link #locate}: {@code read(offset, maxBytes, true)} and close — what a zero-copy fetch
 *       pays before handing the region to {@code sendfile}: segment lookup, offset-index lookup,
 *       batch-header scan, segment reference.
 *   <li>{@link #copyTransferTo}: the region pushed through {@code FileChannel.transferTo} into a
 *       plain {@link WritableByteChannel} that drops the bytes — the JDK cannot use sendfile for
 *       such a target and copies through a small direct buffer (the TLS / non-epoll path).
 *   <li>{@link #copyReadBytes}: {@code LogSlice.readBytes()}, the region copied into a new heap
 *       buffer (the path for decoding).
 *   <li>{@link #decode}: {@code readRecords(offset, maxBytes)}, the region read and decoded into
 *       {@link LogRecord}s.
 * </ul>
 *
 * <p>Secondary results: {@code bytes} (bytes/s; divide by 10^6 for MB/s) — region bytes for
 * the copy paths, record value bytes for decode — and {@code records} (records/s, decode only).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class ReadBenchmark {

    private static final String TOPIC = "read-bench";
    private static final int RECORDS_PER_BATCH = 16;

    /** Data written before the trial; at most 128 MiB to be kind to the disk. */
    @Param({"128"})
    public int prefillMiB;

    @Param({"1048576"})
    public int maxBytes;

    private Path dir;
    private LogEngine engine;
    private PartitionLog partition;
    private long logEndOffset;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long bytes;
        public long records;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
            records = 0;
        }
    }

    /** Per-thread random start offsets. */
    @State(Scope.Thread)
    public static class Offsets {
        private final SplittableRandom random = new SplittableRandom(7);

        long next(long bound) {
            return random.nextLong(bound);
        }
    }

    /** Swallows whatever is written to it, as a socket that is never slow would. */
    static final class NullChannel implements WritableByteChannel {
        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            src.position(src.limit());
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private final NullChannel sink = new NullChannel();

    @Setup(Level.Trial)
    public void prefill() throws Exception {
        dir = BenchSupport.freshDir("trilog-read-");
        engine = LogEngine.open(EngineSettings.of(dir));
        engine.createTopic(TOPIC, 1, Map.of());
        partition = engine.partition(new TopicPartition(TOPIC, 0));
        ByteBuffer batch = BenchSupport.batch(RECORDS_PER_BATCH, true);
        long target = (long) prefillMiB << 20;
        while (partition.sizeInBytes() < target) {
            engine.appender().append(partition.topicPartition(), batch.duplicate()).join();
        }
        logEndOffset = partition.logEndOffset();
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
    public int locate(Offsets offsets) throws IOException, OffsetOutOfRangeException {
        try (LogSlice slice = partition.read(offsets.next(logEndOffset), maxBytes, true)) {
            return slice.position() + slice.length();
        }
    }

    @Benchmark
    public long copyTransferTo(Offsets offsets, Counters counters) throws IOException, OffsetOutOfRangeException {
        try (LogSlice slice = partition.read(offsets.next(logEndOffset), maxBytes, true)) {
            long position = slice.position();
            long remaining = slice.length();
            while (remaining > 0) {
                long n = slice.channel().transferTo(position, remaining, sink);
                position += n;
                remaining -= n;
            }
            counters.bytes += slice.length();
            return position;
        }
    }

    @Benchmark
    public ByteBuffer copyReadBytes(Offsets offsets, Counters counters) throws IOException, OffsetOutOfRangeException {
        try (LogSlice slice = partition.read(offsets.next(logEndOffset), maxBytes, true)) {
            ByteBuffer bytes = slice.readBytes();
            counters.bytes += bytes.remaining();
            return bytes;
        }
    }

    @Benchmark
    public List<LogRecord> decode(Offsets offsets, Counters counters) throws IOException, OffsetOutOfRangeException {
        List<LogRecord> records = partition.readRecords(offsets.next(logEndOffset), maxBytes);
        counters.records += records.size();
        for (LogRecord record : records) {
            counters.bytes += record.value().remaining();
        }
        return records;
    }
}
