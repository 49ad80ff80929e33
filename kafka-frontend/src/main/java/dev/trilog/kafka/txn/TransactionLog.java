package dev.trilog.kafka.txn;

import dev.trilog.log.CommittedOffset;
import dev.trilog.log.DurableMap;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The coordinator's durable state: one entry per transactional id in the engine's transaction
 * log (an internal compacted log, as durable as the broker's flush settings make it), holding the metadata and
 * the offsets staged by the open transaction, so a restart can finish or abort it.
 *
 * <p>Value, big-endian: version int16 (0), producer id int64, epoch int16, previous producer
 * id int64, previous epoch int16, timeout int32, state code int8, start time int64, last
 * update int64, partitions int32 × (topic UTF, partition int32), groups int32 × (group UTF,
 * offsets int32 × (topic UTF, partition int32, offset int64, leader epoch int32, metadata UTF)).
 */
final class TransactionLog {

    /** One entry read back: the metadata and the offsets its open transaction staged, per group. */
    record Entry(TransactionMetadata metadata, Map<String, Map<TopicPartition, CommittedOffset>> pendingOffsets) {
    }

    private final DurableMap map;

    TransactionLog(DurableMap map) {
        this.map = map;
    }

    /** Every stored transactional id's state. */
    Map<String, Entry> load() {
        Map<String, Entry> entries = new HashMap<>();
        map.all().forEach((id, value) -> entries.put(id, decode(id, value)));
        return entries;
    }

    /** Stores the state; durable when this returns. */
    void write(TransactionMetadata metadata, Map<String, Map<TopicPartition, CommittedOffset>> pendingOffsets)
            throws IOException {
        map.put(metadata.transactionalId, encode(metadata, pendingOffsets));
    }

    static byte[] encode(TransactionMetadata m, Map<String, Map<TopicPartition, CommittedOffset>> pendingOffsets) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeShort(0);
            out.writeLong(m.producerId);
            out.writeShort(m.epoch);
            out.writeLong(m.lastProducerId);
            out.writeShort(m.lastEpoch);
            out.writeInt(m.timeoutMs);
            out.writeByte(m.state.code());
            out.writeLong(m.startTimeMs);
            out.writeLong(m.lastUpdateMs);
            out.writeInt(m.partitions.size());
            for (TopicPartition tp : m.partitions) {
                out.writeUTF(tp.topic());
                out.writeInt(tp.partition());
            }
            out.writeInt(m.groups.size());
            for (String group : m.groups) {
                out.writeUTF(group);
                Map<TopicPartition, CommittedOffset> offsets = pendingOffsets.getOrDefault(group, Map.of());
                out.writeInt(offsets.size());
                for (Map.Entry<TopicPartition, CommittedOffset> offset : offsets.entrySet()) {
                    out.writeUTF(offset.getKey().topic());
                    out.writeInt(offset.getKey().partition());
                    out.writeLong(offset.getValue().offset());
                    out.writeInt(offset.getValue().leaderEpoch());
                    out.writeUTF(offset.getValue().metadata());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Entry decode(String transactionalId, byte[] value) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            short version = in.readShort();
            if (version != 0) {
                throw new IOException("unknown transaction state version " + version + " of " + transactionalId);
            }
            TransactionMetadata m = new TransactionMetadata(transactionalId, in.readLong(), in.readShort(), 0, 0);
            m.lastProducerId = in.readLong();
            m.lastEpoch = in.readShort();
            m.timeoutMs = in.readInt();
            m.state = TxnState.ofCode(in.readByte());
            m.startTimeMs = in.readLong();
            m.lastUpdateMs = in.readLong();
            int partitions = in.readInt();
            for (int i = 0; i < partitions; i++) {
                m.partitions.add(new TopicPartition(in.readUTF(), in.readInt()));
            }
            Map<String, Map<TopicPartition, CommittedOffset>> pending = new HashMap<>();
            int groups = in.readInt();
            for (int g = 0; g < groups; g++) {
                String group = in.readUTF();
                m.groups.add(group);
                int offsets = in.readInt();
                for (int i = 0; i < offsets; i++) {
                    TopicPartition tp = new TopicPartition(in.readUTF(), in.readInt());
                    CommittedOffset offset = new CommittedOffset(in.readLong(), in.readInt(), in.readUTF(), m.lastUpdateMs);
                    pending.computeIfAbsent(group, k -> new HashMap<>()).put(tp, offset);
                }
            }
            return new Entry(m, pending);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
