package dev.trilog.routing.queue;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The {@link QueueDispatcher} of each queue that has push consumers or waiting long polls, by
 * queue name (it outlives the queue's {@link QueueRuntime}, which is rebuilt when the queue is
 * re-declared). A dispatcher whose queue was deleted retires and is replaced on next use.
 */
final class QueueDispatchers {

    private final Map<String, QueueDispatcher> byQueue = new ConcurrentHashMap<>();
    private final QueueRuntimes runtimes;
    private final QueueReceiver receiver;
    private final Executor delivery;
    /** Told the name of a queue a round took from (its backlog shrank: held publishers may go on). */
    private final java.util.function.Consumer<String> took;
    private volatile boolean closed;
    /** The pace's activity window ({@link QueuesSettings#paceActiveMs}). */
    final long paceActiveNanos;

    QueueDispatchers(QueueRuntimes runtimes, QueueReceiver receiver, Executor delivery,
            java.util.function.Consumer<String> took, long paceActiveNanos) {
        this.runtimes = runtimes;
        this.paceActiveNanos = paceActiveNanos;
        this.receiver = receiver;
        this.delivery = delivery;
        this.took = took;
    }

    /** The queue's dispatcher, made on first use. @throws IllegalStateException when closed */
    QueueDispatcher of(String queue) {
        if (closed) {
            throw new IllegalStateException("queues are closed");
        }
        return byQueue.computeIfAbsent(queue, q -> new QueueDispatcher(q, runtimes, receiver, delivery, this));
    }

    /** Puts {@code recipient} in the ring of {@code queue}'s dispatcher (a fresh one if that retired). */
    QueueDispatcher add(String queue, QueueDispatcher.Recipient recipient) {
        while (true) {
            QueueDispatcher d = of(queue);
            if (recipient instanceof LongPoll poll ? d.addLongPoll(poll) : d.add(recipient)) {
                return d;
            }
            byQueue.remove(queue, d);
        }
    }

    /** What a queue's logs call on each append: a round for whoever waits on it. */
    Runnable appendListener(String queue) {
        return () -> {
            QueueDispatcher d = byQueue.get(queue);
            if (d != null) {
                d.appended();
            }
        };
    }

    /** A round for whoever waits on {@code queue} (an append, or a settlement made something deliverable). */
    void wake(String queue) {
        QueueDispatcher d = byQueue.get(queue);
        if (d != null) {
            d.wakeIfWanted();
        }
    }

    /** Whether {@code queue}'s consumers were handed messages within the pace's activity window. */
    boolean handedOutWithin(String queue) {
        QueueDispatcher d = byQueue.get(queue);
        return d != null && d.handedOutWithin(paceActiveNanos);
    }

    /** Deliveries {@code queue}'s settling subscriptions hold (see {@link QueueDispatcher#heldBySettling}). */
    int heldBySettling(String queue) {
        QueueDispatcher d = byQueue.get(queue);
        return d == null ? 0 : d.heldBySettling();
    }

    /** Whether {@code queue} has subscriptions or waiting long polls. */
    boolean inUse(String queue) {
        QueueDispatcher d = byQueue.get(queue);
        return d != null && d.wanted();
    }

    /** Every queue with someone waiting looks again (the tick: locks and delays that ran out, deleted queues). */
    void wakeAll() {
        byQueue.values().forEach(QueueDispatcher::wakeIfWanted);
    }

    /** Ends the long polls whose wait ran out on the engine's clock (the tick). */
    void expireDue(long now) {
        byQueue.values().forEach(d -> d.expireDue(now));
    }

    /** A round of {@code queue}'s dispatcher took messages (on the delivery thread). */
    void took(String queue) {
        took.accept(queue);
    }

    void retired(QueueDispatcher d) {
        byQueue.remove(d.queue, d);
    }

    /** Ends every subscription and answers every long poll empty (the facade closes). */
    void closeAll() {
        closed = true;
        endAll();
    }

    /** Ends every subscription and answers every long poll empty; new ones may come after. */
    void endAll() {
        for (QueueDispatcher d : byQueue.values()) {
            d.close();
        }
        byQueue.clear();
    }
}
