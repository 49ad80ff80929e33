package dev.trilog.kafka.group;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator's clock and delayed tasks: the broker's timer in a running broker, a manual
 * clock in unit tests, so session and rebalance timeouts can be tested without waiting.
 */
public interface GroupTimer {

    /** The current time in milliseconds (commit timestamps, deadlines). */
    long nowMs();

    /**
     * Runs {@code task} once after {@code delayMs}, on another thread than the caller's.
     *
     * @return cancels the task if it has not started
     */
    Runnable schedule(long delayMs, Runnable task);

    /** Wall-clock time and the given executor. */
    static GroupTimer on(ScheduledExecutorService executor) {
        return new GroupTimer() {
            @Override
            public long nowMs() {
                return System.currentTimeMillis();
            }

            @Override
            public Runnable schedule(long delayMs, Runnable task) {
                ScheduledFuture<?> future;
                try {
                    future = executor.schedule(task, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    return () -> { }; // the broker is stopping: no timeout matters any more
                }
                return () -> future.cancel(false);
            }
        };
    }
}
