package dev.trilog.compat.abuse;

import java.util.ArrayList;
import java.util.List;

/** An abuse's own threads (daemons, so a hung one cannot keep the test JVM alive), joined when it stops. */
final class Background {

    private final List<Thread> threads = new ArrayList<>();

    void start(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    /** Waits for every thread to end (they end once their sockets are closed), at most 30 s each. */
    void join() throws InterruptedException {
        for (Thread thread : threads) {
            thread.join(30_000);
        }
    }
}
