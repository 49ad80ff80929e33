package dev.trilog.routing.queue;

import dev.trilog.log.LogAppender;
import dev.trilog.log.record.RecordData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.common.TopicPartition;
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
 *
 * <p>The hand-off costs a publisher one compare-and-set: what is queued is a stack of
 * {@link Entry entries} (each its own future and its own stack node), and the same reference
 * says whether an append task is scheduled ({@link #IDLE}). The append thread takes the whole
 * stack with one swap. An {@link #addAll} of many records is one entry with one future.
 *
 * <p>What is queued and not yet durable counts in the facade's {@link PublishBacklog} (added on
 * the publisher's thread, taken off per batch once it is durable or failed).
 */
final class PublishAccumulator {

    /** An {@code inPlace} executor that writes on the publisher's thread, before {@link #add} returns. */
    static final Executor NOW = Runnable::run;

    /** The top of the stack when no append task is scheduled (nothing queued). */
    private static final Entry<?> IDLE = new Single(null, null, 0);

    /** The engine's append seam, and the partition this accumulator writes to through it. */
    private final LogAppender log;
    private final TopicPartition topicPartition;
    private final int partition;
    private final int maxBatchRecords;
    private final int maxBatchBytes;
    /** Newest entry first; null = an append task is scheduled and nothing is queued; {@link #IDLE}. */
    private final AtomicReference<Entry<?>> queued = new AtomicReference<>(IDLE);
    private final Executor appender;
    private final PublishBacklog backlog;

    /** Without back-pressure accounting (tests). */
    PublishAccumulator(LogAppender log, TopicPartition topicPartition, int maxBatchRecords, int maxBatchBytes,
            Executor appender) {
        this(log, topicPartition, maxBatchRecords, maxBatchBytes, appender,
                new PublishBacklog(Long.MAX_VALUE, 0, Runnable::run));
    }

    PublishAccumulator(LogAppender log, TopicPartition topicPartition, int maxBatchRecords, int maxBatchBytes,
            Executor appender, PublishBacklog backlog) {
        this.log = log;
        this.backlog = backlog;
        this.topicPartition = topicPartition;
        this.partition = topicPartition.partition();
        this.appender = appender;
        this.maxBatchRecords = maxBatchRecords;
        this.maxBatchBytes = maxBatchBytes;
    }

    /** Completes with where the record landed once it is durable. */
    CompletableFuture<PublishResult> add(RecordData record, String messageId) {
        return add(record, messageId, null);
    }

    /**
     * As {@link #add(RecordData, String)}; with an {@code inPlace} executor, when no append is
     * running or queued and the log writes on the caller's thread, what is queued is written by a
     * task on that executor instead of on an append thread (see {@link #appendInPlace}):
     * {@link #NOW} writes it right here, before this returns; a publisher's own event loop writes
     * it once the work it is running is done, with everything published to this partition
     * meanwhile (its read burst) in the same append. Null: an append thread, as always.
     */
    CompletableFuture<PublishResult> add(RecordData record, String messageId, Executor inPlace) {
        Single single = new Single(record, messageId, sizeOf(record));
        push(single, inPlace);
        return single;
    }

    /**
     * Queues several records as one entry (one batch when the limits allow), so they go out
     * together whatever the thread timing. Once durable, the result of {@code records[k]} is in
     * {@code results[slots[k]]}, then the returned future completes.
     */
    CompletableFuture<Void> addAll(RecordData[] records, String[] messageIds, int[] slots, PublishResult[] results) {
        int bytes = 0;
        for (RecordData record : records) {
            bytes += sizeOf(record);
        }
        if (records.length <= maxBatchRecords && bytes <= maxBatchBytes) {
            Several several = new Several(records, messageIds, slots, results, bytes);
            push(several, null);
            return several;
        }
        // an entry is never split over two appends (its offsets are consecutive): cut it at the limits
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        int from = 0;
        while (from < records.length) {
            int to = from;
            int partBytes = 0;
            while (to < records.length && (to == from
                    || (to - from < maxBatchRecords && partBytes + sizeOf(records[to]) <= maxBatchBytes))) {
                partBytes += sizeOf(records[to]);
                to++;
            }
            Several part = new Several(java.util.Arrays.copyOfRange(records, from, to),
                    java.util.Arrays.copyOfRange(messageIds, from, to), java.util.Arrays.copyOfRange(slots, from, to),
                    results, partBytes);
            push(part, null);
            parts.add(part);
            from = to;
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
    }

    private void push(Entry<?> entry, Executor inPlace) {
        backlog.accepted(entry.bytes);
        Entry<?> top;
        do {
            top = queued.get();
            entry.next = top == IDLE ? null : top;
        } while (!queued.compareAndSet(top, entry));
        if (top == IDLE) {
            if (inPlace != null && log.writesOnCallerThread()) {
                scheduleInPlace(inPlace);
            } else {
                scheduleAppend();
            }
        }
    }

    private void scheduleInPlace(Executor inPlace) {
        try {
            inPlace.execute(this::appendInPlace);
        } catch (RejectedExecutionException e) { // the publisher's event loop is closing
            scheduleAppend();
        }
    }

    private void scheduleAppend() {
        try {
            appender.execute(this::appendAll);
        } catch (RejectedExecutionException e) {
            failAll(e);
        }
    }

    /**
     * The publisher found the accumulator idle: it writes what is queued (its own record, and
     * whatever came meanwhile) on its own thread, once, and leaves anything queued after that to
     * an append thread. A lone publish then needs no append thread to wake, and its answer no
     * wake back to the publisher's thread: for an SQS message sent to a waiting long poll, one of
     * the two hand-offs between the send and the poll's answer (both when the poll's connection
     * is on the sender's I/O thread), and the one back for the send's own answer
     * (bench/sqs/RESULTS.md, sqs22). A burst still batches: while this thread writes, the
     * others' publishes queue up for the append thread. On a publisher's event loop (AMQP 0-9-1)
     * this runs as a task after the read burst that published, so the burst is one append, and
     * its answers complete on the loop that writes the confirms (bench/amqp091/RESULTS.md).
     */
    private void appendInPlace() {
        Entry<?> taken = queued.getAndSet(null);
        QueueThreads.appendingInPlace(() -> write(oldestFirst(taken)));
        if (!queued.compareAndSet(null, IDLE)) {
            scheduleAppend(); // more came meanwhile
        }
    }

    /** The append task: writes whatever is queued until nothing is, then marks the accumulator idle. */
    private void appendAll() {
        while (true) {
            Entry<?> taken = queued.getAndSet(null);
            if (taken == null) {
                if (queued.compareAndSet(null, IDLE)) {
                    return;
                }
                continue; // a publish came in between
            }
            write(oldestFirst(taken));
        }
    }

    private static List<Entry<?>> oldestFirst(Entry<?> newest) {
        ArrayList<Entry<?>> entries = new ArrayList<>();
        for (Entry<?> e = newest; e != null; e = e.next) {
            entries.add(e);
        }
        java.util.Collections.reverse(entries);
        return entries;
    }

    /** Writes the entries in order, in as few appends as the batch limits allow. */
    private void write(List<Entry<?>> entries) {
        int start = 0;
        while (start < entries.size()) {
            int end = start;
            int records = 0;
            int bytes = 0;
            while (end < entries.size()) {
                Entry<?> e = entries.get(end);
                if (end > start && (records + e.count() > maxBatchRecords || bytes + e.bytes > maxBatchBytes)) {
                    break;
                }
                records += e.count();
                bytes += e.bytes;
                end++;
            }
            append(entries.subList(start, end), records);
            start = end;
        }
    }

    private void append(List<Entry<?>> batch, int count) {
        List<RecordData> records = new ArrayList<>(count);
        long bytes = 0;
        for (Entry<?> e : batch) {
            e.addRecordsTo(records);
            bytes += e.bytes;
        }
        long batchBytes = bytes;
        // the seam writes on this thread and completes once durable, so batches land in order
        log.appendRecords(topicPartition, records).whenComplete((result, failure) -> {
            backlog.done(batchBytes);
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            long offset = failure == null ? result.firstOffset() : -1;
            for (Entry<?> e : batch) {
                if (cause != null) {
                    e.completeExceptionally(cause);
                } else {
                    e.landed(partition, offset);
                }
                offset += e.count();
            }
        });
    }

    private void failAll(Exception e) {
        Entry<?> taken = queued.getAndSet(IDLE);
        for (Entry<?> entry = taken; entry != null && entry != IDLE; entry = entry.next) {
            backlog.done(entry.bytes);
            entry.completeExceptionally(e);
        }
    }

    private static int sizeOf(RecordData record) {
        return (record.value() == null ? 0 : record.value().length) + (record.key() == null ? 0 : record.key().length)
                + 64;
    }

    /** Queued records with the future of their publish; also the stack's node. */
    private abstract static class Entry<T> extends CompletableFuture<T> {
        final int bytes;
        /** The entry queued before this one (written by the pushing thread before it publishes this one). */
        Entry<?> next;

        Entry(int bytes) {
            this.bytes = bytes;
        }

        abstract int count();

        abstract void addRecordsTo(List<RecordData> records);

        /** The batch is durable; this entry's first record is at {@code offset}. */
        abstract void landed(int partition, long offset);
    }

    /** One {@link #add}: its future is the publish's. */
    private static final class Single extends Entry<PublishResult> {
        private final RecordData record;
        private final String messageId;

        Single(RecordData record, String messageId, int bytes) {
            super(bytes);
            this.record = record;
            this.messageId = messageId;
        }

        @Override
        int count() {
            return 1;
        }

        @Override
        void addRecordsTo(List<RecordData> records) {
            records.add(record);
        }

        @Override
        void landed(int partition, long offset) {
            complete(new PublishResult(partition, offset, messageId, false));
        }
    }

    /** One {@link #addAll} (or part of one): fills the caller's results, then completes. */
    private static final class Several extends Entry<Void> {
        private final RecordData[] records;
        private final String[] messageIds;
        private final int[] slots;
        private final PublishResult[] results;

        Several(RecordData[] records, String[] messageIds, int[] slots, PublishResult[] results, int bytes) {
            super(bytes);
            this.records = records;
            this.messageIds = messageIds;
            this.slots = slots;
            this.results = results;
        }

        @Override
        int count() {
            return records.length;
        }

        @Override
        void addRecordsTo(List<RecordData> out) {
            for (RecordData record : records) {
                out.add(record);
            }
        }

        @Override
        void landed(int partition, long offset) {
            for (int k = 0; k < records.length; k++) {
                results[slots[k]] = new PublishResult(partition, offset + k, messageIds[k], false);
            }
            complete(null);
        }
    }
}
