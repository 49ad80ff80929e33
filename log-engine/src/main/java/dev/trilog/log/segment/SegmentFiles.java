package dev.trilog.log.segment;

import java.nio.file.Path;

/**
 * File names of a segment, as Kafka spells them: the base offset zero-padded to 20 digits,
 * then {@code .log}, {@code .index}, {@code .timeindex} or {@code .txnindex}. {@code .cleaned} marks a compacted
 * copy still being written, {@code .swap} one that is complete and about to replace the
 * original: recovery deletes the first and finishes the rename of the second.
 */
public final class SegmentFiles {

    public static final String LOG = ".log";
    public static final String INDEX = ".index";
    public static final String TIME_INDEX = ".timeindex";
    public static final String TXN_INDEX = ".txnindex";
    public static final String CLEANED = ".cleaned";
    public static final String SWAP = ".swap";

    private SegmentFiles() {
    }

    public static String baseName(long baseOffset) {
        return String.format("%020d", baseOffset);
    }

    public static Path log(Path dir, long baseOffset) {
        return dir.resolve(baseName(baseOffset) + LOG);
    }

    public static Path offsetIndex(Path dir, long baseOffset) {
        return dir.resolve(baseName(baseOffset) + INDEX);
    }

    public static Path timeIndex(Path dir, long baseOffset) {
        return dir.resolve(baseName(baseOffset) + TIME_INDEX);
    }

    public static Path txnIndex(Path dir, long baseOffset) {
        return dir.resolve(baseName(baseOffset) + TXN_INDEX);
    }

    /** Where a compacted copy of {@code file} is built before it is swapped in: {@code <file>.cleaned}. */
    public static Path cleaned(Path file) {
        return file.resolveSibling(file.getFileName() + CLEANED);
    }

    /** The name a complete compacted copy of {@code file} has until it replaces it: {@code <file>.swap}. */
    public static Path swap(Path file) {
        return file.resolveSibling(file.getFileName() + SWAP);
    }

    /** The base offset a {@code .log} file's name encodes, or -1 when the name is not one. */
    public static long baseOffsetOf(Path logFile) {
        String name = logFile.getFileName().toString();
        if (!name.endsWith(LOG) || name.length() != 20 + LOG.length()) {
            return -1;
        }
        try {
            return Long.parseLong(name.substring(0, 20));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
