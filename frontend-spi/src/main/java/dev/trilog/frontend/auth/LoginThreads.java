package dev.trilog.frontend.auth;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Where a frontend checks logins: a few daemon threads (half the cores, at least one), apart from
 * the event loops, so a flood of guesses queues here while logged-in clients keep being served,
 * and takes at most half the machine's CPU.
 */
public final class LoginThreads {

    private LoginThreads() {
    }

    /** A new pool of login threads named {@code name}; shut it down with its listener. */
    public static ExecutorService newPool(String name) {
        return Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }
}
