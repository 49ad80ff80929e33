package dev.trilog.routing.queue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A push consumer of one queue ({@link Queues#subscribe}): the facade delivers to its
 * {@link DeliverySink} as long as it has credit, and holds what it delivered for it, with no
 * lock deadline, until the consumer settles it or the subscription ends. An AMQP 1.0 receiving
 * link or an AMQP 0-9-1 {@code basic.consume} is one subscription.
 *
 * <pre>
 *             a delivery uses one
 *   credit ───────────────────────▶ held ── settle ACCEPT, REJECT ─────────▶ done
 *     ▲                              │  └── settle RELEASE, RELEASE_FAILED ─▶ available to all
 *     ├── addCredit(n)               │
 *     └── PREFETCH only: a settle ◀──┘
 *   cancel(): no more deliveries; all still held ─▶ available to all (RELEASE_FAILED by default)
 *   stop():   no more deliveries; what was delivered stays held until settled or a later cancel()
 * </pre>
 *
 * <p><b>Credit.</b> {@link CreditMode#LINK} is AMQP 1.0 link credit: each delivery uses one, and
 * only {@link #addCredit} gives more (the frontend passes on what the receiver's flow frames add).
 * {@link CreditMode#PREFETCH} is AMQP 0-9-1 {@code basic.qos}: the credit is the most deliveries
 * held unsettled, and each settlement through {@link #settle} gives one back
 * ({@link Integer#MAX_VALUE} for prefetch 0, unlimited). {@link #drain} is AMQP 1.0's drain:
 * deliver what is available now, then drop the credit left and say so
 * ({@link DeliverySink#drained}).
 *
 * <p><b>Fairness.</b> The subscriptions of a queue (and its waiting long polls) are served
 * round-robin, one message each in turn, among those with credit.
 *
 * <p><b>Settling.</b> Settle what was pushed through {@link #settle} (not {@link Queues#settle})
 * so the subscription knows it is no longer held and, in prefetch mode, gives the credit back.
 *
 * <p><b>Ending.</b> {@link #cancel()} (the link, channel or connection closed) stops deliveries
 * and returns everything still held to the queue with one more failed delivery, as RabbitMQ does
 * (the consumer may have died on one of them); {@link #cancel(Settlement)} settles them another
 * way (e.g. an AMQP 1.0 source's {@code default-outcome}). Messages held after a restart are
 * available again with their counts (locks are not durable). When the queue is deleted or the
 * facade closes the sink hears {@link DeliverySink#ended}. {@link #stop()} is AMQP 0-9-1's
 * {@code basic.cancel}: deliveries stop, but what the consumer was already given stays its own,
 * to acknowledge or reject, until its channel closes ({@link #cancel()} then returns the rest).
 *
 * <p><b>Threading.</b> Thread-safe; every method may be called from any thread, including from
 * inside the sink, and none waits on the disk. The sink is only ever called on the facade's
 * delivery thread (see {@link DeliverySink}).
 */
public final class Subscription {

    private static final Logger log = LoggerFactory.getLogger(Subscription.class);

    /** How credit is given back (see the class comment). */
    public enum CreditMode {
        /** AMQP 1.0 link credit: only {@link #addCredit} gives more. */
        LINK,
        /** AMQP 0-9-1 prefetch: each settlement gives one back. */
        PREFETCH
    }

    /** Why a subscription ended without its consumer asking. */
    public enum End {
        /**
         * The queue was deleted (0-9-1: the server's {@code basic.cancel}; 1.0: detach with
         * {@code amqp:resource-deleted}).
         */
        QUEUE_DELETED,
        /** The facade is closing (the broker shuts down); what was held went back, counts unchanged. */
        CLOSED
    }

    private final Queues queues;
    private final QueueDispatcher dispatcher;
    private final String queue;
    private final String consumer;
    private final CreditMode mode;
    private final DeliverySink sink;
    private final Executor delivery;
    private final Pushed recipient = new Pushed();

    // guarded by the dispatcher (one lock per queue)
    private int credit;
    private boolean draining;
    private boolean active = true;
    /** The held messages were returned (cancel or end): nothing is held any more. */
    private boolean returned;
    private long delivered;
    /** Held for this consumer, oldest first: true once the sink has been handed it. */
    private final Map<DeliveryTag, Boolean> held = new LinkedHashMap<>();
    /**
     * Whether what it holds counts toward its queue's pace ({@link Queues#paced}): while it is
     * active and settled something within the pace's activity window. A consumer that stopped
     * settling (stuck, or slow on a large prefetch) is not what new messages wait behind, and must
     * not hold publishers back from the queue's other consumers.
     */
    private boolean settling;
    /** {@link System#nanoTime()} of its last settlement. */
    private long lastSettledNanos;

    Subscription(Queues queues, QueueDispatcher dispatcher, String queue, String consumer, CreditMode mode,
            int credit, DeliverySink sink, Executor delivery) {
        this.queues = queues;
        this.dispatcher = dispatcher;
        this.queue = queue;
        this.consumer = consumer;
        this.mode = mode;
        this.credit = credit;
        this.sink = sink;
        this.delivery = delivery;
    }

    QueueDispatcher.Recipient recipient() {
        return recipient;
    }

    public String queue() {
        return queue;
    }

    /** The consumer's name as the frontend gave it (for logs and diagnostics). */
    public String consumer() {
        return consumer;
    }

    public CreditMode creditMode() {
        return mode;
    }

    /** Deliveries it may still be given now. */
    public int credit() {
        synchronized (dispatcher) {
            return credit;
        }
    }

    /** Deliveries held for it: handed to the sink (or about to be) and not settled. */
    public int held() {
        synchronized (dispatcher) {
            return held.size();
        }
    }

    /** Deliveries handed to the sink so far (AMQP 1.0: the sender's delivery-count, from 0). */
    public long delivered() {
        synchronized (dispatcher) {
            return delivered;
        }
    }

    /** False once cancelled or ended. */
    public boolean active() {
        synchronized (dispatcher) {
            return active;
        }
    }

    /** Gives {@code n} more credit (saturating at {@link Integer#MAX_VALUE}); delivery resumes at once. */
    public void addCredit(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("credit to add must not be negative: " + n);
        }
        synchronized (dispatcher) {
            if (!active) {
                return;
            }
            credit = (int) Math.min(Integer.MAX_VALUE, (long) credit + n);
        }
        dispatcher.wake();
    }

    /**
     * AMQP 1.0 drain: delivers what is available now within the credit, then drops the credit
     * left and tells the sink ({@link DeliverySink#drained}), after those deliveries.
     */
    public void drain() {
        synchronized (dispatcher) {
            if (!active) {
                return;
            }
            draining = true;
        }
        dispatcher.wake();
    }

    /**
     * Settles a delivery made to this subscription (see {@link Settlement}); completes once that
     * is durable where it must be. A tag it does not hold (already settled, released by a
     * cancel) is settled as {@link Queues#settle} would, which tells STALE or UNKNOWN.
     */
    public CompletableFuture<SettleResult> settle(DeliveryTag tag, Settlement how) {
        boolean creditBack;
        synchronized (dispatcher) {
            creditBack = creditBack(forget(List.of(Objects.requireNonNull(tag, "tag"))));
        }
        CompletableFuture<SettleResult> result = queues.settle(tag, how);
        if (creditBack) {
            dispatcher.wake();
        }
        queues.paceMayHaveEased(queue);
        return result;
    }

    /** Settles several deliveries the same way (AMQP 1.0 ranges, 0-9-1 {@code multiple}); results in order. */
    public CompletableFuture<List<SettleResult>> settleAll(List<DeliveryTag> tags, Settlement how) {
        boolean creditBack;
        // one lock for the batch, not one per tag: the delivery thread's rounds take the same lock
        synchronized (dispatcher) {
            creditBack = creditBack(forget(tags));
        }
        CompletableFuture<List<SettleResult>> result;
        if (creditBack && how == Settlement.ACCEPT) {
            // the credit wakes a round, whose acquisition writes the cursor's state anyway: one
            // share-state write for the acks and the next deliveries, on the delivery thread
            result = queues.acknowledgeAllWithNextWrite(tags);
            if (!dispatcher.wake()) {
                queues.writeDeferred(queue);
            }
        } else {
            result = queues.settleAll(tags, how);
            if (creditBack) {
                dispatcher.wake();
            }
        }
        queues.paceMayHaveEased(queue);
        return result;
    }

    /** The tags it held are no longer held; how many it held. Locked (the dispatcher). */
    private int forget(List<DeliveryTag> tags) {
        int n = 0;
        for (DeliveryTag tag : tags) {
            if (held.remove(Objects.requireNonNull(tag, "tag")) != null) {
                n++;
            }
        }
        if (n > 0) {
            heldChanged(-n);
            settledNow();
        }
        return n;
    }

    /** {@code settled} deliveries give their credit back (prefetch mode); whether any did. Locked. */
    private boolean creditBack(int settled) {
        if (settled == 0 || mode != CreditMode.PREFETCH || !active) {
            return false;
        }
        credit = (int) Math.min(Integer.MAX_VALUE, (long) credit + settled);
        return true;
    }

    /**
     * Stops deliveries and keeps what was already delivered held for the consumer: it may still
     * settle those through {@link #settle} (no credit comes back), and a later {@link #cancel()}
     * returns what is left. AMQP 0-9-1 {@code basic.cancel}, after which RabbitMQ still takes acks
     * for the consumer's earlier deliveries. Messages taken for it but not yet handed to the sink
     * go back unchanged; the sink is not called with deliveries again (a delivery already on its
     * way may still arrive, as after {@link #cancel()}: its tag was released).
     */
    public void stop() {
        synchronized (dispatcher) {
            if (!active) {
                return;
            }
            active = false;
            draining = false;
            stopCounting();
        }
        Runnable releaseUndelivered = () -> {
            List<DeliveryTag> undelivered = new ArrayList<>();
            synchronized (dispatcher) {
                held.entrySet().removeIf(e -> {
                    if (!e.getValue()) {
                        undelivered.add(e.getKey());
                        return true;
                    }
                    return false;
                });
                heldChanged(-undelivered.size());
            }
            for (DeliveryTag tag : undelivered) {
                try {
                    queues.release(tag);
                } catch (IllegalStateException closed) {
                    break;
                }
            }
        };
        try {
            delivery.execute(releaseUndelivered);
        } catch (RejectedExecutionException closing) {
            releaseUndelivered.run();
        }
    }

    /**
     * Stops deliveries (the link, channel or connection closed) and returns what is held to the
     * queue with one more failed delivery ({@link Settlement#RELEASE_FAILED}), as RabbitMQ does.
     * Completes with how many delivered messages went back, once the sink will not be called
     * again: a delivery that was on its way may still reach the sink before that; its tag is
     * already released (settling it tells STALE or NOT_ACQUIRED).
     */
    public CompletableFuture<Integer> cancel() {
        return cancel(Settlement.RELEASE_FAILED);
    }

    /**
     * {@link #cancel()}, settling what was delivered and not settled with {@code forHeld} (e.g.
     * {@link Settlement#RELEASE} for an AMQP 1.0 source whose default outcome is
     * {@code released}). Messages taken for it but not yet delivered go back unchanged whatever
     * {@code forHeld} says.
     */
    public CompletableFuture<Integer> cancel(Settlement forHeld) {
        Objects.requireNonNull(forHeld, "forHeld");
        synchronized (dispatcher) {
            if (returned) {
                return CompletableFuture.completedFuture(0);
            }
            returned = true;
            active = false;
            draining = false;
        }
        // on the delivery thread: after it, the sink is never called again
        CompletableFuture<Integer> done = new CompletableFuture<>();
        Runnable release = () -> returnHeld(forHeld).whenComplete((n, e) -> {
            if (e != null) {
                done.completeExceptionally(e);
            } else {
                done.complete(n);
            }
        });
        try {
            delivery.execute(release);
        } catch (RejectedExecutionException closing) {
            release.run();
        }
        return done;
    }

    /** Settles everything held: delivered ones with {@code forHeld}, the rest released unchanged. */
    private CompletableFuture<Integer> returnHeld(Settlement forHeld) {
        List<Map.Entry<DeliveryTag, Boolean>> all;
        synchronized (dispatcher) {
            all = new ArrayList<>(held.entrySet());
            heldChanged(-held.size());
            held.clear();
        }
        List<CompletableFuture<SettleResult>> settled = new ArrayList<>(all.size());
        int deliveredBack = 0;
        for (Map.Entry<DeliveryTag, Boolean> e : all) {
            try {
                if (e.getValue()) {
                    deliveredBack++;
                    settled.add(queues.settle(e.getKey(), forHeld));
                } else {
                    queues.release(e.getKey());
                }
            } catch (IllegalStateException closed) {
                // the facade closed: after the restart they are available anyway
            }
        }
        int count = deliveredBack;
        return CompletableFuture.allOf(settled.toArray(CompletableFuture[]::new)).thenApply(v -> count);
    }

    @Override
    public String toString() {
        return "Subscription(" + consumer + " on " + queue + ")";
    }

    // the pace's count of what settling consumers hold; all locked (the dispatcher)

    /** {@link #held} changed by {@code delta}: the queue's count follows while this one counts. */
    private void heldChanged(int delta) {
        if (settling && delta != 0) {
            dispatcher.heldBySettlingChanged(delta);
        }
    }

    /** It settled a delivery: it is settling, and what it holds counts (again). */
    private void settledNow() {
        lastSettledNanos = System.nanoTime();
        if (!settling && active) {
            settling = true;
            dispatcher.heldBySettlingChanged(held.size());
        }
    }

    /** What it holds no longer counts toward the pace. */
    private void stopCounting() {
        if (settling) {
            settling = false;
            dispatcher.heldBySettlingChanged(-held.size());
        }
    }

    /** The subscription's turn in its queue's ring. */
    private final class Pushed extends QueueDispatcher.Recipient {

        @Override
        int demand() {
            return active ? credit : 0;
        }

        @Override
        boolean gone() {
            return !active;
        }

        @Override
        boolean holding() {
            // cancelled, its messages not given back yet (a stopped one keeps its deliveries for acks)
            return returned && !held.isEmpty();
        }

        @Override
        void assign(QueueDelivery d) {
            credit--;
            held.put(d.tag(), Boolean.FALSE);
            heldChanged(1);
        }

        @Override
        void stillSettling(long nowNanos, long activeNanos) {
            if (settling && (!active || nowNanos - lastSettledNanos >= activeNanos)) {
                stopCounting();
            }
        }

        @Override
        void hand(QueueRuntime q, List<QueueDelivery> given) {
            synchronized (dispatcher) {
                if (!active) {
                    return; // cancelled meanwhile: the cancel releases them
                }
                for (QueueDelivery d : given) {
                    held.replace(d.tag(), Boolean.TRUE);
                }
                delivered += given.size();
            }
            try {
                sink.deliver(Subscription.this, given);
            } catch (RuntimeException e) {
                log.warn("The sink of {} failed; its {} deliveries stay held until settled or cancelled",
                        Subscription.this, given.size(), e);
            }
        }

        @Override
        void failed(List<QueueDelivery> given, Throwable failure) {
            synchronized (dispatcher) {
                for (QueueDelivery d : given) {
                    if (held.remove(d.tag()) != null) {
                        heldChanged(-1);
                    }
                }
                if (active) {
                    credit = (int) Math.min(Integer.MAX_VALUE, (long) credit + given.size());
                }
            }
        }

        @Override
        Runnable drainDone() {
            if (!draining || !active) {
                return null;
            }
            draining = false;
            int dropped = credit;
            credit = 0;
            return () -> {
                try {
                    sink.drained(Subscription.this, dropped);
                } catch (RuntimeException e) {
                    log.warn("The sink of {} failed on drained", Subscription.this, e);
                }
            };
        }

        @Override
        void end(End why) {
            List<DeliveryTag> release = new ArrayList<>();
            boolean tell;
            synchronized (dispatcher) {
                if (returned) {
                    return;
                }
                tell = active; // a stopped subscription's consumer asked to hear nothing more
                active = false;
                returned = true;
                if (why == End.CLOSED) {
                    release.addAll(held.keySet());
                }
                stopCounting();
                held.clear();
            }
            for (DeliveryTag tag : release) {
                try {
                    queues.release(tag);
                } catch (IllegalStateException closed) {
                    break;
                }
            }
            if (!tell) {
                return;
            }
            try {
                sink.ended(Subscription.this, why);
            } catch (RuntimeException e) {
                log.warn("The sink of {} failed on ended", Subscription.this, e);
            }
        }
    }
}
