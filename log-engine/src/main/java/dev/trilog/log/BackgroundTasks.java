package dev.trilog.log;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The engine's scheduled work, each kind on its own daemon thread: the maintenance thread runs
 * the periodic passes (retention and segment-age rolls, compaction) one at a time, and the sealer
 * seals segments that rolls left behind, so an append never waits for a seal. (Group-commit
 * fsyncs have their own thread, {@link dev.trilog.log.durability.GroupCommitFlusher}.)
 *
 * <p>Stopping lets the running task finish: a task is never interrupted, because an interrupt
 * closes any {@link java.nio.channels.FileChannel} it is using.
 */
final class BackgroundTasks {

    private final ExecutorService sealer = Executors.newSingleThreadExecutor(daemon("trilog-segment-sealer"));
    private final ScheduledExecutorService maintenance =
            Executors.newSingleThreadScheduledExecutor(daemon("trilog-log-maintenance"));

    /** Where partitions hand a rolled segment to be sealed. */
    Executor sealer() {
        return sealer;
    }

    /** Runs {@code pass} every {@code intervalMs}, counted from the end of the previous run. */
    void every(long intervalMs, Runnable pass) {
        maintenance.scheduleWithFixedDelay(pass, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** Stops both threads, waiting up to 30 seconds each for the task at hand. */
    void stop() {
        // not shutdownNow(): an interrupt closes any FileChannel the task is using
        maintenance.shutdown();
        sealer.shutdown();
        try {
            maintenance.awaitTermination(30, TimeUnit.SECONDS);
            sealer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
