package dev.trilog.compare.run;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Ctrl-C: the run in progress ends its phase early, and what was measured is still written out. */
public final class StopSignal {

    private volatile boolean stopped;
    private final CountDownLatch finished = new CountDownLatch(1);

    public void stop() {
        stopped = true;
    }

    public boolean stopped() {
        return stopped;
    }

    /** Sleeps up to {@code millis}, returning early (false) once stopped. */
    public boolean sleep(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!stopped) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            Thread.sleep(Math.min(50, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))));
        }
        return false;
    }

    /** Called once compare has written its results. */
    public void finished() {
        finished.countDown();
    }

    public void awaitFinished(long seconds) throws InterruptedException {
        finished.await(seconds, TimeUnit.SECONDS);
    }
}
