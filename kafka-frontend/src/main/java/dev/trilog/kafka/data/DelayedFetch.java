package dev.trilog.kafka.data;

import dev.trilog.kafka.protocol.Reply;
import dev.trilog.log.PartitionLog;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The fetch purgatory: a fetch that found less than {@code fetch.min.bytes}, waiting for more.
 * An append to any of its partitions queues one re-read on the timer thread (at most one queued
 * at a time); the fetch answers when a read reaches {@code fetch.min.bytes} or meets an error, and
 * at {@code fetch.max.wait.ms} with whatever is there. Its append listeners and deadline are
 * removed when it answers, and the slices of a read it does not send are released.
 */
final class DelayedFetch {

    private final List<PartitionLog> logs;
    private final Supplier<FetchAttempt> read;
    private final int minBytes;
    private final ScheduledExecutorService timer;
    private final CompletableFuture<Reply> result = new CompletableFuture<>();
    private final AtomicBoolean checkQueued = new AtomicBoolean();
    private final AtomicBoolean answered = new AtomicBoolean();
    private final Runnable onAppend = this::queueCheck;
    private volatile ScheduledFuture<?> timeout;

    /**
     * @param logs     the partitions whose appends may complete it
     * @param read     reads every wanted partition once
     * @param minBytes {@code fetch.min.bytes}
     * @param timer    runs re-reads and the deadline
     */
    DelayedFetch(List<PartitionLog> logs, Supplier<FetchAttempt> read, int minBytes, ScheduledExecutorService timer) {
        this.logs = logs;
        this.read = read;
        this.minBytes = minBytes;
        this.timer = timer;
    }

    /** Starts waiting, at most {@code maxWaitMs}; the future completes with the reply to send. */
    CompletableFuture<Reply> start(int maxWaitMs) {
        for (PartitionLog log : logs) {
            log.addAppendListener(onAppend);
        }
        timeout = timer.schedule(() -> finish(read.get()), maxWaitMs, TimeUnit.MILLISECONDS);
        queueCheck(); // data may have arrived between the first read and the listeners
        return result;
    }

    private void queueCheck() {
        if (checkQueued.compareAndSet(false, true)) {
            timer.execute(() -> {
                checkQueued.set(false);
                if (answered.get()) {
                    return;
                }
                FetchAttempt attempt = read.get();
                if (attempt.bytes() >= minBytes || attempt.errors()) {
                    finish(attempt);
                } else {
                    attempt.release();
                }
            });
        }
    }

    private void finish(FetchAttempt attempt) {
        if (!answered.compareAndSet(false, true)) {
            attempt.release(); // the deadline and a re-read both got here: one answers (its reply updates the session)
            return;
        }
        for (PartitionLog log : logs) {
            log.removeAppendListener(onAppend);
        }
        ScheduledFuture<?> pending = timeout;
        if (pending != null) {
            pending.cancel(false);
        }
        result.complete(attempt.reply());
    }
}
