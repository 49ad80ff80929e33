package dev.trilog.routing.queue;

import dev.trilog.log.AppendResult;
import dev.trilog.log.PartitionLog;
import dev.trilog.log.record.RecordData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Group commit for one partition: publishes that arrive while an append is running are written
 * together as one batch by one append, and each completes (with its result) when its batch is
 * as durable as the topic's flush policy asks.
 *
 * <p>Publishers only queue their record; the append runs on the shared {@code appender}
 * executor, one task per accumulator at a time. Whatever queues up while an append is being
 * written goes into the next one, so a lone publish is written at once and a burst (one AMQP
 * connection's frames, many SQS requests) in few batches. Publishing on the caller's thread
 * instead would write a burst from one thread as batches of one record.
 */
final class PublishAccumulator {

    private final PartitionLog log;
    private final int partition;
    private final int maxBatchRecords;
    private final int maxBatchBytes;
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Executor appender;

    /** The result is completed here directly: no dependent stage per message on the hot path. */
    private record Pending(RecordData record, String messageId, CompletableFuture<PublishResult> result) {
    }

    PublishAccumulator(PartitionLog log, int maxBatchRecords, int maxBatchBytes, Executor appender) {
        this.log = log;
        this.partition = log.topicPartition().partition();
        this.appender = appender;
        this.maxBatchRecords = maxBatchRecords;
        this.maxBatchBytes = maxBatchBytes;
    }

    /** Completes with where the record landed once it is durable. */
    CompletableFuture<PublishResult> add(RecordData record, String messageId) {
        CompletableFuture<PublishResult> result = new CompletableFuture<>();
        pending.add(new Pending(record, messageId, result));
        drain();
        return result;
    }

    /**
     * Queues several records before waking the append thread, so they go out together (one batch
     * when the limits allow) whatever the thread timing.
     */
    List<CompletableFuture<PublishResult>> addAll(List<RecordData> records, List<String> messageIds) {
        List<CompletableFuture<PublishResult>> results = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            CompletableFuture<PublishResult> result = new CompletableFuture<>();
            pending.add(new Pending(records.get(i), messageIds.get(i), result));
            results.add(result);
        }
        drain();
        return results;
    }

    private void drain() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                appender.execute(this::appendAll);
            } catch (RejectedExecutionException e) {
                scheduled.set(false);
                failAll(e);
            }
        }
    }

    private void appendAll() {
        do {
            while (!pending.isEmpty()) {
                appendOneBatch();
            }
            scheduled.set(false);
            // a publish queued after the last look but before the flag dropped did not schedule us
        } while (!pending.isEmpty() && scheduled.compareAndSet(false, true));
    }

    private void failAll(Exception e) {
        Pending p;
        while ((p = pending.poll()) != null) {
            p.result.completeExceptionally(e);
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
            batch.forEach(p -> p.result.completeExceptionally(e));
            return;
        }
        long first = result.firstOffset();
        result.durable().whenComplete((ignored, failure) -> {
            for (int i = 0; i < batch.size(); i++) {
                Pending p = batch.get(i);
                if (failure != null) {
                    p.result.completeExceptionally(failure);
                } else {
                    p.result.complete(new PublishResult(partition, first + i, p.messageId, false));
                }
            }
        });
    }

    private static int sizeOf(RecordData record) {
        return (record.value() == null ? 0 : record.value().length) + (record.key() == null ? 0 : record.key().length)
                + 64;
    }
}
