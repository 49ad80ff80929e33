package dev.trilog.routing.queue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The threads of one {@link Queues}: the background thread (long polls, dead-lettering of
 * records the cursor archived, housekeeping), the append threads of the accumulators, and the
 * writer of deduplication ids; and the order in which they stop.
 */
final class QueueThreads {

    /** Long polls, dead-lettering after a cursor's archive, the periodic tick. */
    final ScheduledExecutorService background;
    /** Runs the accumulators' appends (see {@link PublishAccumulator}). */
    final ExecutorService appender;
    /** Writes remembered deduplication ids (see {@link DeduplicationWindow}). */
    final ExecutorService dedupWriter;

    QueueThreads() {
        this.dedupWriter = Executors.newSingleThreadExecutor(daemon("trilog-queue-dedup"));
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, daemon("trilog-queues"));
        // long-poll timeouts still scheduled when closing are answered by close itself
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.background = executor;
        this.appender = Executors.newFixedThreadPool(Math.min(2, Runtime.getRuntime().availableProcessors()),
                daemon("trilog-queue-appender"));
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Stops the background thread, then lets the queued appends finish, then the id writes they
     * led to (their ids are remembered too).
     */
    void shutdown() {
        background.shutdown();
        appender.shutdown();
        try {
            background.awaitTermination(10, TimeUnit.SECONDS);
            appender.awaitTermination(10, TimeUnit.SECONDS); // queued publishes are written
            dedupWriter.shutdown(); // after the appends: their ids are remembered too
            dedupWriter.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
