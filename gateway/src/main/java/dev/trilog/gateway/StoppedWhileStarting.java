package dev.trilog.gateway;

/**
 * The start ended because a stop was asked for while it ran ({@link StopDuringStart}): what it
 * had opened is closed, {@link #cleanly()} says whether without a failure. Not an error to
 * report: the stop was what the user asked for.
 */
final class StoppedWhileStarting extends RuntimeException {

    private final boolean cleanly;

    StoppedWhileStarting(boolean cleanly, Throwable startFailure) {
        super("stopped while starting", startFailure);
        this.cleanly = cleanly;
    }

    boolean cleanly() {
        return cleanly;
    }
}
