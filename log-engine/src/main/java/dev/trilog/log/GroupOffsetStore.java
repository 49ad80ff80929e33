package dev.trilog.log;

import dev.trilog.log.meta.InternalLog;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Committed offsets of consumer groups, durable in the internal compacted log
 * {@code __trilog_group_offsets} and loaded into memory at start.
 *
 * <p>Entry format: key {@code <group>\u0000<topic>\u0000<partition>}; value, big-endian:
 * version (int16, 0), offset (int64), leader epoch (int32), commit time (int64), metadata
 * (modified UTF-8). A tombstone removes the entry. One commit call is one batch, so a commit of
 * many partitions is stored whole or not at all.
 *
 * <p>Offsets committed inside a transaction (Kafka's TxnOffsetCommit) are held pending per
 * producer, in memory, and become committed offsets only when the transaction commits; an
 * abort drops them. Keeping the pending ones durable is the transaction coordinator's part
 * (they are in its transaction state), so a restart stages them again.
 */
public final class GroupOffsetStore {

    private static final char SEPARATOR = '\u0000';

    private final InternalLog log;
    private final Map<String, Map<TopicPartition, CommittedOffset>> groups = new ConcurrentHashMap<>();
    /** producer id → group → offsets committed inside the producer's open transaction. */
    private final Map<Long, Map<String, Map<TopicPartition, CommittedOffset>>> pending = new ConcurrentHashMap<>();

    GroupOffsetStore(InternalLog log) throws IOException {
        this.log = log;
        log.subscribe((key, value) -> {
            String[] parts = key.split(String.valueOf(SEPARATOR), -1);
            if (parts.length != 3) {
                return;
            }
            TopicPartition tp = new TopicPartition(parts[1], Integer.parseInt(parts[2]));
            if (value == null) {
                removeInMemory(parts[0], tp);
            } else {
                groups.computeIfAbsent(parts[0], g -> new ConcurrentHashMap<>()).put(tp, decode(value));
            }
        });
    }

    /** Stores the offsets, all in one durable write, then makes them visible. */
    public void commit(String group, Map<TopicPartition, CommittedOffset> offsets) throws IOException {
        List<Map.Entry<String, byte[]>> entries = new ArrayList<>(offsets.size());
        offsets.forEach((tp, committed) -> entries.add(Map.entry(key(group, tp), encode(committed))));
        log.write(entries);
        groups.computeIfAbsent(group, g -> new ConcurrentHashMap<>()).putAll(offsets);
    }

    /** Holds {@code offsets} of {@code group} until the transaction of {@code producerId} ends. */
    public void stagePending(long producerId, String group, Map<TopicPartition, CommittedOffset> offsets) {
        pending.computeIfAbsent(producerId, p -> new ConcurrentHashMap<>())
                .computeIfAbsent(group, g -> new ConcurrentHashMap<>()).putAll(offsets);
    }

    /** The offsets staged by {@code producerId}'s open transaction, per group (a copy). */
    public Map<String, Map<TopicPartition, CommittedOffset>> pending(long producerId) {
        Map<String, Map<TopicPartition, CommittedOffset>> staged = pending.get(producerId);
        Map<String, Map<TopicPartition, CommittedOffset>> copy = new java.util.HashMap<>();
        if (staged != null) {
            staged.forEach((group, offsets) -> copy.put(group, Map.copyOf(offsets)));
        }
        return copy;
    }

    /**
     * Ends {@code producerId}'s transaction for its staged offsets: on commit they are stored
     * (durably, one write per group) and become visible; on abort they are dropped.
     */
    public void completePending(long producerId, boolean commit) throws IOException {
        Map<String, Map<TopicPartition, CommittedOffset>> staged = pending.get(producerId);
        if (staged == null) {
            return;
        }
        if (commit) {
            for (Map.Entry<String, Map<TopicPartition, CommittedOffset>> group : staged.entrySet()) {
                commit(group.getKey(), group.getValue());
            }
        }
        pending.remove(producerId);
    }

    /** True while an open transaction holds an offset of {@code group} for {@code tp} (OffsetFetch requireStable). */
    public boolean hasPending(String group, TopicPartition tp) {
        for (Map<String, Map<TopicPartition, CommittedOffset>> staged : pending.values()) {
            Map<TopicPartition, CommittedOffset> offsets = staged.get(group);
            if (offsets != null && offsets.containsKey(tp)) {
                return true;
            }
        }
        return false;
    }

    public Optional<CommittedOffset> fetch(String group, TopicPartition tp) {
        Map<TopicPartition, CommittedOffset> offsets = groups.get(group);
        return Optional.ofNullable(offsets == null ? null : offsets.get(tp));
    }

    /** Every committed offset of the group (empty when it has none). */
    public Map<TopicPartition, CommittedOffset> fetchAll(String group) {
        Map<TopicPartition, CommittedOffset> offsets = groups.get(group);
        return offsets == null ? Map.of() : Map.copyOf(offsets);
    }

    /** Groups that have at least one committed offset. */
    public Set<String> groups() {
        return Set.copyOf(groups.keySet());
    }

    /** OffsetDelete: forgets the given partitions' offsets of the group. */
    public void delete(String group, Collection<TopicPartition> partitions) throws IOException {
        List<Map.Entry<String, byte[]>> tombstones = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            tombstones.add(new AbstractMap.SimpleEntry<>(key(group, tp), null));
        }
        log.write(tombstones);
        partitions.forEach(tp -> removeInMemory(group, tp));
    }

    /** DeleteGroups: forgets every offset of the group. */
    public void deleteGroup(String group) throws IOException {
        delete(group, fetchAll(group).keySet());
    }

    private void removeInMemory(String group, TopicPartition tp) {
        groups.computeIfPresent(group, (g, offsets) -> {
            offsets.remove(tp);
            return offsets.isEmpty() ? null : offsets;
        });
    }

    private static String key(String group, TopicPartition tp) {
        return group + SEPARATOR + tp.topic() + SEPARATOR + tp.partition();
    }

    private static byte[] encode(CommittedOffset committed) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeShort(0);
            out.writeLong(committed.offset());
            out.writeInt(committed.leaderEpoch());
            out.writeLong(committed.commitTimestamp());
            out.writeUTF(committed.metadata());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static CommittedOffset decode(byte[] value) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(value))) {
            short version = in.readShort();
            if (version != 0) {
                throw new IOException("unknown committed-offset version " + version);
            }
            long offset = in.readLong();
            int epoch = in.readInt();
            long time = in.readLong();
            return new CommittedOffset(offset, epoch, in.readUTF(), time);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
