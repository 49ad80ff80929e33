package dev.trilog.routing.queue;

import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The long polls waiting for messages. They are served on the background thread: when their
 * queue is appended to ({@link #appendListener}), on every tick ({@link #serveAll}, for locks
 * and delays that ran out), and at their deadline, when they complete empty.
 */
final class LongPollWaiters {

    /** A receive that is tried again whenever the waiter is served. */
    @FunctionalInterface
    interface Receive {
        List<QueueDelivery> receive(String queue, String consumer, int maxMessages, long lockMs);
    }

    private record Waiter(String queue, String consumer, int maxMessages, long lockMs, long deadline,
            CompletableFuture<List<QueueDelivery>> future) {
    }

    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService background;
    private final InstantSource clock;
    private final Receive receive;
    /** Hands back what was received for a waiter that gave up meanwhile. */
    private final Consumer<DeliveryTag> release;
    private final BooleanSupplier closed;

    LongPollWaiters(ScheduledExecutorService background, InstantSource clock, Receive receive,
            Consumer<DeliveryTag> release, BooleanSupplier closed) {
        this.background = background;
        this.clock = clock;
        this.receive = receive;
        this.release = release;
        this.closed = closed;
    }

    /** Waits up to {@code waitMs} for a receive from {@code queue} to bring something. */
    CompletableFuture<List<QueueDelivery>> await(String queue, String consumer, int maxMessages, long lockMs,
            long waitMs) {
        Waiter waiter = new Waiter(queue, consumer, maxMessages, lockMs, clock.millis() + waitMs,
                new CompletableFuture<>());
        waiters.add(waiter);
        // an append between the caller's first look and registering would otherwise go unnoticed until the tick
        background.execute(() -> serve(queue));
        background.schedule(() -> serve(queue), waitMs, TimeUnit.MILLISECONDS);
        return waiter.future;
    }

    /**
     * What a queue's logs call on each append: serves that queue's waiters on the background
     * thread, at most one such task queued at a time.
     */
    Runnable appendListener(String queue) {
        AtomicBoolean wakeQueued = new AtomicBoolean();
        return () -> {
            if (!waiters.isEmpty() && !closed.getAsBoolean() && wakeQueued.compareAndSet(false, true)) {
                background.execute(() -> {
                    wakeQueued.set(false);
                    serve(queue);
                });
            }
        };
    }

    /** Serves every waiter (the periodic look for expired locks and delays). */
    void serveAll() {
        if (!waiters.isEmpty()) {
            serve(null);
        }
    }

    /** Serves the waiters of {@code queue} (or all when null), on the background thread. */
    private void serve(String queue) {
        long now = clock.millis();
        for (Waiter waiter : waiters) {
            if (closed.getAsBoolean()) {
                waiters.remove(waiter);
                waiter.future.complete(List.of());
                continue;
            }
            if (queue != null && !queue.equals(waiter.queue)) {
                continue;
            }
            if (waiter.future.isDone()) {
                waiters.remove(waiter);
                continue;
            }
            List<QueueDelivery> got;
            try {
                got = receive.receive(waiter.queue, waiter.consumer, waiter.maxMessages, waiter.lockMs);
            } catch (RuntimeException e) {
                waiters.remove(waiter);
                waiter.future.completeExceptionally(e);
                continue;
            }
            if (!got.isEmpty() || now >= waiter.deadline || closed.getAsBoolean()) {
                waiters.remove(waiter);
                if (!waiter.future.complete(got)) {
                    got.forEach(d -> release.accept(d.tag())); // the waiter gave up meanwhile: hand them back
                }
            }
        }
    }

    /** Completes every waiter empty (closing). */
    void completeAllEmpty() {
        for (Waiter waiter : waiters) {
            waiter.future.complete(List.of());
        }
        waiters.clear();
    }
}
