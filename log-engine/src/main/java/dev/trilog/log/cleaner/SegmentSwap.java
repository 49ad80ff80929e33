package dev.trilog.log.cleaner;

import dev.trilog.log.LogConfig;
import dev.trilog.log.segment.Segment;
import dev.trilog.log.segment.SegmentFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * How a segment's log file is replaced by its compacted copy so that a crash at any step leaves
 * either the original or the complete copy, never a mix:
 *
 * <ol>
 *   <li>the kept batches are written to {@code <base>.log.cleaned} and fsynced;</li>
 *   <li>under the partition's write lock, that file is renamed to {@code <base>.log.swap}, then
 *       over {@code <base>.log}; the original's index files are deleted and the copy opened,
 *       which builds new ones (new inodes: readers may still use the original's mappings).</li>
 * </ol>
 *
 * <p>On start, before any segment is opened, {@link #completeInterrupted} deletes a
 * {@code .cleaned} file (the original is intact) and finishes the rename of a {@code .swap} file
 * (the copy is complete).
 */
public final class SegmentSwap {

    private SegmentSwap() {
    }

    /** Where the compacted copy of the segment at {@code base} is written (step 1). */
    static Path cleanedFile(Path dir, long base) {
        Path logFile = SegmentFiles.log(dir, base);
        return logFile.resolveSibling(logFile.getFileName() + SegmentFiles.CLEANED);
    }

    /** Step 2: renames the fsynced copy into place and opens it; the caller holds the partition's write lock. */
    static Segment install(Path dir, long base, LogConfig config) throws IOException {
        Path logFile = SegmentFiles.log(dir, base);
        Path swap = logFile.resolveSibling(logFile.getFileName() + SegmentFiles.SWAP);
        Files.move(cleanedFile(dir, base), swap, StandardCopyOption.ATOMIC_MOVE);
        Files.move(swap, logFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(SegmentFiles.offsetIndex(dir, base));
        Files.deleteIfExists(SegmentFiles.timeIndex(dir, base));
        return Segment.open(dir, base, config.segmentIndexBytes(), config.indexIntervalBytes(), false, true);
    }

    /** On start: deletes unfinished copies and completes finished swaps in the partition directory {@code dir}. */
    public static void completeInterrupted(Path dir) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(SegmentFiles.CLEANED)) {
                    Files.delete(file); // a compaction that did not finish: the original is intact
                } else if (name.endsWith(SegmentFiles.SWAP)) {
                    finishSwap(dir, file);
                }
            }
        }
    }

    /** A compacted segment was complete but not yet renamed over its original: finish that. */
    private static void finishSwap(Path dir, Path swapFile) throws IOException {
        String name = swapFile.getFileName().toString();
        Path target = swapFile.resolveSibling(name.substring(0, name.length() - SegmentFiles.SWAP.length()));
        Files.move(swapFile, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        long base = SegmentFiles.baseOffsetOf(target);
        if (base >= 0) {
            Files.deleteIfExists(SegmentFiles.offsetIndex(dir, base));
            Files.deleteIfExists(SegmentFiles.timeIndex(dir, base));
        }
    }
}
