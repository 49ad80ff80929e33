package dev.trilog.replication;

import dev.trilog.log.EngineCheckpoint;
import dev.trilog.log.Topic;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.ratis.server.protocol.TermIndex;

/**
 * What a node's snapshot is, beside Ratis' small {@code snapshot.<term>_<index>} file: the
 * entry it was taken at, the state machine's own applied state there (the applied index and the
 * queues' epoch, as {@code applied-index} holds them), and the engine's checkpoint — its topics
 * and which bytes of which files are the engine at that entry. Kept as the {@code manifest} file
 * of each checkpoint directory, and sent as is to a node that installs it.
 */
record SnapshotManifest(TermIndex at, byte[] appliedState, EngineCheckpoint checkpoint) {

    /** 2 added each topic's replication factor; a manifest of format 1 has every topic on every node. */
    private static final int FORMAT = 2;

    byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(FORMAT);
            out.writeLong(at.getTerm());
            out.writeLong(at.getIndex());
            out.writeInt(appliedState.length);
            out.write(appliedState);
            out.writeInt(checkpoint.topics().size());
            for (Topic topic : checkpoint.topics()) {
                out.writeUTF(topic.name());
                out.writeUTF(topic.id().toString());
                out.writeInt(topic.partitions());
                out.writeInt(topic.replicationFactor());
                out.writeInt(topic.configOverrides().size());
                for (Map.Entry<String, String> config : topic.configOverrides().entrySet()) {
                    out.writeUTF(config.getKey());
                    out.writeUTF(config.getValue());
                }
            }
            out.writeInt(checkpoint.files().size());
            for (EngineCheckpoint.File file : checkpoint.files()) {
                out.writeUTF(file.path());
                out.writeLong(file.length());
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: cannot happen
        }
    }

    static SnapshotManifest decode(byte[] encoded) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded));
        int format = in.readInt();
        if (format != FORMAT && format != 1) {
            throw new IOException("snapshot manifest format " + format + " is neither 1 nor " + FORMAT);
        }
        TermIndex at = TermIndex.valueOf(in.readLong(), in.readLong());
        byte[] appliedState = new byte[in.readInt()];
        in.readFully(appliedState);
        List<Topic> topics = new ArrayList<>();
        for (int t = in.readInt(); t > 0; t--) {
            String name = in.readUTF();
            Uuid id = Uuid.fromString(in.readUTF());
            int partitions = in.readInt();
            int replicationFactor = format == 1 ? Topic.EVERY_NODE : in.readInt();
            Map<String, String> configs = new LinkedHashMap<>();
            for (int c = in.readInt(); c > 0; c--) {
                configs.put(in.readUTF(), in.readUTF());
            }
            topics.add(new Topic(name, id, partitions, configs, replicationFactor));
        }
        List<EngineCheckpoint.File> files = new ArrayList<>();
        for (int f = in.readInt(); f > 0; f--) {
            files.add(new EngineCheckpoint.File(in.readUTF(), in.readLong()));
        }
        return new SnapshotManifest(at, appliedState, new EngineCheckpoint(topics, files));
    }
}
