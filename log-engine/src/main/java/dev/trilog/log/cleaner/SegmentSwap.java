package dev.trilog.log.cleaner;

import dev.trilog.log.LogConfig;
import dev.trilog.log.segment.Segment;
import dev.trilog.log.segment.SegmentFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * How a segment's files are replaced by its compacted copy so that a crash at any step leaves
 * either the original or the complete copy, never a mix:
 *
 * <ol>
 *   <li>without the partition's lock: the kept batches are written to {@code <base>.log.cleaned},
 *       the copy is opened from there, its indexes built as {@code <base>.index.cleaned} and
 *       {@code <base>.timeindex.cleaned}, and all three fsynced ({@link #prepare});</li>
 *   <li>under the partition's write lock, renames only ({@link #install}): the copy's index files
 *       to {@code .swap} names; then its log file to {@code <base>.log.swap} — the commit point:
 *       from here the copy is complete and replaces the original; then the index files over the
 *       original's, and last the log file over {@code <base>.log}. New inodes: readers of the
 *       original keep their open file and mappings.</li>
 * </ol>
 *
 * <p>The lock used to be held while the copy was opened, which reads it all to build its
 * indexes and fsyncs four files: appends to the partition waited for that (5 ms on the share-state
 * log, bench/sqs/RESULTS.md, 2026-12-07).
 *
 * <p>On start, before any segment is opened, {@link #completeInterrupted} deletes every
 * {@code .cleaned} file (the original is intact), finishes every {@code <base>.log.swap} (an
 * index's {@code .swap} file is moved over the index; an index without one is deleted, to be
 * rebuilt from the log — it may be the original's), and then deletes the {@code .swap} index
 * files left without their log (the crash came before the commit point).
 */
public final class SegmentSwap {

    private SegmentSwap() {
    }

    /** Where the compacted copy of the segment at {@code base} is written (step 1). */
    static Path cleanedFile(Path dir, long base) {
        return SegmentFiles.cleaned(SegmentFiles.log(dir, base));
    }

    /** Step 1, after the copy's log is written and fsynced: opens the copy, builds and fsyncs its indexes. */
    static Segment prepare(Path dir, long base, LogConfig config) throws IOException {
        return Segment.openCleaned(dir, base, config.segmentIndexBytes(), config.indexIntervalBytes());
    }

    /** Step 2: renames the prepared copy into place; the caller holds the partition's write lock. */
    static Segment install(Path dir, Segment copy) throws IOException {
        long base = copy.baseOffset();
        List<Path> indexes = List.of(SegmentFiles.offsetIndex(dir, base), SegmentFiles.timeIndex(dir, base));
        Path logFile = SegmentFiles.log(dir, base);
        for (Path index : indexes) {
            Files.move(SegmentFiles.cleaned(index), SegmentFiles.swap(index), StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(SegmentFiles.cleaned(logFile), SegmentFiles.swap(logFile), StandardCopyOption.ATOMIC_MOVE);
        for (Path index : indexes) {
            replace(SegmentFiles.swap(index), index);
        }
        replace(SegmentFiles.swap(logFile), logFile);
        copy.cleanedFilesMoved();
        return copy;
    }

    /** On start: deletes unfinished copies and completes finished swaps in the partition directory {@code dir}. */
    public static void completeInterrupted(Path dir) throws IOException {
        List<Path> logSwaps = new ArrayList<>();
        List<Path> otherSwaps = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(SegmentFiles.CLEANED)) {
                    Files.delete(file); // a compaction that did not reach its commit point: the original is intact
                } else if (name.endsWith(SegmentFiles.LOG + SegmentFiles.SWAP)) {
                    logSwaps.add(file);
                } else if (name.endsWith(SegmentFiles.SWAP)) {
                    otherSwaps.add(file);
                }
            }
        }
        for (Path logSwap : logSwaps) {
            finishSwap(dir, logSwap);
        }
        for (Path orphan : otherSwaps) {
            Files.deleteIfExists(orphan); // an index of a copy whose log never reached its .swap name
        }
    }

    /** A compacted copy was complete but not yet wholly renamed over its original: finish that. */
    private static void finishSwap(Path dir, Path logSwap) throws IOException {
        String name = logSwap.getFileName().toString();
        Path logFile = logSwap.resolveSibling(name.substring(0, name.length() - SegmentFiles.SWAP.length()));
        long base = SegmentFiles.baseOffsetOf(logFile);
        if (base >= 0) {
            for (Path index : List.of(SegmentFiles.offsetIndex(dir, base), SegmentFiles.timeIndex(dir, base))) {
                Path indexSwap = SegmentFiles.swap(index);
                if (Files.exists(indexSwap)) {
                    replace(indexSwap, index);
                } else {
                    // moved already, or never built (a swap of an older version): rebuilt from the log on open
                    Files.deleteIfExists(index);
                }
            }
        }
        replace(logSwap, logFile);
    }

    private static void replace(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
