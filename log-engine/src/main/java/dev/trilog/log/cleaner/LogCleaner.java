package dev.trilog.log.cleaner;

import dev.trilog.log.LogConfig;
import dev.trilog.log.record.LogRecord;
import dev.trilog.log.record.RecordFormat;
import dev.trilog.log.segment.AbortedTransaction;
import dev.trilog.log.segment.Segment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log compaction for {@code cleanup.policy=compact} (and {@code compact,delete}): keeps the
 * latest record of each key, drops tombstones once they are older than
 * {@code delete.retention.ms}, and leaves offsets as they were, so compaction only opens gaps.
 *
 * <p>What a pass considers: the sealed segments whose newest record is older than
 * {@code min.compaction.lag.ms} and that lie wholly below the last stable offset, oldest first,
 * stopping at the first that is not; never the active segment. A segment is rewritten only when
 * something in it can go.
 *
 * <p>Transactions, as in Kafka: records of aborted transactions never count as a key's latest
 * value and are removed; an open transaction's records are not looked at (they are above the
 * last stable offset); transaction markers are kept.
 *
 * <p>Crash safety of a rewrite: see {@link SegmentSwap}. Readers of the original keep their open
 * file until they release it. What the cleaner may see and change of a partition is its
 * {@link CleanableLog}.
 */
public final class LogCleaner {

    private static final Logger log = LoggerFactory.getLogger(LogCleaner.class);
    /**
     * How much of a segment the cleaner holds in memory at once. Below G1's humongous threshold
     * (half a region: 512 KiB at the smallest region size): each 8 MiB chunk it read before was a
     * humongous allocation, and a share-state compaction set off dozens of young collections and
     * remarks (bench/sqs/RESULTS.md, 2026-12-07).
     */
    private static final int CHUNK_BYTES = 256 * 1024;

    /** Per partition: what the last pass saw, so an unchanged log is not read again. */
    private final Map<CleanableLog, Long> lastCleanedEnd = new ConcurrentHashMap<>();

    /** Cleans one partition if it is compacted and has something new to clean; returns records removed. */
    public int clean(CleanableLog partition) throws IOException {
        LogConfig config = partition.config();
        if (!config.compact()) {
            return 0;
        }
        long now = partition.now();
        List<Segment> eligible = eligibleSegments(partition, config, now);
        if (eligible.isEmpty()) {
            return 0;
        }
        long end = eligible.get(eligible.size() - 1).nextOffset();
        Long previous = lastCleanedEnd.get(partition);
        if (previous != null && previous == end) {
            return 0;
        }
        RecordFormat.AbortedBatches aborted = abortedBatches(partition);
        Map<ByteBuffer, Long> latest = new HashMap<>();
        boolean[] superseded = latestOffsetPerKey(eligible, aborted, latest);
        long tombstoneHorizon = now - config.deleteRetentionMs();
        int removed = 0;
        boolean tombstonesLeft = false;
        for (int i = 0; i < eligible.size(); i++) {
            Segment segment = eligible.get(i);
            if (!segment.tryRetain()) {
                continue;
            }
            try {
                SegmentRewrite rewrite = rewrite(partition, segment, superseded[i], aborted, record -> {
                    Long newest = record.key() == null ? null : latest.get(record.key());
                    if (newest != null && newest > record.offset()) {
                        return false;
                    }
                    return !record.tombstone() || record.timestamp() >= tombstoneHorizon;
                }, now);
                tombstonesLeft |= rewrite.keptTombstone();
                removed += rewrite.removed();
            } finally {
                segment.release();
            }
        }
        if (tombstonesLeft) {
            lastCleanedEnd.remove(partition); // look again: those tombstones expire with time
        } else {
            lastCleanedEnd.put(partition, end);
        }
        if (removed > 0) {
            log.info("Compacted {}: removed {} records from {} segments", partition.topicPartition(), removed,
                    eligible.size());
        }
        return removed;
    }

    /** Drops what the cleaner remembers of a deleted partition. */
    public void forget(CleanableLog partition) {
        lastCleanedEnd.remove(partition);
    }

    private static List<Segment> eligibleSegments(CleanableLog partition, LogConfig config, long now)
            throws IOException {
        List<Segment> sealed = partition.sealedSegments();
        long lastStable = partition.lastStableOffset();
        int count = 0;
        for (Segment segment : sealed) {
            if (now - segment.largestTimestamp() < config.minCompactionLagMs() || segment.nextOffset() > lastStable) {
                break;
            }
            count++;
        }
        return sealed.subList(0, count);
    }

    /** The partition's aborted transactions, as a test of a batch's producer id and base offset. */
    private static RecordFormat.AbortedBatches abortedBatches(CleanableLog partition) {
        return AbortedTransaction.batchTest(partition.abortedTransactions());
    }

    /**
     * Fills {@code latest} with the newest committed offset of each key in {@code segments}; returns,
     * per segment, whether it holds a record a newer one of its key supersedes (then it certainly
     * loses something, and the rewrite needs no read-only pass first).
     */
    private static boolean[] latestOffsetPerKey(List<Segment> segments, RecordFormat.AbortedBatches aborted,
            Map<ByteBuffer, Long> latest) throws IOException {
        boolean[] superseded = new boolean[segments.size()];
        for (Segment segment : segments) {
            if (!segment.tryRetain()) {
                continue;
            }
            try {
                segment.forEachChunk(CHUNK_BYTES, chunk -> {
                    for (LogRecord record : RecordFormat.decode(chunk, 0, aborted)) {
                        if (record.key() != null) {
                            Long older = latest.put(record.key(), record.offset());
                            if (older != null) {
                                superseded[segmentHolding(segments, older)] = true;
                            }
                        }
                    }
                });
            } finally {
                segment.release();
            }
        }
        return superseded;
    }

    /** The index of the segment of {@code segments} (ascending, contiguous) that holds {@code offset}. */
    private static int segmentHolding(List<Segment> segments, long offset) {
        int low = 0;
        int high = segments.size() - 1;
        while (low < high) {
            int mid = (low + high + 1) >>> 1;
            if (segments.get(mid).baseOffset() <= offset) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }

    /** What rewriting one segment did. */
    private record SegmentRewrite(int removed, boolean keptTombstone) {
    }

    /** What rewriting {@code original} would remove (aborted records and what {@code keep} refuses), without writing. */
    private static SegmentRewrite countRemovable(Segment original, RecordFormat.AbortedBatches aborted,
            java.util.function.Predicate<LogRecord> keep) throws IOException {
        int[] removable = new int[1];
        boolean[] keptTombstone = new boolean[1];
        original.forEachChunk(CHUNK_BYTES, chunk -> {
            List<LogRecord> all = RecordFormat.decode(chunk, 0);
            List<LogRecord> committed = aborted == RecordFormat.AbortedBatches.NONE ? all
                    : RecordFormat.decode(chunk, 0, aborted);
            removable[0] += all.size() - committed.size();
            for (LogRecord record : committed) {
                if (keep.test(record)) {
                    keptTombstone[0] |= record.tombstone();
                } else {
                    removable[0]++;
                }
            }
        });
        return new SegmentRewrite(removable[0], keptTombstone[0]);
    }

    /**
     * Writes the records of {@code original} that {@code keep} accepts to a cleaned copy, chunk
     * by chunk, and swaps it in when anything was removed ({@code superseded}: something will be).
     */
    private static SegmentRewrite rewrite(CleanableLog partition, Segment original, boolean superseded,
            RecordFormat.AbortedBatches aborted, java.util.function.Predicate<LogRecord> keep, long now)
            throws IOException {
        if (!superseded) {
            // A read-only pass first: most segments of a settled log lose nothing and are not rewritten.
            SegmentRewrite dryRun = countRemovable(original, aborted, keep);
            if (dryRun.removed() == 0) {
                return dryRun;
            }
        }
        Path dir = partition.dir();
        long base = original.baseOffset();
        Path cleaned = SegmentSwap.cleanedFile(dir, base);
        boolean[] keptTombstone = new boolean[1];
        java.util.function.Predicate<LogRecord> keepNoting = record -> {
            boolean kept = keep.test(record);
            keptTombstone[0] |= kept && record.tombstone();
            return kept;
        };
        int[] read = new int[1];
        int[] kept = new int[1];
        long[] keptBytes = new long[1];
        try (FileChannel channel = FileChannel.open(cleaned, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            original.forEachChunk(CHUNK_BYTES, chunk -> {
                RecordFormat.Retained retained = RecordFormat.retainRecords(chunk, keepNoting, aborted, now);
                read[0] += retained.recordsRead();
                kept[0] += retained.recordsKept();
                ByteBuffer out = retained.batches();
                keptBytes[0] += out.remaining();
                while (out.hasRemaining()) {
                    channel.write(out);
                }
            });
            channel.force(true);
        }
        SegmentRewrite result = new SegmentRewrite(read[0] - kept[0], keptTombstone[0]);
        if (keptBytes[0] == 0) {
            Files.delete(cleaned);
            partition.drop(original);
            return result;
        }
        // opened (indexes built, fsynced) before the partition's lock is taken: under it, renames only
        Segment copy = SegmentSwap.prepare(dir, base, partition.config());
        boolean installed = false;
        try {
            partition.replace(original, () -> SegmentSwap.install(dir, copy));
            installed = true;
        } finally {
            if (!installed) {
                copy.retire(true); // deletes what still has a .cleaned name; a committed copy is finished on start
            }
        }
        return result;
    }
}
