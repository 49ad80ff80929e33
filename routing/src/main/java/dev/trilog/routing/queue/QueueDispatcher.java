package dev.trilog.routing.queue;

import dev.trilog.log.share.ShareCursor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who gets one queue's messages next: its {@link Subscription}s with credit and its waiting long
 * polls, served round-robin, one message each in turn, as RabbitMQ serves the consumers of a
 * queue — or, on a queue with {@code x-single-active-consumer}, its oldest subscription alone
 * (long polls still take their turn). A round runs on the delivery thread, one at a time per queue:
 *
 * <pre>
 *            wake (append, credit, settle, subscribe, tick)
 *   IDLE ─────────────────────────────────────────────▶ ROUND: take up to the demand (at most
 *    ▲                                                        ROUND_MAX) with no lock deadline,
 *    │                                                        deal it out round-robin
 *    │  nothing more to take, not woken meanwhile             │ their counts are durable
 *    └──────────────────────────────────────────── HAND OUT ◀─┘ (journal write, not waited for)
 *                          more to take, or woken meanwhile: another ROUND
 * </pre>
 *
 * <p>Taking all a round needs in one go and dealing it out (rather than taking for each recipient
 * in turn) keeps a round to one pass over the cursor and one share-state write. Long polls take
 * their turn like subscriptions (so a subscription with plenty of credit cannot starve an SQS
 * poller waiting on the same queue, nor the other way round); what a long poll is given is then
 * locked for its own lock time. Messages nobody can take any more (a recipient left meanwhile)
 * go straight back, their failed count unchanged.
 *
 * <p>Long polls are answered on the thread that made their delivery counts durable, subscriptions'
 * sinks on the delivery thread ({@link #handLongPolls}). A round woken by an append while only
 * long polls wait runs on the append thread ({@link #appended}), and one for a long poll that just
 * joined on the thread that made it wait ({@link #addLongPoll}).
 *
 * <p>When a round found the queue with nothing more to take, the drains asked for are complete.
 * When the queue is gone, every recipient is ended and the dispatcher retires.
 */
final class QueueDispatcher {

    private static final Logger log = LoggerFactory.getLogger(QueueDispatcher.class);

    /** The lock owner of what rounds take (the cursor's label; recipients hold the tags). */
    static final String OWNER = "trilog-push";
    /** Most messages one round takes; a round that took this many is followed by another. */
    static final int ROUND_MAX = 512;

    /** One taker of messages in the ring. Its methods marked "locked" run with the dispatcher locked. */
    abstract static class Recipient {

        /** How many more messages it takes now; 0 = none. Locked. */
        abstract int demand();

        /** It leaves the ring (cancelled, answered). Locked. */
        abstract boolean gone();

        /**
         * Gone, but what it held is not back in the queue yet: it stays in the ring (taking
         * nothing) so a single active consumer's successor gets those messages first. Locked.
         */
        boolean holding() {
            return false;
        }

        /** Takes {@code delivery}, which counts against its demand. Locked. */
        abstract void assign(QueueDelivery delivery);

        /** The round's dealing is over. Locked. */
        void roundOver() {
        }

        /** What it was given this round, as it will be handed over (a long poll's own lock). Not locked. */
        List<QueueDelivery> relock(QueueRuntime q, List<QueueDelivery> given) {
            return given;
        }

        /** Their counts are durable: hand them over. On the delivery thread (a long poll: on the thread that made them durable), not locked. */
        abstract void hand(QueueRuntime q, List<QueueDelivery> given);

        /** Their counts could not be written; the dispatcher has released them. Not locked. */
        abstract void failed(List<QueueDelivery> given, Throwable failure);

        /** The round found nothing more to take: what to tell of a drain that is now complete, or null. Locked. */
        Runnable drainDone() {
            return null;
        }

        /** The queue is gone or the facade closes: nothing more comes. Not locked. */
        abstract void end(Subscription.End why);

        /** Each round (and so each tick): what it holds stops counting toward the pace if it stopped settling. Locked. */
        void stillSettling(long nowNanos, long activeNanos) {
        }
    }

    final String queue;
    private final QueueRuntimes runtimes;
    private final QueueReceiver receiver;
    private final Executor delivery;
    private final QueueDispatchers registry;
    private final ArrayList<Recipient> ring = new ArrayList<>();
    /** Where the next message's search for a taker starts. */
    private int next;
    private boolean running;
    private boolean again;
    private boolean retired;
    /** The ring is not empty (read without the lock by the append listener). */
    private volatile boolean wanted;
    /** {@link System#nanoTime()} of the last hand-out of at least one message; 0 = none yet. */
    private volatile long lastHandOutNanos;
    /**
     * Deliveries held by subscriptions that are settling (see {@link Subscription}): what
     * {@link Queues#paced} adds to the undelivered backlog. Written locked, read without the lock.
     */
    private volatile int heldBySettling;

    QueueDispatcher(String queue, QueueRuntimes runtimes, QueueReceiver receiver, Executor delivery,
            QueueDispatchers registry) {
        this.queue = queue;
        this.runtimes = runtimes;
        this.receiver = receiver;
        this.delivery = delivery;
        this.registry = registry;
    }

    /** Joins the ring and wakes a round; false when this dispatcher has retired (use a new one). */
    boolean add(Recipient recipient) {
        if (!join(recipient)) {
            return false;
        }
        wake();
        return true;
    }

    /**
     * A long poll whose first look found nothing joins the ring, and the round that makes sure
     * nothing appended meanwhile is missed runs on the caller's thread (which took for that first
     * look, so may take) when only long polls wait, rather than on the delivery thread: one thread
     * wake fewer per parked poll, and while that round was waiting for the delivery thread to get
     * a core, it held the dispatcher's round, so an append in that window could not answer a
     * waiting poll on its own thread and the message went through the delivery thread
     * (bench/sqs/RESULTS.md, sqs22). False when this dispatcher has retired (use a new one).
     */
    boolean addLongPoll(LongPoll poll) {
        if (!join(poll)) {
            return false;
        }
        roundHere();
        return true;
    }

    private synchronized boolean join(Recipient recipient) {
        if (retired) {
            return false;
        }
        ring.add(recipient);
        wanted = true;
        return true;
    }

    /** A long poll's wait ran out: it leaves unless a round already gave it messages. */
    boolean expire(LongPoll poll) {
        synchronized (this) {
            if (poll.gone()) {
                return false; // answered, given up, or given messages by a round
            }
            int at = ring.indexOf(poll);
            if (at < 0) {
                return false;
            }
            ring.remove(at);
            if (at < next) {
                next--; // the turn stays with the same recipient
            }
            wanted = !ring.isEmpty();
            return true;
        }
    }

    /**
     * Answers empty every long poll whose wait has run out on the engine's clock by {@code now}
     * (the tick calls this; a timer on the real clock ends them too, whichever comes first).
     */
    void expireDue(long now) {
        List<LongPoll> due = new ArrayList<>();
        synchronized (this) {
            for (Recipient r : ring) {
                if (r instanceof LongPoll poll && !poll.gone() && poll.deadlineMs <= now) {
                    due.add(poll);
                }
            }
        }
        for (LongPoll poll : due) {
            if (expire(poll)) {
                poll.future.complete(List.of());
            }
        }
    }

    /** Whether this queue's consumers were handed messages within the last {@code windowNanos}. */
    boolean handedOutWithin(long windowNanos) {
        long last = lastHandOutNanos;
        return last != 0 && System.nanoTime() - last < windowNanos;
    }

    /** Deliveries held, not yet settled, by the subscriptions that are settling (lock-free). */
    int heldBySettling() {
        return heldBySettling;
    }

    /** A subscription's count toward {@link #heldBySettling} changed. Locked. */
    void heldBySettlingChanged(int delta) {
        heldBySettling += delta;
    }

    /** Whether anyone is in the ring (lock-free; a recipient that just left may still count). */
    boolean wanted() {
        return wanted;
    }

    /** Wakes a round when anyone is waiting (what appends, settlements and the tick call). */
    void wakeIfWanted() {
        if (wanted) {
            wake();
        }
    }

    /**
     * Runs a round now, or another one right after the one running. True when a round will
     * start after this call (false: nobody is in the ring, or the dispatcher retired or closes) —
     * it writes what settlements left for the cursors' next write ({@link Subscription#settleAll}).
     */
    boolean wake() {
        if (claimRound()) {
            return schedule();
        }
        synchronized (this) {
            // a round runs and will go again; false when it went again already: a write too many, never one too few
            return running && again && !retired;
        }
    }

    /**
     * An append to the queue: a round for whoever waits. When only long polls wait and the append
     * was made on one of the facade's append threads, the round runs right here rather than after
     * a hop to the delivery thread: a long poll's answer then goes from the append thread (which
     * takes the message and, on one node, writes its count) straight to the poll's own thread.
     * Each hop is a thread to wake, and on a busy machine a wait for a core, in the path of a
     * message sent to a waiting poller (bench/sqs/RESULTS.md). With a subscription in the ring
     * the round stays on the delivery thread, where its sink is called.
     */
    void appended() {
        if (!wanted) {
            return;
        }
        if (QueueThreads.onAppendThread()) {
            roundHere();
        } else {
            wake();
        }
    }

    /** A round on the caller's thread when only long polls wait (no sink to call), else on the delivery thread. */
    private void roundHere() {
        if (!onlyLongPolls()) {
            wake();
        } else if (claimRound()) {
            round(false);
        }
    }

    /** True when the caller is to run (or schedule) a round; false when one runs already (it goes again) or none is needed. */
    private boolean claimRound() {
        synchronized (this) {
            if (ring.isEmpty() || retired) {
                return false;
            }
            if (running) {
                again = true;
                return false;
            }
            running = true;
            return true;
        }
    }

    private boolean schedule() {
        try {
            delivery.execute(() -> round(true));
            return true;
        } catch (RejectedExecutionException e) { // closing
            synchronized (this) {
                running = false;
            }
            return false;
        }
    }

    /** One round; {@code onDeliveryThread} false: on an append thread, where no sink may be called. */
    private void round(boolean onDeliveryThread) {
        synchronized (this) {
            again = false;
            if (retired) {
                running = false;
                return;
            }
        }
        Optional<QueueRuntime> found;
        try {
            found = runtimes.find(queue);
        } catch (IllegalStateException closed) {
            finish(false);
            return;
        }
        if (found.isEmpty()) {
            if (onDeliveryThread) {
                endAll(Subscription.End.QUEUE_DELETED);
            } else {
                schedule(); // ending them is the delivery thread's (a subscription may have joined)
            }
            return;
        }
        QueueRuntime q = found.get();
        boolean single = q.spec.singleActiveConsumer();
        int ask = 0;
        long now = System.nanoTime();
        synchronized (this) {
            removeGone();
            Recipient active = activeConsumer(single);
            for (Recipient r : ring) {
                r.stillSettling(now, registry.paceActiveNanos);
                if (mayTake(r, active)) {
                    ask = Math.min(ROUND_MAX, ask + Math.min(ROUND_MAX, r.demand()));
                }
            }
        }
        if (ask == 0) {
            q.writeDeferred();
            if (!onDeliveryThread && !onlyLongPolls()) {
                schedule(); // a subscription joined meanwhile: its drain is told on the delivery thread
                return;
            }
            drainsDone();
            finish(false);
            return;
        }
        QueueReceiver.Taken taken;
        try {
            taken = receiver.take(q, OWNER, ask, ShareCursor.NO_DEADLINE);
        } catch (RuntimeException e) {
            log.warn("Delivering from queue {} failed; tried again on the next wake or tick", queue, e);
            q.writeDeferred();
            finish(false);
            return;
        }
        // acks that woke this round: written by the take's write when it acquired from their cursor, else here
        q.writeDeferred();
        if (!taken.deliveries().isEmpty()) {
            registry.took(queue);
        }
        Map<Recipient, List<QueueDelivery>> given = deal(q, single, taken.deliveries());
        boolean more = !taken.exhausted();
        taken.durable().whenComplete((v, failure) -> {
            Map<Recipient, List<QueueDelivery>> rest = failure == null ? handLongPolls(q, given) : given;
            if (rest.isEmpty() && onlyLongPolls()) {
                finish(more); // no sink to call and no drain to tell: nothing needs the delivery thread
                return;
            }
            try {
                delivery.execute(() -> handOut(q, rest, failure, more));
            } catch (RejectedExecutionException closing) {
                handOut(q, rest, failure, false);
            }
        });
    }

    /**
     * Answers the long polls of a round on the thread that made their counts durable (the
     * share-state writer), not after another hop to the delivery thread: a poll's answer only
     * completes a future, whose waiter puts its answer together on its own thread (SQS: the
     * connection's I/O thread). Each hop is a thread to wake, and on a busy machine a wait for a
     * core, in the path from an append to a waiting poll's answer. What is left is for the
     * subscriptions, whose sinks are called on the delivery thread.
     */
    private Map<Recipient, List<QueueDelivery>> handLongPolls(QueueRuntime q, Map<Recipient, List<QueueDelivery>> given) {
        Map<Recipient, List<QueueDelivery>> rest = new LinkedHashMap<>();
        boolean handed = false;
        for (Map.Entry<Recipient, List<QueueDelivery>> e : given.entrySet()) {
            if (e.getKey() instanceof LongPoll poll) {
                poll.hand(q, e.getValue());
                handed = true;
            } else {
                rest.put(e.getKey(), e.getValue());
            }
        }
        if (handed) {
            lastHandOutNanos = System.nanoTime();
        }
        return rest;
    }

    /** No subscription in the ring (whose drain a round may have to tell). */
    private synchronized boolean onlyLongPolls() {
        for (Recipient r : ring) {
            if (!(r instanceof LongPoll)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Drops the recipients that left, keeping {@link #next} on the same recipient: without that, a
     * poll answered at the front shifts everyone left and the turn skips the poll that has waited
     * longest. Locked.
     */
    private void removeGone() {
        int kept = 0;
        int nextKept = 0;
        for (int i = 0; i < ring.size(); i++) {
            Recipient r = ring.get(i);
            if (i == next) {
                nextKept = kept;
            }
            if (!r.gone() || r.holding()) {
                ring.set(kept++, r);
            }
        }
        ring.subList(kept, ring.size()).clear();
        next = kept == 0 ? 0 : nextKept % kept;
        wanted = kept > 0;
    }

    /** Deals the taken messages out round-robin; what nobody takes goes back. */
    private Map<Recipient, List<QueueDelivery>> deal(QueueRuntime q, boolean single, List<QueueDelivery> deliveries) {
        Map<Recipient, List<QueueDelivery>> given = new LinkedHashMap<>();
        List<QueueDelivery> unwanted = new ArrayList<>(0);
        synchronized (this) {
            int n = ring.size();
            Recipient active = activeConsumer(single);
            for (QueueDelivery d : deliveries) {
                Recipient to = null;
                for (int k = 0; k < n && to == null; k++) {
                    Recipient r = ring.get((next + k) % n);
                    if (!r.gone() && r.demand() > 0 && mayTake(r, active)) {
                        to = r;
                        next = (next + k + 1) % n;
                    }
                }
                if (to == null) {
                    unwanted.add(d);
                } else {
                    to.assign(d);
                    given.computeIfAbsent(to, r -> new ArrayList<>()).add(d);
                }
            }
            given.keySet().forEach(Recipient::roundOver);
        }
        unwanted.forEach(d -> release(q, d));
        given.replaceAll((r, list) -> r.relock(q, list));
        return given;
    }

    /**
     * On a single-active-consumer queue, the one subscription that receives: the first in the ring
     * still there, that is the oldest (the ring keeps registration order), so when it leaves the
     * next oldest takes over, its released messages first. Null when the queue has no such rule.
     * Locked.
     */
    private Recipient activeConsumer(boolean single) {
        if (single) {
            for (Recipient r : ring) {
                if (!(r instanceof LongPoll) && (!r.gone() || r.holding())) {
                    return r; // one that left but has not given back what it held yet keeps its turn
                }
            }
        }
        return null;
    }

    /** Whether {@code r} may be dealt messages: SQS long polls always (SQS has no such rule). Locked. */
    private static boolean mayTake(Recipient r, Recipient active) {
        return active == null || r == active || r instanceof LongPoll;
    }

    private void handOut(QueueRuntime q, Map<Recipient, List<QueueDelivery>> given, Throwable failure,
            boolean more) {
        if (failure != null) {
            log.warn("Writing the delivery counts of queue {} failed; {} messages go back", queue,
                    given.values().stream().mapToInt(List::size).sum(), failure);
            given.forEach((r, list) -> {
                list.forEach(d -> release(q, d));
                r.failed(list, failure);
            });
            finish(false);
            return;
        }
        if (!given.isEmpty()) {
            lastHandOutNanos = System.nanoTime();
        }
        given.forEach((r, list) -> r.hand(q, list));
        if (!more) {
            drainsDone();
        }
        finish(more);
    }

    private void drainsDone() {
        List<Runnable> done = new ArrayList<>(0);
        synchronized (this) {
            for (Recipient r : ring) {
                Runnable told = r.drainDone();
                if (told != null) {
                    done.add(told);
                }
            }
        }
        done.forEach(Runnable::run);
    }

    private void finish(boolean more) {
        synchronized (this) {
            if (!(more || again) || retired || ring.isEmpty()) {
                running = false;
                again = false;
                return;
            }
        }
        schedule();
    }

    /** Back to available, failed count unchanged: it was never handed to anyone. */
    static void release(QueueRuntime q, QueueDelivery d) {
        DeliveryTag tag = d.tag();
        q.cursors[tag.partition()].release(tag.offset(), tag.acquisitions());
    }

    /** The queue is gone: everyone is told, and this dispatcher retires. */
    private void endAll(Subscription.End why) {
        List<Recipient> all = retire();
        registry.retired(this);
        all.forEach(r -> r.end(why));
    }

    /** The facade closes: everyone is told. */
    void close() {
        retire().forEach(r -> r.end(Subscription.End.CLOSED));
    }

    private synchronized List<Recipient> retire() {
        retired = true;
        running = false;
        wanted = false;
        List<Recipient> all = new ArrayList<>(ring);
        ring.clear();
        return all;
    }
}
