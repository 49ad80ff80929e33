package dev.trilog.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.log.cleaner.LogCleaner;
import dev.trilog.log.durability.GroupCommitFlusher;
import dev.trilog.log.record.LogRecord;
import dev.trilog.log.segment.SegmentFiles;
import dev.trilog.testsupport.TestClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogCleanerTest {

    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final TestClock clock = TestClock.frozenAt(T0);
    private final GroupCommitFlusher flusher = new GroupCommitFlusher();
    private final LogCleaner cleaner = new LogCleaner();
    private PartitionLog log;

    @AfterEach
    void close() throws Exception {
        if (log != null) {
            log.close();
        }
        flusher.close();
    }

    private void open(Map<String, String> extra) throws IOException {
        Map<String, String> config = new LinkedHashMap<>(Map.of("cleanup.policy", "compact", "segment.bytes", "1024",
                "delete.retention.ms", "60000"));
        config.putAll(extra);
        log = PartitionLog.open(new TopicPartition("c", 0), dir, LogConfig.defaults().withOverrides(config), clock,
                Runnable::run, flusher, true);
    }

    private void put(String key, String value) throws IOException {
        log.append(Batches.keyed(clock.millis(), key, value), true);
    }

    private Map<Long, String> everything() throws Exception {
        Map<Long, String> all = new LinkedHashMap<>();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            List<LogRecord> records = log.readRecords(offset, 1 << 20);
            if (records.isEmpty()) {
                break;
            }
            for (LogRecord r : records) {
                all.put(r.offset(), Batches.text(r.key()) + "=" + Batches.text(r.value()));
            }
            offset = records.get(records.size() - 1).offset() + 1;
        }
        return all;
    }

    @Test
    void keepsTheLatestRecordPerKeyAtItsOriginalOffset() throws Exception {
        open(Map.of());
        for (int round = 0; round < 20; round++) {
            for (String key : List.of("a", "b", "c")) {
                put(key, key + round);
            }
        }
        long activeBase = log.segmentBaseOffsets().get(log.segmentCount() - 1);
        Map<Long, String> before = everything();

        int removed = cleaner.clean(log.cleanable());

        assertThat(removed).isPositive();
        Map<Long, String> after = everything();
        // every surviving record is exactly what was at that offset before
        after.forEach((offset, kv) -> assertThat(before.get(offset)).isEqualTo(kv));
        // below the active segment, each key appears once, with its newest value there
        Map<String, Long> sealedKeys = new LinkedHashMap<>();
        after.forEach((offset, kv) -> {
            if (offset < activeBase) {
                assertThat(sealedKeys.put(kv.split("=")[0], offset)).as("key seen twice: " + kv).isNull();
            }
        });
        // the active segment is untouched
        before.forEach((offset, kv) -> {
            if (offset >= activeBase) {
                assertThat(after).containsEntry(offset, kv);
            }
        });
        assertThat(log.logEndOffset()).isEqualTo(60);
    }

    @Test
    void dropsTombstonesOnlyAfterDeleteRetention() throws Exception {
        open(Map.of());
        put("gone", "1");
        put("gone", null);
        for (int i = 0; i < 30; i++) {
            put("filler" + (i % 3), "x" + i);
        }

        cleaner.clean(log.cleanable());
        assertThat(everything().values()).contains("gone=null").doesNotContain("gone=1");

        clock.advance(61_000);
        put("filler0", "late"); // roll nothing new needed: tombstones expire with time alone
        cleaner.clean(log.cleanable());

        assertThat(everything().values()).noneMatch(v -> v.startsWith("gone="));
    }

    @Test
    void respectsMinCompactionLag() throws Exception {
        open(Map.of("min.compaction.lag.ms", "10000"));
        for (int i = 0; i < 30; i++) {
            put("k", "v" + i);
        }

        assertThat(cleaner.clean(log.cleanable())).isZero();

        clock.advance(11_000);
        put("k", "after");
        assertThat(cleaner.clean(log.cleanable())).isPositive();
    }

    @Test
    void aDeletePolicyTopicIsNeverCompacted() throws Exception {
        open(Map.of("cleanup.policy", "delete"));
        for (int i = 0; i < 30; i++) {
            put("k", "v" + i);
        }

        assertThat(cleaner.clean(log.cleanable())).isZero();
        assertThat(everything()).hasSize(30);
    }

    @Test
    void survivesACrashInTheMiddleOfASwap() throws Exception {
        open(Map.of());
        for (int i = 0; i < 30; i++) {
            put("k" + (i % 2), "v" + i);
        }
        Map<Long, String> before = everything();
        log.close();
        long base = 0;
        Path logFile = SegmentFiles.log(dir, base);
        // a half-written cleaned copy must be ignored, the original kept
        Files.write(logFile.resolveSibling(logFile.getFileName() + SegmentFiles.CLEANED), new byte[] {1, 2, 3});
        log = null;

        open(Map.of());

        assertThat(everything()).isEqualTo(before);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(SegmentFiles.CLEANED));
        }
    }

    @Test
    void readersOfACompactedSegmentFinishOnTheOldFile() throws Exception {
        open(Map.of());
        for (int i = 0; i < 30; i++) {
            put("k", "v" + i);
        }
        try (LogSlice slice = log.read(0, 1 << 20, true)) {
            cleaner.clean(log.cleanable());
            assertThat(slice.channel().isOpen()).isTrue();
            assertThat(slice.readBytes().remaining()).isEqualTo(slice.length());
        }
    }

    private void putInTransaction(long producerId, int sequence, String key, String value) throws IOException {
        log.append(dev.trilog.log.record.RecordFormat.buildTransactional(producerId, (short) 0, sequence,
                List.of(dev.trilog.log.record.RecordData.of(clock.millis(), Batches.bytes(key), Batches.bytes(value)))), true);
    }

    @Test
    void anAbortedValueNeverReplacesTheCommittedOneAndIsRemoved() throws Exception {
        open(Map.of());
        put("k", "committed");
        putInTransaction(5, 0, "k", "aborted");
        log.appendTransactionMarker(5, (short) 0, dev.trilog.log.record.TxnMarker.ABORT, 0);
        for (int i = 0; i < 30; i++) {
            put("filler" + (i % 3), "x" + i);
        }

        cleaner.clean(log.cleanable());

        assertThat(everything().values()).contains("k=committed").doesNotContain("k=aborted");
    }

    @Test
    void nothingAtOrAboveTheLastStableOffsetIsCleaned() throws Exception {
        open(Map.of());
        putInTransaction(6, 0, "open", "1");
        for (int i = 0; i < 30; i++) {
            put("filler" + (i % 3), "x" + i);
        }
        Map<Long, String> before = everything();

        assertThat(cleaner.clean(log.cleanable())).isZero();
        assertThat(everything()).isEqualTo(before);

        log.appendTransactionMarker(6, (short) 0, dev.trilog.log.record.TxnMarker.COMMIT, 0);
        put("filler0", "roll");
        assertThat(cleaner.clean(log.cleanable())).isPositive();
        assertThat(everything().values()).contains("open=1");
    }
}
