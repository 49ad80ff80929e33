package dev.trilog.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.log.cleaner.LogCleaner;
import dev.trilog.log.durability.GroupCommitFlusher;
import dev.trilog.log.record.LogRecord;
import dev.trilog.log.segment.HeldOpens;
import dev.trilog.log.segment.SegmentFiles;
import dev.trilog.testsupport.TestClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
    void anAppendDoesNotWaitWhileTheCleanerOpensItsCopy() throws Exception {
        open(Map.of());
        put("once", "kept"); // segment 0's copy is not empty, so it is opened
        for (int i = 0; i < 30; i++) {
            put("k", "v" + i);
        }
        String segmentZero = SegmentFiles.log(dir, 0).getFileName().toString();
        ExecutorService cleanerThread = Executors.newSingleThreadExecutor();
        ExecutorService appender = Executors.newSingleThreadExecutor();
        try (HeldOpens held = new HeldOpens(file -> file.getFileName().toString().startsWith(segmentZero))) {
            // the cleaner stops where it opens its copy of segment 0 (reads it all, fsyncs it)
            Future<Integer> cleaning = cleanerThread.submit(() -> cleaner.clean(log.cleanable()));
            assertThat(held.awaitHeld(30)).isTrue();

            // hangs (and fails at the bound) when the cleaner holds the partition's write lock there
            appender.submit(() -> {
                put("k", "during");
                return null;
            }).get(30, TimeUnit.SECONDS);

            held.release();
            assertThat(cleaning.get(30, TimeUnit.SECONDS)).isPositive();
        } finally {
            cleanerThread.shutdownNow();
            appender.shutdownNow();
        }
        assertThat(everything().values()).contains("k=during").doesNotContain("k=v0");
    }

    @Test
    void aCrashAfterTheSwapsCommitPointEndsWithTheCopy() throws Exception {
        SwapFiles files = compactSegmentZero();
        // the copy's offset index was moved over the original's; its time index and log were not
        files.original.restore();
        Files.write(SegmentFiles.offsetIndex(dir, 0), files.copy.index);
        Files.write(SegmentFiles.swap(SegmentFiles.timeIndex(dir, 0)), files.copy.timeIndex);
        Files.write(SegmentFiles.swap(SegmentFiles.log(dir, 0)), files.copy.log);

        open(Map.of());

        assertThat(everything()).isEqualTo(files.compacted);
        assertThat(log.readRecords(30, 1 << 20)).extracting(LogRecord::offset).startsWith(30L);
        assertNoSwapFilesLeft();
    }

    @Test
    void aCrashBeforeTheSwapsCommitPointKeepsTheOriginal() throws Exception {
        SwapFiles files = compactSegmentZero();
        // the copy's indexes had their .swap names, its log was still .cleaned
        files.original.restore();
        Files.write(SegmentFiles.swap(SegmentFiles.offsetIndex(dir, 0)), files.copy.index);
        Files.write(SegmentFiles.swap(SegmentFiles.timeIndex(dir, 0)), files.copy.timeIndex);
        Files.write(SegmentFiles.cleaned(SegmentFiles.log(dir, 0)), files.copy.log);

        open(Map.of());

        long segmentOne = log.segmentBaseOffsets().get(1);
        // segment 0 as it was before the compaction (the later segments were compacted too, and kept)
        assertThat(everything()).containsAllEntriesOf(files.before.entrySet().stream()
                .filter(e -> e.getKey() < segmentOne)
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        assertThat(everything()).containsEntry(1L, "k0=v0");
        assertThat(Files.readAllBytes(SegmentFiles.offsetIndex(dir, 0))).isEqualTo(files.original.index);
        assertNoSwapFilesLeft();
    }

    /** The three files of segment 0 as they were at one moment. */
    private final class SegmentZero {
        final byte[] log = Files.readAllBytes(SegmentFiles.log(dir, 0));
        final byte[] index = Files.readAllBytes(SegmentFiles.offsetIndex(dir, 0));
        final byte[] timeIndex = Files.readAllBytes(SegmentFiles.timeIndex(dir, 0));

        SegmentZero() throws IOException {
        }

        void restore() throws IOException {
            Files.write(SegmentFiles.log(dir, 0), log);
            Files.write(SegmentFiles.offsetIndex(dir, 0), index);
            Files.write(SegmentFiles.timeIndex(dir, 0), timeIndex);
        }
    }

    private record SwapFiles(SegmentZero original, SegmentZero copy, Map<Long, String> before,
            Map<Long, String> compacted) {
    }

    /** Segment 0 before and after a compaction, the partition closed. */
    private SwapFiles compactSegmentZero() throws Exception {
        open(Map.of());
        put("once", "kept"); // segment 0's copy is not empty
        for (int i = 0; i < 30; i++) {
            put("k" + (i % 2), "v" + i);
        }
        Map<Long, String> before = everything();
        log.close();
        SegmentZero original = new SegmentZero();
        open(Map.of());
        assertThat(cleaner.clean(log.cleanable())).isPositive();
        Map<Long, String> compacted = everything();
        log.close();
        log = null;
        return new SwapFiles(original, new SegmentZero(), before, compacted);
    }

    private void assertNoSwapFilesLeft() throws IOException {
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.endsWith(SegmentFiles.SWAP) || n.endsWith(SegmentFiles.CLEANED));
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
