package dev.trilog.bench.log;

import dev.trilog.log.record.AppendRules;
import dev.trilog.log.record.RecordFormat;
import dev.trilog.testsupport.LyingBatches;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.record.internal.CompressionType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What validating a produced batch costs, per batch, on the CPU of the produce path.
 *
 * <p>{@link #crcOnly} is what the produce path paid before every record was walked: the batch's
 * CRC32C over its bytes. {@link #validate} is today's {@code RecordFormat.validate}: the CRC plus
 * the walk of every record (and, for gzip, its decompression). validate − crcOnly is the price
 * of refusing lying batches. Producer-style batches: {@code records} records of
 * {@code valueBytes} each, the way the Kafka bench sends them (1 KiB values, 16 per batch) and
 * a small-message case where the per-record cost shows most.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Benchmark)
public class ValidateBenchmark {

    private static final AppendRules CLIENT = new AppendRules(16 << 20, false, false, Long.MAX_VALUE, Long.MAX_VALUE,
            true);

    @Param({"16x1024", "100x100"})
    public String shape;

    @Param({"none", "gzip"})
    public String codec;

    private ByteBuffer batch;
    private long now;

    @Setup
    public void build() {
        String[] parts = shape.split("x");
        now = System.currentTimeMillis();
        batch = LyingBatches.batch(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), now,
                CompressionType.forName(codec));
    }

    @Benchmark
    public boolean crcOnly() {
        return RecordFormat.isIntact(batch, 0, batch.limit());
    }

    @Benchmark
    public int validate() {
        return RecordFormat.validate(batch.duplicate(), CLIENT, now).recordCount();
    }
}
