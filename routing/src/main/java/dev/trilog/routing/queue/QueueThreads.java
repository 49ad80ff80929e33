package dev.trilog.routing.queue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The threads of one {@link Queues}: the background thread (long-poll deadlines, dead-lettering
 * of records the cursor archived, housekeeping), the delivery thread (push rounds, asynchronous
 * receives, every {@link DeliverySink} call), the append threads of the accumulators, and the
 * writer of deduplication ids; and the order in which they stop.
 */
final class QueueThreads {

    /** Long-poll deadlines, dead-lettering after a cursor's archive, the periodic tick. */
    final ScheduledExecutorService background;
    /**
     * Push rounds ({@link QueueDispatcher}), asynchronous receives and the sinks' calls: one
     * thread, so one subscription's calls come in order; it never waits on the disk.
     */
    final ExecutorService delivery;
    /** Runs the accumulators' appends (see {@link PublishAccumulator}). */
    final ExecutorService appender;
    /** Writes remembered deduplication ids (see {@link DeduplicationWindow}). */
    final ExecutorService dedupWriter;

    QueueThreads() {
        this.dedupWriter = Executors.newSingleThreadExecutor(daemon("trilog-queue-dedup"));
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, daemon("trilog-queues"));
        // long-poll timeouts still scheduled when closing are answered by close itself
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        // a long poll answered early cancels its deadline: out of the queue at once, not when it was due
        executor.setRemoveOnCancelPolicy(true);
        this.background = executor;
        this.delivery = Executors.newSingleThreadExecutor(daemon("trilog-queue-delivery"));
        this.appender = Executors.newFixedThreadPool(Math.min(2, Runtime.getRuntime().availableProcessors()),
                r -> {
                    Thread t = new AppendThread(r);
                    t.setDaemon(true);
                    return t;
                });
    }

    /** An append thread: what it appends may go on to the queue's waiting long polls itself. */
    private static final class AppendThread extends Thread {
        AppendThread(Runnable task) {
            super(task, "trilog-queue-appender");
        }
    }

    /** Set while a publisher's thread writes its own publish ({@link #appendingInPlace}). */
    private static final ThreadLocal<Boolean> IN_PLACE = ThreadLocal.withInitial(() -> Boolean.FALSE);

    /**
     * Whether the caller is one of the facade's append threads, or a publisher's thread writing
     * its own publish in place ({@link PublishAccumulator}); not a Kafka producer's, nor a follower's.
     */
    static boolean onAppendThread() {
        return Thread.currentThread() instanceof AppendThread || IN_PLACE.get();
    }

    /** Runs {@code append} as an append thread would (see {@link #onAppendThread}). */
    static void appendingInPlace(Runnable append) {
        Boolean before = IN_PLACE.get();
        IN_PLACE.set(Boolean.TRUE);
        try {
            append.run();
        } finally {
            IN_PLACE.set(before);
        }
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Stops the background thread, lets the delivery thread finish what is queued, then the
     * queued appends, then the id writes they led to (their ids are remembered too).
     */
    void shutdown() {
        background.shutdown();
        delivery.shutdown();
        appender.shutdown();
        try {
            background.awaitTermination(10, TimeUnit.SECONDS);
            delivery.awaitTermination(10, TimeUnit.SECONDS);
            appender.awaitTermination(10, TimeUnit.SECONDS); // queued publishes are written
            dedupWriter.shutdown(); // after the appends: their ids are remembered too
            dedupWriter.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
