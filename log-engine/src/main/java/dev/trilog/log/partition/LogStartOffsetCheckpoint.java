package dev.trilog.log.partition;

import dev.trilog.log.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file {@code log-start-offset} in a partition's directory: the log start offset in decimal,
 * rewritten atomically each time DeleteRecords or retention moves it forward, so records below
 * it are not served again after a restart. A missing or unreadable file reads as 0 (the loader
 * never lets the start offset fall below the first segment).
 */
public final class LogStartOffsetCheckpoint {

    private static final Logger log = LoggerFactory.getLogger(LogStartOffsetCheckpoint.class);
    public static final String FILE = "log-start-offset";

    private final Path file;

    public LogStartOffsetCheckpoint(Path dir) {
        this.file = dir.resolve(FILE);
    }

    public long read() throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try {
            return Long.parseLong(Files.readString(file).trim());
        } catch (NumberFormatException e) {
            log.warn("Ignoring unreadable {} in {}", FILE, file.getParent());
            return 0;
        }
    }

    public void write(long offset) throws IOException {
        DurableFiles.writeAtomically(file, Long.toString(offset));
    }

    public void delete() throws IOException {
        Files.deleteIfExists(file);
    }
}
