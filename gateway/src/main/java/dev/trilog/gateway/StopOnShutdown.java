package dev.trilog.gateway;

/**
 * Stops the gateway when the JVM is asked to exit: {@code SIGTERM} ({@code kill},
 * {@code docker stop}, systemd), {@code SIGINT} (Ctrl-C) or {@code SIGHUP}.
 */
final class StopOnShutdown {

    private StopOnShutdown() {
    }

    static void install(RunningGateway gateway) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            // Left alone, the JVM would now exit with 128 + the signal (143 for SIGTERM, 130 for
            // Ctrl-C). A stop that was asked for and went cleanly is a success, and supervisors
            // and scripts read the exit status, so report 0 -- or 1 if a step failed. halt() is
            // the only way to choose the status from inside a hook (exit() would deadlock).
            Runtime.getRuntime().halt(gateway.stoppedCleanly() ? 0 : 1);
        }, "trilog-shutdown"));
    }
}
