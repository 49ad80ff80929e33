package dev.trilog.log.durability;

import dev.trilog.log.LogConfig;
import dev.trilog.log.partition.LogSegments;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;

/**
 * One partition's appends that wait for an fsync ({@code flush.messages} / {@code flush.ms}), and
 * how far its log is known to be fsynced. The invariant: an append's future completes only after
 * an fsync that covers its last offset has finished, and one fsync completes every append it
 * covers (group commit). Under the page-cache policy (the default) an append is durable at once.
 *
 * <p>Threading: appends register under the partition's write lock; the {@link GroupCommitFlusher}
 * thread asks when a flush is due, runs it and completes the waiters; {@link #flushTo} may also be
 * called by the partition (an explicit flush, close). The waiter queue and the counters are
 * guarded by the queue's monitor; the fsync itself runs outside it.
 */
public final class DurabilityWaiters {

    /** Shared by every append under the page-cache policy; callers only chain on it. */
    private static final CompletableFuture<Void> ALREADY_DURABLE = CompletableFuture.completedFuture(null);

    private final TopicPartition topicPartition;
    private final Supplier<LogConfig> config;
    private final LongSupplier logEndOffset;
    private final LogSegments segments;
    private final GroupCommitFlusher flusher;
    private final FsyncOutcomes outcomes;

    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private long unflushedMessages;
    private long firstUnflushedNanos = -1;
    /** Every offset below it is fsynced. */
    private long flushedOffset;

    private record Waiter(long lastOffset, CompletableFuture<Void> future) {
    }

    /** Told how each fsync of the partition's log went (its storage-failure state follows them). */
    public interface FsyncOutcomes {
        void fsynced();

        void fsyncFailed(IOException cause);
    }

    /**
     * @param flushedOffset where the log is known to be durable when the partition opens (its
     *                      log end offset: what survived the last run is on disk)
     */
    public DurabilityWaiters(TopicPartition topicPartition, Supplier<LogConfig> config, LongSupplier logEndOffset,
            LogSegments segments, GroupCommitFlusher flusher, FsyncOutcomes outcomes, long flushedOffset) {
        this.topicPartition = topicPartition;
        this.config = config;
        this.logEndOffset = logEndOffset;
        this.segments = segments;
        this.flusher = flusher;
        this.outcomes = outcomes;
        this.flushedOffset = flushedOffset;
    }

    /**
     * Completes when everything up to {@code lastOffset} is as durable as the topic's flush policy
     * asks; {@code newMessages} count towards {@code flush.messages}.
     */
    public CompletableFuture<Void> whenDurable(long lastOffset, int newMessages) {
        if (!config.get().fsyncBeforeAck()) {
            return ALREADY_DURABLE;
        }
        CompletableFuture<Void> future = new CompletableFuture<>();
        synchronized (waiters) {
            if (lastOffset < flushedOffset) {
                return CompletableFuture.completedFuture(null);
            }
            waiters.add(new Waiter(lastOffset, future));
            unflushedMessages += newMessages;
            if (firstUnflushedNanos < 0) {
                firstUnflushedNanos = System.nanoTime();
            }
        }
        flusher.requestFlush(this);
        return future;
    }

    /** fsyncs the log up to {@code target} (exclusive); the waiters are completed by the flusher's next pass. */
    public void flushTo(long target) throws IOException {
        long from;
        synchronized (waiters) {
            from = flushedOffset;
        }
        try {
            segments.flushLogs(from, target);
        } catch (IOException e) {
            outcomes.fsyncFailed(e);
            throw e;
        }
        outcomes.fsynced();
        synchronized (waiters) {
            flushedOffset = Math.max(flushedOffset, target);
        }
    }

    /** Fails every waiting append (the fsync failed, or the partition is closed or deleted). */
    public void failAll(Throwable cause) {
        List<CompletableFuture<Void>> failed = new ArrayList<>();
        synchronized (waiters) {
            while (!waiters.isEmpty()) {
                failed.add(waiters.poll().future());
            }
        }
        failed.forEach(f -> f.completeExceptionally(cause));
    }

    // ---------------------------------------------------------------- for the flusher thread

    TopicPartition topicPartition() {
        return topicPartition;
    }

    boolean hasWaiting() {
        synchronized (waiters) {
            return !waiters.isEmpty();
        }
    }

    boolean flushDue(long nowNanos) {
        return nanosUntilFlushDue(nowNanos) <= 0;
    }

    /** Until {@code flush.messages} appends wait or the oldest has waited {@code flush.ms}; MAX_VALUE when none waits. */
    long nanosUntilFlushDue(long nowNanos) {
        LogConfig current = config.get();
        synchronized (waiters) {
            if (waiters.isEmpty()) {
                return Long.MAX_VALUE;
            }
            if (unflushedMessages >= current.flushMessages()) {
                return 0;
            }
            long flushMs = current.flushMs();
            if (flushMs == Long.MAX_VALUE) {
                // flush.messages alone: do not let a lone append wait for company forever
                flushMs = 1000;
            }
            return firstUnflushedNanos + flushMs * 1_000_000 - nowNanos;
        }
    }

    /** fsyncs every segment holding unflushed data and completes the appends it covers; returns how many. */
    int flushWaiting() throws IOException {
        long target;
        synchronized (waiters) {
            target = logEndOffset.getAsLong();
            unflushedMessages = 0;
            firstUnflushedNanos = -1;
        }
        flushTo(target);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        synchronized (waiters) {
            while (!waiters.isEmpty() && waiters.peek().lastOffset() < target) {
                done.add(waiters.poll().future());
            }
        }
        done.forEach(f -> f.complete(null));
        return done.size();
    }
}
