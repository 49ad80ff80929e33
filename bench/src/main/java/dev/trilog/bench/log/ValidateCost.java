package dev.trilog.bench.log;

import dev.trilog.log.record.AppendRules;
import dev.trilog.log.record.RecordFormat;
import dev.trilog.testsupport.LyingBatches;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.kafka.common.record.internal.CompressionType;

/**
 * {@link ValidateBenchmark}'s question answered in paired rounds of thread CPU time, for a
 * shared, noisy machine: each round times the CRC alone and the full validation back to back
 * on the same thread, and the summary is the median of each and of the per-round differences.
 * CPU time, unlike wall time, barely moves with other users' load.
 *
 * <p>Run: {@code java -cp "$(bench/run-jmh.sh --classpath)" dev.trilog.bench.log.ValidateCost [rounds]}
 */
public final class ValidateCost {

    private static final AppendRules CLIENT = new AppendRules(16 << 20, false, false, Long.MAX_VALUE, Long.MAX_VALUE,
            true);
    private static final int OPS = 20_000;

    private ValidateCost() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long now = System.currentTimeMillis();
        System.out.println("shape codec crc-ns/batch validate-ns/batch walk-ns/batch walk-ns/record rounds");
        for (String shape : List.of("16x1024", "100x100")) {
            for (CompressionType codec : List.of(CompressionType.NONE, CompressionType.GZIP, CompressionType.LZ4)) {
                String[] parts = shape.split("x");
                int records = Integer.parseInt(parts[0]);
                ByteBuffer batch = LyingBatches.batch(records, Integer.parseInt(parts[1]), now, codec);
                List<Double> crc = new ArrayList<>();
                List<Double> validate = new ArrayList<>();
                List<Double> walk = new ArrayList<>();
                for (int round = -3; round < rounds; round++) { // three warm-up rounds
                    double c = timeCrc(threads, batch);
                    double v = timeValidate(threads, batch, now);
                    if (round >= 0) {
                        crc.add(c);
                        validate.add(v);
                        walk.add(v - c);
                    }
                }
                double walkMedian = median(walk);
                System.out.printf("%s %s %.0f %.0f %.0f %.1f %d%n", shape, codec.name, median(crc), median(validate),
                        walkMedian, walkMedian / records, rounds);
            }
        }
    }

    private static double timeCrc(ThreadMXBean threads, ByteBuffer batch) {
        long start = threads.getCurrentThreadCpuTime();
        int ok = 0;
        for (int i = 0; i < OPS; i++) {
            ok += RecordFormat.isIntact(batch, 0, batch.limit()) ? 1 : 0;
        }
        long spent = threads.getCurrentThreadCpuTime() - start;
        if (ok != OPS) {
            throw new IllegalStateException("the batch must be intact");
        }
        return spent / (double) OPS;
    }

    private static double timeValidate(ThreadMXBean threads, ByteBuffer batch, long now) {
        long start = threads.getCurrentThreadCpuTime();
        long count = 0;
        for (int i = 0; i < OPS; i++) {
            count += RecordFormat.validate(batch.duplicate(), CLIENT, now).recordCount();
        }
        long spent = threads.getCurrentThreadCpuTime() - start;
        if (count == 0) {
            throw new IllegalStateException("no records");
        }
        return spent / (double) OPS;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
