package dev.trilog.routing.queue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publish side's back-pressure signal ({@link Queues#publishBacklog}): the bytes of publishes
 * the facade has accepted and not yet made durable — queued in the accumulators, being
 * appended, or waiting for the flush — over every queue, with a high-water and a low-water mark.
 *
 * <pre>
 *             bytes ≥ high-water
 *   FLOWING ─────────────────────▶ BLOCKED
 *      ▲                              │
 *      └──────────────────────────────┘
 *             bytes ≤ low-water
 * </pre>
 *
 * <p>A frontend turns it into its protocol's flow control: AMQP 0-9-1 sends
 * {@code connection.blocked} to publishing connections when it is blocked and
 * {@code connection.unblocked} when it is not (RabbitMQ's alarm); AMQP 1.0 stops granting link
 * credit to senders while blocked and tops it up again after; SQS could answer
 * {@code RequestThrottled}. The gap between the marks keeps it from flapping. Publishes are never
 * refused by the facade itself: it is for the frontend to stop asking.
 *
 * <p>Either poll {@link #blocked()} (e.g. before granting credit), or listen. Listeners are told
 * on the facade's background thread ({@code trilog-queues}), one at a time, always alternating
 * blocked and unblocked and ending with the current state; a blocked spell that was over before
 * they could be told is still told, as {@code blocked()} then {@code unblocked()} at once. They
 * hear changes from the moment they are added: one that happens while a listener is being added
 * may be told although {@link #blocked()}, read right after adding, already showed it. Hand the
 * work to the frontend's own threads. The accounting costs one atomic add per publish and one
 * per batch written; only crossing a mark takes a lock.
 */
public final class PublishBacklog {

    private static final Logger log = LoggerFactory.getLogger(PublishBacklog.class);

    /** Told when the backlog blocks and unblocks (see the class comment for the thread). */
    public interface Listener {

        /** The backlog reached the high-water mark: publishers should stop. */
        void blocked();

        /** The backlog fell to the low-water mark: publishers may go on. */
        void unblocked();
    }

    private final long highWaterBytes;
    private final long lowWaterBytes;
    private final Executor notifier;
    private final AtomicLong bytes = new AtomicLong();
    private volatile boolean blocked;
    /** How many times the state changed (guarded by this). */
    private long changes;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    /** What listeners were last told, and after how many changes (guarded by {@link #telling}). */
    private final Object telling = new Object();
    private boolean told;
    private long toldChanges;

    PublishBacklog(long highWaterBytes, long lowWaterBytes, Executor notifier) {
        if (lowWaterBytes < 0 || lowWaterBytes >= highWaterBytes) {
            throw new IllegalArgumentException("need 0 <= low-water < high-water: " + lowWaterBytes + ", "
                    + highWaterBytes);
        }
        this.highWaterBytes = highWaterBytes;
        this.lowWaterBytes = lowWaterBytes;
        this.notifier = notifier;
    }

    /** Bytes accepted and not yet durable, now. */
    public long bytes() {
        return bytes.get();
    }

    /** True from reaching the high-water mark until falling back to the low-water mark. */
    public boolean blocked() {
        return blocked;
    }

    public long highWaterBytes() {
        return highWaterBytes;
    }

    public long lowWaterBytes() {
        return lowWaterBytes;
    }

    /** Tells {@code listener} of every change from now on (add it, then read {@link #blocked()}). */
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    /** A publish of {@code n} bytes was accepted (the publisher's thread). */
    void accepted(long n) {
        if (bytes.addAndGet(n) >= highWaterBytes && !blocked) {
            settle();
        }
    }

    /** Publishes of {@code n} bytes are durable, or failed (the append thread). */
    void done(long n) {
        if (bytes.addAndGet(-n) <= lowWaterBytes && blocked) {
            settle();
        }
    }

    /**
     * Moves the state to what the bytes say, looking again after each change (a publish and a
     * completion racing across both marks must not leave it blocked), and has listeners told.
     */
    private void settle() {
        boolean changed = false;
        synchronized (this) {
            while (true) {
                long current = bytes.get();
                if (!blocked && current >= highWaterBytes || blocked && current <= lowWaterBytes) {
                    blocked = !blocked;
                    changes++;
                    changed = true;
                } else {
                    break;
                }
            }
        }
        if (changed) {
            try {
                notifier.execute(this::tell);
            } catch (RejectedExecutionException closing) {
                // the facade is closing: nobody publishes any more
            }
        }
    }

    /**
     * Tells the listeners what changed since they were last told: the new state, or, when it
     * changed and changed back meanwhile, both (so no blocked spell goes untold).
     */
    private void tell() {
        boolean now;
        long count;
        synchronized (this) {
            now = blocked;
            count = changes;
        }
        synchronized (telling) {
            if (count <= toldChanges) {
                return; // told already, by an earlier task
            }
            boolean blip = now == told;
            toldChanges = count;
            if (blip) {
                tellAll(!now);
            }
            told = now;
            tellAll(now);
        }
    }

    private void tellAll(boolean isBlocked) {
        for (Listener listener : listeners) {
            try {
                if (isBlocked) {
                    listener.blocked();
                } else {
                    listener.unblocked();
                }
            } catch (RuntimeException e) {
                log.warn("A publish backlog listener failed", e);
            }
        }
    }
}
