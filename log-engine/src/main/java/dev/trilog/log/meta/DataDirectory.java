package dev.trilog.log.meta;

import dev.trilog.log.DurableFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Properties;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * The data directory's own files, beside the partition directories:
 *
 * <pre>
 * .lock             an OS file lock held while a process has the directory open; a second process is refused
 * meta.properties   {@code version=1} and {@code cluster.id=<uuid>}, made with the directory, as Kafka does
 * .clean_shutdown   written by a clean close; present at open = the logs need no recovery. Deleted
 *                   at open, so a process that dies with the directory open leaves none.
 * &lt;topic&gt;-&lt;partition&gt;/  one directory per partition, internal logs included
 * </pre>
 */
public final class DataDirectory implements AutoCloseable {

    public static final String CLEAN_SHUTDOWN_MARKER = ".clean_shutdown";
    private static final String LOCK_FILE = ".lock";
    private static final String META_PROPERTIES = "meta.properties";

    private final Path path;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final boolean cleanStart;
    private final String clusterId;

    private DataDirectory(Path path, FileChannel lockChannel, FileLock lock, boolean cleanStart, String clusterId) {
        this.path = path;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.cleanStart = cleanStart;
        this.clusterId = clusterId;
    }

    /**
     * Creates the directory when missing, locks it, and notes whether the last run shut down
     * cleanly (a new directory counts as clean).
     *
     * @throws IOException when the directory cannot be created or written, or another process holds it
     */
    public static DataDirectory open(Path path) throws IOException {
        boolean fresh = isEmptyOrMissing(path);
        Files.createDirectories(path);
        FileChannel lockChannel = FileChannel.open(path.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException("data directory " + path.toAbsolutePath() + " is in use by another process");
        }
        try {
            Path marker = path.resolve(CLEAN_SHUTDOWN_MARKER);
            boolean clean = fresh || Files.exists(marker);
            Files.deleteIfExists(marker);
            return new DataDirectory(path, lockChannel, lock, clean, loadOrCreateClusterId(path));
        } catch (IOException | RuntimeException e) {
            lock.release();
            lockChannel.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /** Where the partition's segments and checkpoints live. */
    public Path partitionDir(TopicPartition tp) {
        return path.resolve(tp.topic() + "-" + tp.partition());
    }

    /** True when the last run shut down cleanly and recovery may be skipped. */
    public boolean cleanStart() {
        return cleanStart;
    }

    public String clusterId() {
        return clusterId;
    }

    /** After every log closed cleanly: the next open skips recovery. */
    public void markCleanShutdown() throws IOException {
        DurableFiles.writeAtomically(path.resolve(CLEAN_SHUTDOWN_MARKER), "clean\n");
    }

    /** Releases the lock. */
    @Override
    public void close() throws IOException {
        lock.release();
        lockChannel.close();
    }

    private static String loadOrCreateClusterId(Path path) throws IOException {
        Path meta = path.resolve(META_PROPERTIES);
        Properties properties = new Properties();
        if (Files.exists(meta)) {
            try (var in = Files.newBufferedReader(meta)) {
                properties.load(in);
            }
            String id = properties.getProperty("cluster.id");
            if (id != null && !id.isBlank()) {
                return id.trim();
            }
        }
        String id = Uuid.randomUuid().toString();
        DurableFiles.writeAtomically(meta, "version=1\ncluster.id=" + id + "\n");
        return id;
    }

    private static boolean isEmptyOrMissing(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return true;
        }
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }
}
