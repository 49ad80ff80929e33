package dev.trilog.kafka.share;

import dev.trilog.log.PartitionLog;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A share fetch that found nothing, waiting up to {@code MaxWaitMs} for records: it tries again
 * when one of its partitions is appended to, and every {@value #RECHECK_MS} ms for records other
 * consumers released or whose lock ran out. One attempt runs at a time, and none after it answered,
 * so nothing is acquired for a response already sent.
 */
final class ShareFetchWait {

    static final long RECHECK_MS = 100;

    private final ShareFetchRead read;
    private final ScheduledExecutorService timer;
    private final CompletableFuture<Map<SharePartition, ShareFetchRead.Fetched>> result = new CompletableFuture<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private final Runnable onAppend = this::queueAttempt;
    private volatile boolean last;
    private volatile List<PartitionLog> logs = List.of();
    private volatile ScheduledFuture<?> recheck;
    private volatile ScheduledFuture<?> deadline;

    ShareFetchWait(ShareFetchRead read, ScheduledExecutorService timer) {
        this.read = read;
        this.timer = timer;
    }

    /** Tries at once and, finding nothing, waits at most {@code maxWaitMs}; completes with what was acquired. */
    CompletableFuture<Map<SharePartition, ShareFetchRead.Fetched>> start(int maxWaitMs) {
        if (maxWaitMs == 0) {
            last = true;
            attempt();
            return result;
        }
        logs = read.logs();
        logs.forEach(log -> log.addAppendListener(onAppend));
        recheck = timer.scheduleWithFixedDelay(this::attempt, RECHECK_MS, RECHECK_MS, TimeUnit.MILLISECONDS);
        deadline = timer.schedule(() -> {
            last = true;
            attempt();
        }, maxWaitMs, TimeUnit.MILLISECONDS);
        attempt();
        return result;
    }

    private void queueAttempt() {
        timer.execute(this::attempt);
    }

    private void attempt() {
        if (result.isDone()) {
            return;
        }
        if (!running.compareAndSet(false, true)) {
            again.set(true); // the running attempt looks again when it is done
            return;
        }
        boolean finalAttempt = last;
        read.attempt().whenComplete((fetched, failure) -> {
            if (failure != null) {
                finish();
                result.completeExceptionally(failure);
            } else if (!fetched.isEmpty() || finalAttempt) {
                finish();
                result.complete(fetched);
            }
            running.set(false);
            if (again.getAndSet(false) || (last && !finalAttempt)) {
                queueAttempt();
            }
        });
    }

    private void finish() {
        logs.forEach(log -> log.removeAppendListener(onAppend));
        if (recheck != null) {
            recheck.cancel(false);
        }
        if (deadline != null) {
            deadline.cancel(false);
        }
    }
}
