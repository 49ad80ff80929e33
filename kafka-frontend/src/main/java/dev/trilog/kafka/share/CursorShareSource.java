package dev.trilog.kafka.share;

import dev.trilog.log.LogEngine;
import dev.trilog.log.LogSlice;
import dev.trilog.log.OffsetOutOfRangeException;
import dev.trilog.log.PartitionLog;
import dev.trilog.log.UnknownTopicException;
import dev.trilog.log.share.Delivery;
import dev.trilog.log.share.DeliveryPolicy;
import dev.trilog.log.share.Outcome;
import dev.trilog.log.share.ShareCursor;
import dev.trilog.log.share.ShareGroupSettings;
import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * A share group over a topic that is not its own queue: the engine's share cursor of
 * (topic, group) per partition, with Kafka's rules — every acquisition counts toward the delivery
 * count limit, and a record that reaches it is archived — under the group's own settings
 * ({@link GroupConfigs}): its delivery count limit, isolation level, and where a partition it has no state on starts.
 */
final class CursorShareSource implements ShareSource {

    private final LogEngine engine;
    private final String topic;
    private final String group;
    private final ShareGroupConfig config;
    private final ShareGroupSettings settings;
    private final InstantSource clock;

    CursorShareSource(LogEngine engine, String topic, String group, ShareGroupConfig config) {
        this.engine = engine;
        this.topic = topic;
        this.group = group;
        this.config = config;
        this.settings = new ShareGroupSettings(config.deliveryCountLimit(), ShareGroupSettings.LimitCounts.ACQUISITIONS,
                ShareGroupSettings.DEFAULT_MAX_IN_FLIGHT, config.readCommitted());
        this.clock = engine.settings().clock();
    }

    /**
     * The partition's cursor, or null when the partition does not exist (any more). The engine
     * keeps the cursor it first opened: a delivery count limit or isolation level changed since is applied to it here.
     */
    private ShareCursor cursor(int partition) {
        ShareCursor cursor;
        try {
            cursor = engine.shareCursor(new TopicPartition(topic, partition), group, settings, DeliveryPolicy.NONE,
                    (g, offset, reason) -> { });
        } catch (UnknownTopicException e) {
            return null;
        }
        if (!cursor.settings().equals(settings)) {
            cursor.reconfigure(settings);
        }
        return cursor;
    }

    /**
     * {@inheritDoc} With {@code wholeBatches}, where the last record acquired from a partition is
     * not the last of its log batch, the rest of that batch is acquired too (as far as it is
     * available), so that a batch does not go whole to two members, each parsing the other's
     * records only to drop them: of two share consumers of one partition, each was sent one such
     * batch per fetch, about an eighth of its bytes (1 KiB records, 500 per fetch).
     */
    @Override
    public CompletableFuture<List<Acquired>> acquire(String member, List<Integer> partitions, int maxRecords,
            int maxBytes, long lockMs, boolean wholeBatches) {
        List<Acquired> taken = new ArrayList<>();
        List<CompletableFuture<Void>> durable = new ArrayList<>();
        int bytesLeft = maxBytes;
        for (int partition : partitions) {
            ShareCursor cursor = cursor(partition);
            if (cursor == null || taken.size() >= maxRecords || bytesLeft <= 0) {
                continue;
            }
            // a partition the group has no state on yet starts where share.auto.offset.reset says
            durable.add(cursor.startAtIfNew(() -> config.autoOffsetReset().startOffset(cursor.log(), clock.millis()))
                    .thenAccept(start -> { }));
            ShareCursor.Acquisition acquisition = cursor.acquireAsync(member, maxRecords - taken.size(), bytesLeft,
                    lockMs);
            bytesLeft -= take(partition, acquisition, taken, durable);
            if (wholeBatches && !acquisition.deliveries().isEmpty()) {
                long last = acquisition.deliveries().get(acquisition.deliveries().size() - 1).offset();
                long rest = lastOfBatch(cursor.log(), last) - last;
                if (rest > 0) {
                    bytesLeft -= take(partition, cursor.acquireAsync(member, (int) rest, Integer.MAX_VALUE, lockMs),
                            taken, durable);
                }
            }
        }
        return CompletableFuture.allOf(durable.toArray(CompletableFuture[]::new)).thenApply(v -> taken);
    }

    /** Adds what {@code acquisition} took to {@code taken} and its write to {@code durable}; returns its bytes. */
    private static int take(int partition, ShareCursor.Acquisition acquisition, List<Acquired> taken,
            List<CompletableFuture<Void>> durable) {
        int bytes = 0;
        for (Delivery delivery : acquisition.deliveries()) {
            taken.add(new Acquired(partition, delivery.offset(), delivery.acquisitions()));
            bytes += bytes(delivery);
        }
        durable.add(acquisition.durable());
        return bytes;
    }

    /** The last offset of the log batch holding {@code offset}; {@code offset} itself when that cannot be read. */
    private static long lastOfBatch(PartitionLog log, long offset) {
        try (LogSlice batch = log.readBatches(offset, offset)) {
            return batch.isEmpty() ? offset : batch.nextOffset() - 1;
        } catch (IOException | OffsetOutOfRangeException e) {
            return offset; // gone by retention meanwhile: nothing more to align to
        }
    }

    private static int bytes(Delivery delivery) {
        return (delivery.record().key() == null ? 0 : delivery.record().key().remaining())
                + (delivery.record().value() == null ? 0 : delivery.record().value().remaining());
    }

    /**
     * Settles the records partition by partition: one cursor look-up per partition, and a
     * partition's ACCEPTs (what every fetch of an implicitly acknowledging consumer carries) in one
     * durable write rather than one per record.
     */
    @Override
    public CompletableFuture<List<Boolean>> settle(List<Held> records, ShareAcknowledgement type, long lockMs) {
        Boolean[] settled = new Boolean[records.size()];
        Map<Integer, List<Integer>> indexesByPartition = new LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            indexesByPartition.computeIfAbsent(records.get(i).partition(), p -> new ArrayList<>()).add(i);
        }
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        indexesByPartition.forEach((partition, indexes) -> {
            ShareCursor cursor = cursor(partition);
            if (cursor == null) {
                indexes.forEach(i -> settled[i] = false);
            } else if (type == ShareAcknowledgement.ACCEPT) {
                long[] offsets = new long[indexes.size()];
                int[] counts = new int[indexes.size()];
                for (int k = 0; k < indexes.size(); k++) {
                    offsets[k] = records.get(indexes.get(k)).offset();
                    counts[k] = records.get(indexes.get(k)).deliveryCount();
                }
                writes.add(cursor.acknowledgeAll(offsets, counts, offsets.length, false).thenAccept(outcomes -> {
                    for (int k = 0; k < indexes.size(); k++) {
                        settled[indexes.get(k)] = outcomes.get(k) == Outcome.OK;
                    }
                }));
            } else {
                for (int i : indexes) {
                    long offset = records.get(i).offset();
                    int count = records.get(i).deliveryCount();
                    switch (type) {
                        case RELEASE -> settled[i] = cursor.release(offset, count) == Outcome.OK;
                        case REJECT -> writes.add(cursor.reject(offset, count).thenAccept(o -> settled[i] = o == Outcome.OK));
                        case RENEW -> settled[i] = cursor.extendLock(offset, count, clock.millis() + lockMs) == Outcome.OK;
                        default -> settled[i] = true; // GAP: nothing to settle
                    }
                }
            }
        });
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).thenApply(v -> List.of(settled));
    }

    @Override
    public void releaseAll(String member) {
        int partitions = engine.topic(topic).map(t -> t.partitions()).orElse(0);
        for (int p = 0; p < partitions; p++) {
            ShareCursor cursor = cursor(p);
            if (cursor != null) {
                cursor.releaseAll(member);
            }
        }
    }

    @Override
    public PartitionLog log(int partition) {
        return engine.partition(new TopicPartition(topic, partition));
    }

    /**
     * Starts the partition's cursor again at {@code offset}, kept within the log (AlterShareGroupOffsets);
     * completes with the start offset, or -1 when there is no such partition.
     */
    CompletableFuture<Long> resetTo(int partition, long offset) {
        ShareCursor cursor = cursor(partition);
        return cursor == null ? CompletableFuture.completedFuture(-1L) : cursor.resetTo(offset);
    }

    /** Forgets the share state of every partition of the topic (DeleteShareGroupOffsets, DeleteGroups). */
    void delete() {
        int partitions = engine.topic(topic).map(t -> t.partitions()).orElse(0);
        for (int p = 0; p < partitions; p++) {
            engine.deleteShareCursor(new TopicPartition(topic, p), group);
        }
    }

    @Override
    public long startOffset(int partition) {
        ShareCursor cursor = cursor(partition);
        return cursor == null ? -1 : cursor.startOffset();
    }

    @Override
    public long lag(int partition) {
        ShareCursor cursor = cursor(partition);
        return cursor == null ? -1 : cursor.lag();
    }
}
