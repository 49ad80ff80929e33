package dev.trilog.replication;

import dev.trilog.log.EngineCheckpoint;
import dev.trilog.log.DurableFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches another node's newest checkpoint ({@link SnapshotCheckpoints}) into this node's
 * {@code <raft>/install/}: into {@code staging/} first, each file fsynced, and only once every
 * byte is there renamed to {@code ready/} — so a fetch cut off (a failure, the process killed)
 * leaves nothing the engine could mistake for a snapshot, and the next one starts {@code staging/}
 * afresh. The pieces are asked for one at a time, as read-only queries over the Raft client's
 * connection (stale reads: answered by the node asked, leader or not).
 */
final class SnapshotFetch {

    private static final Logger log = LoggerFactory.getLogger(SnapshotFetch.class);

    private final RaftClient client;
    private final Path installDir;

    SnapshotFetch(RaftClient client, Path installDir) {
        this.client = client;
        this.installDir = installDir;
    }

    static Path staging(Path installDir) {
        return installDir.resolve("staging");
    }

    static Path ready(Path installDir) {
        return installDir.resolve("ready");
    }

    /**
     * Whether {@code ready/} holds a fetched checkpoint newer than {@code own} (the group's own
     * latest snapshot, or null), to be installed: a fetch completed before the process stopped.
     * One no newer (it was installed, and only the clean-up was cut off — installing it again
     * would take entries applied since back) is deleted.
     */
    static boolean readyToInstall(Path installDir, org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo own)
            throws IOException {
        Path ready = ready(installDir);
        if (!Files.isDirectory(ready)) {
            return false;
        }
        Path manifest = ready.resolve(SnapshotCheckpoints.MANIFEST);
        if (Files.exists(manifest) && (own == null
                || own.getIndex() < SnapshotManifest.decode(Files.readAllBytes(manifest)).at().getIndex())) {
            return true;
        }
        DurableFiles.deleteTree(ready);
        return false;
    }

    /** Fetches {@code from}'s newest checkpoint into {@code ready/}; returns its manifest. */
    SnapshotManifest fetch(RaftPeerId from) throws IOException {
        Path staging = staging(installDir);
        DurableFiles.deleteTree(staging);
        ByteString encoded = query(from, SnapshotCheckpoints.latestRequest());
        if (encoded.isEmpty()) {
            throw new IOException("node " + from + " has no snapshot to send");
        }
        SnapshotManifest manifest = SnapshotManifest.decode(encoded.toByteArray());
        long started = System.nanoTime();
        log.info("Fetching the snapshot at entry {} from {}: {} files, {} bytes", manifest.at(), from,
                manifest.checkpoint().files().size(), manifest.checkpoint().bytes());
        Path data = staging.resolve(SnapshotCheckpoints.DATA);
        for (EngineCheckpoint.File file : manifest.checkpoint().files()) {
            Path target = data.resolve(file.path()).normalize();
            if (!target.startsWith(data)) {
                throw new IOException("snapshot file " + file.path() + " lies outside the snapshot");
            }
            Files.createDirectories(target.getParent());
            try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                long offset = 0;
                while (offset < file.length()) {
                    ByteString chunk = query(from, SnapshotCheckpoints.readRequest(manifest.at(), file.path(), offset,
                            SnapshotCheckpoints.MAX_CHUNK));
                    if (chunk.isEmpty()) {
                        throw new IOException("node " + from + " sent nothing of " + file.path() + " at " + offset);
                    }
                    for (var buffer : chunk.asReadOnlyByteBufferList()) {
                        while (buffer.hasRemaining()) {
                            offset += out.write(buffer, offset);
                        }
                    }
                }
                out.force(true);
            }
        }
        DurableFiles.writeAtomically(staging.resolve(SnapshotCheckpoints.MANIFEST), encoded.toByteArray());
        Path ready = ready(installDir);
        DurableFiles.deleteTree(ready);
        Files.move(staging, ready, StandardCopyOption.ATOMIC_MOVE);
        log.info("Fetched the snapshot at entry {} ({} bytes) from {} in {} ms", manifest.at(),
                manifest.checkpoint().bytes(), from, (System.nanoTime() - started) / 1_000_000);
        return manifest;
    }

    private ByteString query(RaftPeerId from, ByteString request) throws IOException {
        RaftClientReply reply = client.io().sendStaleRead(Message.valueOf(request), 0, from);
        if (!reply.isSuccess()) {
            throw new IOException("node " + from + " did not answer a snapshot query", reply.getException());
        }
        return reply.getMessage().getContent();
    }
}
