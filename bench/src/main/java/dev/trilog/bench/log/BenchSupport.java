package dev.trilog.bench.log;

import dev.trilog.log.record.RecordData;
import dev.trilog.log.record.RecordFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/** What the log-engine benchmarks share: producer-style batches and throwaway data directories. */
final class BenchSupport {

    /** Value bytes of one record: the "1 KiB record" of every benchmark here. */
    static final int RECORD_BYTES = 1024;

    private BenchSupport() {
    }

    /**
     * One uncompressed v2 batch of {@code records} records with a 1 KiB random (incompressible)
     * value and no key, timestamped now, as a producer would send it.
     */
    static ByteBuffer batch(int records, boolean direct) {
        SplittableRandom random = new SplittableRandom(42);
        long now = System.currentTimeMillis();
        List<RecordData> data = new ArrayList<>(records);
        for (int i = 0; i < records; i++) {
            byte[] value = new byte[RECORD_BYTES];
            random.nextBytes(value);
            data.add(RecordData.of(now, null, value));
        }
        ByteBuffer built = RecordFormat.build(0, "none", data);
        ByteBuffer copy = direct ? ByteBuffer.allocateDirect(built.remaining()) : ByteBuffer.allocate(built.remaining());
        copy.put(built.duplicate()).flip();
        return copy;
    }

    /** A fresh directory under {@code trilog.bench.dir} (default: java.io.tmpdir). */
    static Path freshDir(String prefix) throws IOException {
        String base = System.getProperty("trilog.bench.dir", System.getProperty("java.io.tmpdir"));
        Path parent = Path.of(base);
        Files.createDirectories(parent);
        return Files.createTempDirectory(parent, prefix);
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
