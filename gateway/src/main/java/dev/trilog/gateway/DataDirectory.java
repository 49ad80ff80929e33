package dev.trilog.gateway;

import dev.trilog.gateway.config.KnownKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the data directory exists and can be written before the log engine opens it, so
 * that a wrong path or missing permission is one clear sentence at startup rather than an
 * engine stack trace, or worse, a failure at the first produce request.
 */
final class DataDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);

    private DataDirectory() {
    }

    /**
     * Creates {@code dir} (and its parents) if missing, then proves it writable by creating and
     * deleting a file: {@link Files#isWritable} alone says yes to read-only mounts.
     *
     * @return whether this call created {@code dir} (a failed start then removes it again)
     * @throws StartupException naming {@code data.dir} and the reason
     */
    static boolean prepare(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new StartupException(KnownKeys.DATA_DIR + " " + dir + " exists but is not a directory");
        }
        boolean created = !Files.exists(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StartupException("cannot create " + KnownKeys.DATA_DIR + " " + dir + ": " + reason(e), e);
        }
        try {
            Path probe = Files.createTempFile(dir, ".write-check", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new StartupException(KnownKeys.DATA_DIR + " " + dir + " is not writable: " + reason(e), e);
        }
        return created;
    }

    /**
     * Deletes {@code dir}, which {@link #prepare} created for a start that then failed, with what
     * the engine put in it; best effort: a failure to delete must not hide the start's own error.
     * Only the directory itself goes, not parents {@code prepare} may have created with it.
     */
    static void removeCreated(Path dir) {
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("could not remove {}, created by the failed start: {}", dir, e.toString());
        }
    }

    /** The file-system exceptions' messages are often just a path; say what went wrong instead. */
    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException denied) {
            return "permission denied on " + denied.getFile();
        }
        if (e instanceof NoSuchFileException missing) {
            return "no such file or directory: " + missing.getFile();
        }
        if (e instanceof FileAlreadyExistsException exists) {
            return exists.getFile() + " exists and is not a directory";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getFile() == null ? fs.getReason() : fs.getReason() + " (" + fs.getFile() + ")";
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
