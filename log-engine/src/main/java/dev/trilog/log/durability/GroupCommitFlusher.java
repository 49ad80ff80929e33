package dev.trilog.log.durability;

import dev.trilog.log.FlushObserver;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for topics whose appends wait for an fsync ({@code flush.messages} /
 * {@code flush.ms}): one thread fsyncs a partition when its flush is due, and that one fsync
 * completes every append that was waiting on it. Appends that arrive while an fsync runs are
 * covered by the next one, so the fsync rate, not the append rate, bounds the work.
 *
 * <p>Each partition's waiting appends and flush bookkeeping are its {@link DurabilityWaiters}.
 *
 * <p>Flush deadlines run on {@link System#nanoTime()}: this thread sleeps in real time.
 */
public final class GroupCommitFlusher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommitFlusher.class);

    private final Set<DurabilityWaiters> waiting = ConcurrentHashMap.newKeySet();
    private final Object signal = new Object();
    private final Thread thread;
    private boolean signalled;
    private volatile boolean running = true;
    private volatile FlushObserver observer = FlushObserver.NONE;

    public GroupCommitFlusher() {
        thread = new Thread(this::run, "trilog-flusher");
        thread.setDaemon(true);
        thread.start();
    }

    /** Who hears of each fsync from now on ({@link FlushObserver#NONE} to stop). */
    public void observe(FlushObserver observer) {
        this.observer = observer;
    }

    /** A partition has appends waiting for an fsync. */
    void requestFlush(DurabilityWaiters partition) {
        waiting.add(partition);
        synchronized (signal) {
            signalled = true;
            signal.notifyAll();
        }
    }

    private void run() {
        while (running) {
            long now = System.nanoTime();
            long sleepNanos = Long.MAX_VALUE;
            for (DurabilityWaiters partition : waiting) {
                try {
                    if (partition.flushDue(now)) {
                        long start = System.nanoTime();
                        int completed = partition.flushWaiting();
                        observer.flushed(System.nanoTime() - start, completed);
                    }
                } catch (IOException e) {
                    // the partition's storage state logs the first failure and the recovery, once each
                    log.debug("fsync of {} failed; its waiting appends are failed", partition.topicPartition(), e);
                    partition.failAll(e);
                } catch (RuntimeException e) {
                    log.error("fsync of {} failed; its waiting appends are failed", partition.topicPartition(), e);
                    partition.failAll(e);
                }
                if (!partition.hasWaiting()) {
                    waiting.remove(partition);
                    if (partition.hasWaiting()) {
                        waiting.add(partition);
                    }
                } else {
                    sleepNanos = Math.min(sleepNanos, partition.nanosUntilFlushDue(now));
                }
            }
            synchronized (signal) {
                if (!signalled && running) {
                    try {
                        long millis = sleepNanos == Long.MAX_VALUE ? 1000 : Math.max(1, sleepNanos / 1_000_000);
                        signal.wait(millis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                signalled = false;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        synchronized (signal) {
            signal.notifyAll();
        }
        thread.join(10_000);
    }
}
