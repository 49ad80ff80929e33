package dev.trilog.routing.queue;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishers held back by consumer-paced publishing ({@link Queues#paced}), each waiting to be
 * told that its queue is no longer paced ({@link Queues#whenUnpaced}). A queue's backlog only
 * shrinks when a delivery round takes from it, so the dispatcher asks right after each take, and
 * the facade's tick asks for every queue (for consumers that stopped taking, whose queue stops
 * being paced when its activity window runs out). Being told when it is over, rather than
 * polling, a held publisher resumes as soon as the consumers have taken, and costs no timer
 * wake-ups while it waits.
 */
final class PaceWaiters {

    private static final Logger log = LoggerFactory.getLogger(PaceWaiters.class);

    private final Map<String, Queue<Runnable>> byQueue = new ConcurrentHashMap<>();
    private final Predicate<String> paced;

    PaceWaiters(Predicate<String> paced) {
        this.paced = paced;
    }

    /** Runs {@code resume} once {@code queue} is not paced: at once when it is not now. */
    void add(String queue, Runnable resume) {
        byQueue.compute(queue, (q, waiting) -> {
            Queue<Runnable> into = waiting == null ? new ConcurrentLinkedQueue<>() : waiting;
            into.add(resume);
            return into;
        });
        // registered before looking: a round that took meanwhile either saw it or left it unpaced for us
        release(queue);
    }

    /** Tells everyone waiting on {@code queue} when it is no longer paced (cheap when nobody waits). */
    void release(String queue) {
        Queue<Runnable> waiting = byQueue.get(queue);
        if (waiting == null || waiting.isEmpty() || paced.test(queue)) {
            return;
        }
        Runnable resume;
        while ((resume = waiting.poll()) != null) {
            try {
                resume.run();
            } catch (RuntimeException e) {
                log.warn("A publisher waiting for queue {} to be unpaced failed", queue, e);
            }
        }
    }

    /** {@link #release} for every queue with waiters (the tick). */
    void releaseAll() {
        for (String queue : byQueue.keySet()) {
            release(queue);
            byQueue.computeIfPresent(queue, (q, waiting) -> waiting.isEmpty() ? null : waiting); // atomic with add
        }
    }
}
