package dev.trilog.kafka.share;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One member's share session (KIP-932): the partitions it fetches — ShareFetch names only the
 * ones it adds and forgets — the epoch its next request must carry, and the records it holds
 * ({@link HeldRecords}), so that an acknowledgement names the delivery it settles. Guarded by itself.
 */
final class ShareSession {

    final String group;
    final String member;
    final Set<SharePartition> partitions = new LinkedHashSet<>();
    private final Map<SharePartition, HeldRecords> held = new HashMap<>();
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

    /** The member was given {@code first..last} of the partition, each with that delivery count, locked until then. */
    synchronized void hold(SharePartition partition, long first, long last, int deliveryCount, long lockDeadlineMs) {
        held.computeIfAbsent(partition, p -> new HeldRecords()).hold(first, last, deliveryCount, lockDeadlineMs);
    }

    /** The member's records of the partition; null when it holds none there. The caller synchronizes on this session. */
    HeldRecords held(SharePartition partition) {
        assert Thread.holdsLock(this);
        return held.get(partition);
    }

    /**
     * The member is done with those deliveries of the partition's records (whether {@code settled}
     * or not: a record not settled is not its any more) — except, when {@code renewing}, the ones
     * settled, whose lock now ends at {@code renewedDeadlineMs}. A later delivery of a record —
     * released and acquired again by the same fetch, whose settling completes once durable, after
     * the acquisition — stays held.
     */
    synchronized void settled(SharePartition partition, List<ShareSource.Held> records, List<Boolean> settled,
            boolean renewing, long renewedDeadlineMs) {
        HeldRecords partitionHeld = held.get(partition);
        if (partitionHeld == null) {
            return;
        }
        for (int i = 0; i < records.size(); i++) {
            ShareSource.Held record = records.get(i);
            if (renewing && settled.get(i)) {
                partitionHeld.renew(record.offset(), record.deliveryCount(), renewedDeadlineMs);
            } else {
                partitionHeld.forget(record.offset(), record.deliveryCount());
            }
        }
    }

    /** Forgets the records whose lock ran out: the cursor has made them available again. */
    synchronized void forgetExpired(long now) {
        for (HeldRecords records : held.values()) {
            records.forgetExpired(now);
        }
    }

    /** The topics of the session's partitions and of what it holds: where its records are to go back to. */
    synchronized Set<SharePartition> touched() {
        Set<SharePartition> all = new LinkedHashSet<>(partitions);
        all.addAll(held.keySet());
        return all;
    }
}
