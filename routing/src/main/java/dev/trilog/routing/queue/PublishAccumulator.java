package dev.trilog.routing.queue;

import dev.trilog.log.AppendResult;
import dev.trilog.log.PartitionLog;
import dev.trilog.log.record.RecordData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Group commit for one partition: publishes that arrive while an append is running are written
 * together as one batch by one append, and each completes (with its offset) when its batch is
 * as durable as the topic's flush policy asks.
 *
 * <p>No thread of its own: the publisher that finds no append running does the append for
 * everyone waiting (leader-based combining), so a lone publish is written at once and a burst is
 * written in few batches.
 */
final class PublishAccumulator {

    private final PartitionLog log;
    private final int maxBatchRecords;
    private final int maxBatchBytes;
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean appending = new AtomicBoolean();

    private record Pending(RecordData record, CompletableFuture<Long> offset) {
    }

    PublishAccumulator(PartitionLog log, int maxBatchRecords, int maxBatchBytes) {
        this.log = log;
        this.maxBatchRecords = maxBatchRecords;
        this.maxBatchBytes = maxBatchBytes;
    }

    /** Completes with the record's offset once it is durable. */
    CompletableFuture<Long> add(RecordData record) {
        CompletableFuture<Long> offset = new CompletableFuture<>();
        pending.add(new Pending(record, offset));
        drain();
        return offset;
    }

    /** Adds several records; they go into as few batches as the limits allow. */
    List<CompletableFuture<Long>> addAll(List<RecordData> records) {
        List<CompletableFuture<Long>> offsets = new ArrayList<>(records.size());
        for (RecordData record : records) {
            CompletableFuture<Long> offset = new CompletableFuture<>();
            pending.add(new Pending(record, offset));
            offsets.add(offset);
        }
        drain();
        return offsets;
    }

    private void drain() {
        // re-check after letting go: a publish queued just before the release found us appending
        while (!pending.isEmpty() && appending.compareAndSet(false, true)) {
            try {
                appendOneBatch();
            } finally {
                appending.set(false);
            }
        }
    }

    private void appendOneBatch() {
        List<Pending> batch = new ArrayList<>(Math.min(maxBatchRecords, 64));
        int bytes = 0;
        Pending next;
        while (batch.size() < maxBatchRecords && (next = pending.peek()) != null) {
            int size = sizeOf(next.record);
            if (!batch.isEmpty() && bytes + size > maxBatchBytes) {
                break;
            }
            batch.add(pending.poll());
            bytes += size;
        }
        List<RecordData> records = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            records.add(p.record);
        }
        AppendResult result;
        try {
            result = log.appendRecords(records, "none");
        } catch (java.io.IOException | RuntimeException e) {
            batch.forEach(p -> p.offset.completeExceptionally(e));
            return;
        }
        long first = result.firstOffset();
        result.durable().whenComplete((ignored, failure) -> {
            for (int i = 0; i < batch.size(); i++) {
                if (failure != null) {
                    batch.get(i).offset.completeExceptionally(failure);
                } else {
                    batch.get(i).offset.complete(first + i);
                }
            }
        });
    }

    private static int sizeOf(RecordData record) {
        return (record.value() == null ? 0 : record.value().length) + (record.key() == null ? 0 : record.key().length)
                + 64;
    }
}
