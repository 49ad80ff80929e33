package dev.trilog.replication;

import dev.trilog.log.EngineCheckpoint;
import dev.trilog.log.LogEngine;
import dev.trilog.log.DurableFiles;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's state at each snapshot, kept so that a node that lost its data directory can
 * fetch it ({@link SnapshotFetch}): {@code <raft>/checkpoints/<term>_<index>/} holds the engine's
 * files hard-linked at that entry ({@link LogEngine#checkpoint}: no byte copied, and nothing the
 * engine does afterwards — appends, rolls, compaction, retention — changes what the links hold
 * below the recorded lengths) and the {@link SnapshotManifest}. The newest two are kept (Ratis
 * keeps two snapshot files too), and an older one as long as another node is reading it (read
 * from within the last minute).
 *
 * <p>Served through the Raft group's own connections, as read-only queries to this node's state
 * machine: {@link #latest()} the newest manifest, {@link #read} a piece of one file, at most
 * {@link #MAX_CHUNK} bytes. The fetching node asks for one piece at a time, so this node reads
 * one chunk per request and holds nothing in memory between them.
 */
final class SnapshotCheckpoints {

    private static final Logger log = LoggerFactory.getLogger(SnapshotCheckpoints.class);

    static final int MAX_CHUNK = 1 << 20;
    static final String MANIFEST = "manifest";
    /** The engine's files inside a checkpoint directory. */
    static final String DATA = "data";
    private static final int KEEP = 2;

    private static final byte LATEST = 1;
    private static final byte READ = 2;

    /** A checkpoint another node read from within this long is kept, however many snapshots are taken since. */
    private static final long READER_PATIENCE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(60);

    private final LogEngine engine;
    private final Path dir;
    /** When each checkpoint was last read from by another node (System.nanoTime). */
    private final java.util.Map<String, Long> lastRead = new java.util.concurrent.ConcurrentHashMap<>();

    /** Which partitions' files a checkpoint links: those whose state is this group's. */
    private final java.util.function.Predicate<org.apache.kafka.common.TopicPartition> include;

    /** Checkpoints under {@code stateDir}/checkpoints, linking the partitions {@code include} accepts. */
    SnapshotCheckpoints(LogEngine engine, Path stateDir,
            java.util.function.Predicate<org.apache.kafka.common.TopicPartition> include) {
        this.engine = engine;
        this.dir = stateDir.resolve("checkpoints");
        this.include = include;
    }

    /**
     * On the apply thread, with every applied entry in the engine: links the engine's files at
     * {@code at}, writes the manifest, and only then publishes the directory under its name (a
     * rename), so a checkpoint that exists is whole; older ones beyond the newest two go.
     */
    void take(TermIndex at, byte[] appliedState) throws IOException {
        String name = name(at);
        Path building = dir.resolve(name + ".building");
        DurableFiles.deleteTree(building);
        EngineCheckpoint checkpoint = engine.checkpoint(building.resolve(DATA), include);
        DurableFiles.writeAtomically(building.resolve(MANIFEST), new SnapshotManifest(at, appliedState, checkpoint).encode());
        Path published = dir.resolve(name);
        DurableFiles.deleteTree(published);
        Files.move(building, published, StandardCopyOption.ATOMIC_MOVE);
        List<Path> all;
        try (var entries = Files.list(dir)) {
            all = entries.sorted(Comparator.comparing(SnapshotCheckpoints::indexOf).reversed()).toList();
        }
        for (Path old : all.subList(Math.min(KEEP, all.size()), all.size())) {
            Long read = lastRead.get(old.getFileName().toString());
            if (read == null || System.nanoTime() - read > READER_PATIENCE_NANOS) {
                lastRead.remove(old.getFileName().toString());
                DurableFiles.deleteTree(old);
            }
        }
    }

    /**
     * Records the snapshot at {@code at} in Ratis' storage: one small file holding the group's
     * applied state, which tells Ratis how far it may purge and where to apply from after a restart.
     */
    static void record(org.apache.ratis.statemachine.impl.SimpleStateMachineStorage snapshots, TermIndex at,
            byte[] state) throws IOException {
        java.io.File file = snapshots.getSnapshotFile(at.getTerm(), at.getIndex());
        Path tmp = file.toPath().resolveSibling(file.getName() + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(ByteBuffer.wrap(state));
            out.force(false);
        }
        Files.move(tmp, file.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        org.apache.ratis.io.MD5Hash md5 = org.apache.ratis.util.MD5FileUtil.computeAndSaveMd5ForFile(file);
        snapshots.updateLatestSnapshot(new org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo(
                new org.apache.ratis.server.storage.FileInfo(file.toPath(), md5), at));
    }

    private static String name(TermIndex at) {
        return at.getTerm() + "_" + at.getIndex();
    }

    private static long indexOf(Path checkpoint) {
        String name = checkpoint.getFileName().toString();
        try {
            return Long.parseLong(name.substring(name.indexOf('_') + 1));
        } catch (RuntimeException e) {
            return -1; // a directory left building by a crash: the first to go
        }
    }

    // ---------------------------------------------------------------- the queries another node sends

    static ByteString latestRequest() {
        return ByteString.copyFrom(new byte[] {LATEST});
    }

    static ByteString readRequest(TermIndex at, String path, long offset, int maxBytes) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(READ);
            out.writeUTF(name(at));
            out.writeUTF(path);
            out.writeLong(offset);
            out.writeInt(maxBytes);
            out.flush();
            return ByteString.copyFrom(bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Answers a query from {@link #latestRequest} or {@link #readRequest}. */
    ByteString answer(ByteString request) throws IOException {
        DataInputStream in = new DataInputStream(request.newInput());
        byte kind = in.readByte();
        if (kind == LATEST) {
            return latest();
        }
        if (kind != READ) {
            throw new IOException("unknown snapshot query " + kind);
        }
        return read(in.readUTF(), in.readUTF(), in.readLong(), Math.min(in.readInt(), MAX_CHUNK));
    }

    /** The newest checkpoint's manifest; empty when this node has none. */
    private ByteString latest() throws IOException {
        List<Path> all;
        if (!Files.isDirectory(dir)) {
            return ByteString.EMPTY;
        }
        try (var entries = Files.list(dir)) {
            all = entries.filter(p -> !p.getFileName().toString().endsWith(".building"))
                    .sorted(Comparator.comparing(SnapshotCheckpoints::indexOf).reversed()).toList();
        }
        for (Path checkpoint : all) {
            try {
                lastRead.put(checkpoint.getFileName().toString(), System.nanoTime());
                return ByteString.copyFrom(Files.readAllBytes(checkpoint.resolve(MANIFEST)));
            } catch (NoSuchFileException e) {
                log.debug("Checkpoint {} went while it was read", checkpoint);
            }
        }
        return ByteString.EMPTY;
    }

    /**
     * Up to {@code maxBytes} of one file of a checkpoint from {@code offset}, never past the
     * length its manifest gives it (the link of an active segment grows on); the path must be
     * one the manifest names.
     */
    private ByteString read(String checkpoint, String path, long offset, int maxBytes) throws IOException {
        Path root = dir.resolve(checkpoint);
        lastRead.put(checkpoint, System.nanoTime());
        SnapshotManifest manifest = SnapshotManifest.decode(Files.readAllBytes(root.resolve(MANIFEST)));
        EngineCheckpoint.File file = manifest.checkpoint().files().stream().filter(f -> f.path().equals(path))
                .findFirst().orElseThrow(() -> new IOException("checkpoint " + checkpoint + " has no file " + path));
        int length = (int) Math.max(0, Math.min(maxBytes, file.length() - offset));
        ByteBuffer buffer = ByteBuffer.allocate(length);
        try (FileChannel channel = FileChannel.open(root.resolve(DATA).resolve(path), StandardOpenOption.READ)) {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, offset + buffer.position()) < 0) {
                    throw new IOException("checkpoint file " + path + " ends before its " + file.length() + " bytes");
                }
            }
        }
        return UnsafeByteOperations.unsafeWrap(buffer.flip());
    }
}
