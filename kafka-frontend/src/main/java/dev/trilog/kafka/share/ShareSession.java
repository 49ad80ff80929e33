package dev.trilog.kafka.share;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One member's share session (KIP-932): the partitions it fetches — ShareFetch names only the
 * ones it adds and forgets — the epoch its next request must carry, and the records it holds,
 * so that an acknowledgement names the delivery it settles. Guarded by itself.
 */
final class ShareSession {

    /** A record the member was given: its delivery count and when its lock ends (epoch ms). */
    record HeldRecord(int deliveryCount, long lockDeadlineMs) {
    }

    final String group;
    final String member;
    final Set<SharePartition> partitions = new LinkedHashSet<>();
    private final Map<SharePartition, TreeMap<Long, HeldRecord>> held = new HashMap<>();
    int nextEpoch = 1;
    private long rotation;

    ShareSession(String group, String member) {
        this.group = group;
        this.member = member;
    }

    /** Counts fetches, so each starts at another partition. */
    synchronized long nextRotation() {
        return rotation++;
    }

    synchronized void hold(SharePartition partition, long offset, int deliveryCount, long lockDeadlineMs) {
        held.computeIfAbsent(partition, p -> new TreeMap<>()).put(offset, new HeldRecord(deliveryCount, lockDeadlineMs));
    }

    /** The record as the member was given it, or null when it holds no such record. */
    synchronized HeldRecord held(SharePartition partition, long offset) {
        TreeMap<Long, HeldRecord> records = held.get(partition);
        return records == null ? null : records.get(offset);
    }

    /**
     * The member is done with that delivery of the record (settled, or not its any more). A later
     * delivery of it — released and acquired again by the same fetch, whose settling completes
     * once durable, after the acquisition — stays held.
     */
    synchronized void forget(SharePartition partition, long offset, int deliveryCount) {
        TreeMap<Long, HeldRecord> records = held.get(partition);
        if (records != null) {
            records.computeIfPresent(offset, (o, r) -> r.deliveryCount() == deliveryCount ? null : r);
        }
    }

    synchronized void renewed(SharePartition partition, long offset, long lockDeadlineMs) {
        HeldRecord record = held(partition, offset);
        if (record != null) {
            hold(partition, offset, record.deliveryCount(), lockDeadlineMs);
        }
    }

    /** Forgets the records whose lock ran out: the cursor has made them available again. */
    synchronized void forgetExpired(long now) {
        for (TreeMap<Long, HeldRecord> records : held.values()) {
            records.values().removeIf(r -> r.lockDeadlineMs() <= now);
        }
    }

    /** The topics of the session's partitions and of what it holds: where its records are to go back to. */
    synchronized Set<SharePartition> touched() {
        Set<SharePartition> all = new LinkedHashSet<>(partitions);
        all.addAll(held.keySet());
        return all;
    }
}
