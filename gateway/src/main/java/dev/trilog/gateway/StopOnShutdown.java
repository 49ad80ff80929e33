package dev.trilog.gateway;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Stops the gateway when the JVM is asked to exit: {@code SIGTERM} ({@code kill},
 * {@code docker stop}, systemd), {@code SIGINT} (Ctrl-C) or {@code SIGHUP} — also while it is
 * still starting. Installed before anything starts: a signal that arrives mid-start waits for the
 * start to finish (or fail, closing what it opened), then stops what started, so the log is
 * closed cleanly whatever the moment. A start that could wait for ever — a cluster node's
 * start-up writes waiting for a majority it cannot reach — is told to give up instead
 * ({@link StopDuringStart}).
 */
final class StopOnShutdown {

    /** How long a stop asked for during start-up waits for the start (opening a big log takes a while). */
    private static final long START_WAIT_SECONDS = 120;

    private final CountDownLatch settled = new CountDownLatch(1);
    private final StopDuringStart duringStart = new StopDuringStart();
    private volatile RunningGateway gateway;
    /** The exit status of a start a stop ended ({@link #stoppedWhileStarting}); null otherwise. */
    private volatile Integer stoppedWhileStarting;

    private StopOnShutdown() {
    }

    /** Installs the hook now, before the gateway starts; tell it {@link #started} or {@link #startFailed}. */
    static StopOnShutdown install() {
        StopOnShutdown stop = new StopOnShutdown();
        Runtime.getRuntime().addShutdownHook(new Thread(stop::stop, "trilog-shutdown"));
        return stop;
    }

    void started(RunningGateway running) {
        gateway = running;
        settled.countDown();
    }

    /** The start failed and closed what it had opened: nothing to stop. */
    void startFailed() {
        settled.countDown();
    }

    /** What the start is told when a stop comes while it runs: hand it to {@link Gateway#start}. */
    StopDuringStart duringStart() {
        return duringStart;
    }

    /** The stop ended the start, which closed what it opened, {@code cleanly} or not. */
    void stoppedWhileStarting(boolean cleanly) {
        stoppedWhileStarting = cleanly ? 0 : 1;
        settled.countDown();
    }

    private void stop() {
        duringStart.ask(); // a start waiting on a cluster majority that may never come gives up
        try {
            settled.await(START_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            // stop with what there is
        }
        RunningGateway running = gateway;
        if (running == null) {
            Integer status = stoppedWhileStarting;
            if (status != null) {
                Runtime.getRuntime().halt(status); // as below: a clean stop is a success
            }
            return; // the start failed (it said why, closed what it opened and chose the exit status)
        }
        running.close();
        // Left alone, the JVM would now exit with 128 + the signal (143 for SIGTERM, 130 for
        // Ctrl-C). A stop that was asked for and went cleanly is a success, and supervisors
        // and scripts read the exit status, so report 0 -- or 1 if a step failed. halt() is
        // the only way to choose the status from inside a hook (exit() would deadlock).
        Runtime.getRuntime().halt(running.stoppedCleanly() ? 0 : 1);
    }
}
