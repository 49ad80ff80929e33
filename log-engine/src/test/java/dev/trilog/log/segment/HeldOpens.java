package dev.trilog.log.segment;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Stops the thread that opens a chosen segment log file (through {@link Segment#channels}) until
 * the test releases it, so a test can look at what other threads can do meanwhile. Restores the
 * previous opener on {@link #close}.
 */
public final class HeldOpens implements AutoCloseable {

    private final Segment.ChannelOpener previous = Segment.channels;
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    public HeldOpens(Predicate<Path> held) {
        Segment.channels = (file, options) -> {
            if (held.test(file)) {
                reached.countDown();
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return previous.open(file, options);
        };
    }

    /** Waits until a thread is held; false if none was within {@code seconds}. */
    public boolean awaitHeld(long seconds) throws InterruptedException {
        return reached.await(seconds, TimeUnit.SECONDS);
    }

    public void release() {
        released.countDown();
    }

    @Override
    public void close() {
        release();
        Segment.channels = previous;
    }
}
