package dev.trilog.routing.queue;

import dev.trilog.log.LogEngine;
import dev.trilog.log.share.ArchiveListener;
import dev.trilog.log.share.Outcome;
import dev.trilog.log.share.PeekedRecord;
import dev.trilog.log.share.ShareCursor;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.message.MessageMapping;
import dev.trilog.routing.topology.Topology;
import dev.trilog.routing.topology.TopologyException;
import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queue semantics over the log, the one implementation both the AMQP and the SQS frontend use
 * (docs/queues.md). A queue is its topic plus the share group of the same name
 * ({@link QueueSpec}); this class publishes into the topic and delivers from the group's share
 * cursors, one per partition, applying the queue's policies.
 *
 * <p><b>Contract details</b> a caller needs beyond the method docs:
 * <ul>
 * <li>{@link PublishOptions#delayMs()} negative means "the queue's default delay"
 * ({@link PublishOptions#NONE}); 0 means none even on a delayed queue (SQS's override).</li>
 * <li>An unknown queue: {@link UnknownQueueException} (unchecked) from receive, releaseAll,
 * counts; a failed future from publish and purge; {@link SettleResult#UNKNOWN} for a tag.</li>
 * <li>{@link PublishResult#messageId()} is the message's own id as text, null when it has none
 * (the frontend assigns one when its protocol needs it, e.g. SQS).</li>
 * <li>{@link #publishToExchange} fails with {@link TopologyException} NOT_FOUND for an unknown exchange.</li>
 * </ul>
 *
 * <p><b>Publish.</b> The record goes to a partition (FIFO: by key, which is the group id; else
 * round-robin) through that partition's {@link PublishAccumulator} (group commit); its future
 * completes when its batch is durable. A delay is written as the {@code trilog.not-before}
 * header; a deduplication id is checked against the {@link DeduplicationWindow}.
 *
 * <p><b>Two consumer shapes.</b> Pull: {@link #receive} takes up to N messages with a lock
 * deadline (SQS, Kafka share fetches; the long-poll form waits for them). Push:
 * {@link #subscribe} makes a {@link Subscription} that the facade delivers to against credit, each
 * message held without a deadline until settled (AMQP 1.0 links, 0-9-1 {@code basic.consume}).
 * A queue's subscriptions and its waiting long polls take turns ({@link QueueDispatcher}: one
 * message each, round-robin), so neither kind starves the other; a receive that finds messages
 * takes them at once. Settlement is one of four {@link Settlement}s, answered with a
 * {@link SettleResult}.
 *
 * <p><b>Receive.</b> Acquires from the partitions in turn. A message past its expiry (its own
 * {@code expiryTime}, or timestamp + {@code x-message-ttl}) or acquired more often than
 * {@code x-delivery-limit} allows is not delivered: it is dead-lettered and then archived, in
 * that order, so a crash in between duplicates it rather than losing it. Expiry is therefore
 * lazy (found when the message would be delivered), as in RabbitMQ, and counts include expired
 * messages not yet reached. Nothing is handed out before its new delivery count is durable.
 *
 * <p><b>Reject</b> dead-letters the same way (dead letter durable, then archived). When the share
 * cursor itself archives a record at its delivery limit (its limit is one above the queue's, so
 * this happens only if a receive did not get to it), the record is dead-lettered afterwards on
 * the background thread.
 *
 * <p><b>Inside.</b> This class only wires and delegates: {@link QueuePublisher} (publish),
 * {@link QueueReceiver} (receive), {@link QueueDispatchers} (each queue's subscriptions and
 * waiting long polls), {@link DeadLetterPublisher} (reject, expiry, delivery limit),
 * {@link QueueRuntimes} (each queue's logs, cursors and accumulators) and {@link QueueThreads}.
 *
 * <p><b>Threads.</b> Thread-safe; the facade owns these threads, and a frontend hands any work
 * of its own in callbacks to its own threads:
 * <ul>
 * <li>{@code trilog-queue-delivery} (one): push rounds, {@link #receiveAsync}, and every
 * {@link DeliverySink} call, in order per subscription. It never waits on the disk: rounds
 * continue when the share-state write they started is durable. A long poll that had to wait is
 * answered where that write completes (the engine's share-state writer, or the round's own
 * thread when the engine wrote the counts at once, as one node with no fsync policy does),
 * without a hop back.</li>
 * <li>{@code trilog-queues} (one): the tick every {@link QueuesSettings#longPollTickMs()} (locks
 * and delays that ran out, deleted queues), long-poll deadlines, dead-lettering of records the
 * cursor archived, the deduplication sweep.</li>
 * <li>{@code trilog-queue-appender} (up to two): the accumulators' appends; publish futures
 * complete there (deduplicated ones on {@code trilog-queue-dedup}, after their id is stored) —
 * or on the publisher's own thread for a {@link #publishOnCallerThread} that found the queue idle
 * with someone waiting on it, or on its event loop for a {@link #publishToExchange(String, String,
 * Message, Executor)} that found the partition idle.
 * An append to a queue where only long polls wait runs their round right there
 * ({@link QueueDispatcher#appended}). Acknowledge and reject futures complete on the engine's
 * share-state writer, or on the caller's thread when the engine wrote at once.</li>
 * </ul>
 * What blocks the caller: {@link #receive} (both forms' first look) waits for the cursor's
 * durable delivery counts and any dead-lettering, so a frontend on an event loop uses
 * {@link #receiveAsync} or a subscription instead; release, releaseFailed and extendLock are
 * quick and in memory; everything else returns a future.
 */
public final class Queues implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Queues.class);

    private final InstantSource clock;
    private final QueueThreads threads;
    private final DeduplicationWindow deduplication;
    private final QueueRuntimes runtimes;
    private final QueuePublisher publisher;
    private final DeadLetterPublisher deadLetterPublisher;
    private final QueueReceiver receiver;
    private final QueueDispatchers dispatchers;
    private final PublishBacklog backlog;
    private final QueueLengthLimit lengthLimit;
    private final QueueExpiry expiry;
    private final PaceWaiters paceWaiters = new PaceWaiters(this::paced);
    private final long paceBacklogMessages;
    private final LogEngine engine;
    private final Topology topology;
    /** False on a clustered node while another node serves the queues: housekeeping writes nothing. */
    private volatile boolean serving = true;

    private Queues(LogEngine engine, Topology topology, QueuesSettings settings) throws IOException {
        this.engine = engine;
        this.topology = topology;
        this.clock = engine.settings().clock();
        this.paceBacklogMessages = settings.paceBacklogMessages();
        this.threads = new QueueThreads();
        this.deduplication = new DeduplicationWindow(engine.queueStateMap(DeduplicationWindow.NAMESPACE),
                settings.deduplicationWindowMs(), clock, threads.dedupWriter);
        // the runtimes call back into the waiters and the dead-lettering, which need the runtimes
        this.backlog = new PublishBacklog(settings.backlogHighWaterBytes(), settings.backlogLowWaterBytes(),
                threads.background);
        this.runtimes = new QueueRuntimes(engine, topology, settings, threads.appender, backlog,
                this::appendListener, this::archivedByCursor);
        this.lengthLimit = new QueueLengthLimit(runtimes, threads.delivery);
        this.publisher = new QueuePublisher(runtimes, topology, deduplication, clock, lengthLimit);
        this.deadLetterPublisher = new DeadLetterPublisher(runtimes, publisher, topology, clock, threads.background);
        this.receiver = new QueueReceiver(runtimes, deadLetterPublisher, settings, clock);
        lengthLimit.wire(receiver, deadLetterPublisher);
        this.dispatchers = new QueueDispatchers(runtimes, receiver, threads.delivery, paceWaiters::release,
                settings.paceActiveMs() * 1_000_000);
        this.expiry = new QueueExpiry(topology, dispatchers, clock);
        threads.background.scheduleWithFixedDelay(this::tick, settings.longPollTickMs(), settings.longPollTickMs(),
                TimeUnit.MILLISECONDS);
    }

    /** The queues of {@code topology} over {@code engine}; one per engine. */
    public static Queues open(LogEngine engine, Topology topology, QueuesSettings settings) throws IOException {
        return new Queues(engine, topology, settings);
    }

    // ---------------------------------------------------------------- publish

    /**
     * Publishes {@code message} to {@code queue}; completes when it is durable (or, for a
     * duplicate, at once with the original's result).
     */
    public CompletableFuture<PublishResult> publish(String queue, Message message, PublishOptions options) {
        return publisher.publish(queue, message, options);
    }

    /**
     * {@link #publish} for a caller whose thread may write to the log (one that does not mind a
     * page-cache write, such as the SQS endpoint's I/O thread, which does not wait for the
     * answer): when someone waits on the queue, its partition has no append running or queued and
     * this node writes its own log, the record is written on the caller's thread, and a round for
     * the queue's waiting long polls runs there too ({@link QueueDispatcher#appended}); the future
     * may then be complete on return. Otherwise, and for deduplicated or length-limited publishes,
     * as {@link #publish}. One thread hand-off fewer each way between a publish and the poll
     * waiting for it. Only then: with nobody waiting, a publisher's thread that writes holds the
     * partition's appends while it does, and on a busy machine, where it may lose its core
     * mid-write, that cut SQS SendMessage's rate (bench/sqs/RESULTS.md, sqs22).
     */
    public CompletableFuture<PublishResult> publishOnCallerThread(String queue, Message message,
            PublishOptions options) {
        return publisher.publish(queue, message, options, dispatchers.inUse(queue) ? PublishAccumulator.NOW : null);
    }

    /**
     * Publishes several messages to one queue (SQS SendMessageBatch); each result is at its
     * entry's index. They share batches where they share a partition.
     */
    public CompletableFuture<List<PublishResult>> publishAll(String queue, List<Publish> batch) {
        return publisher.publishAll(queue, batch);
    }

    /**
     * Publishes to an exchange (AMQP): to every queue {@link Topology#route} names for the
     * routing key and the message's headers. The message records the exchange and routing key.
     */
    public CompletableFuture<RoutedPublish> publishToExchange(String exchange, String routingKey, Message message) {
        return publisher.publishToExchange(exchange, routingKey, message, null);
    }

    /**
     * {@link #publishToExchange(String, String, Message)} from a connection's event loop, which
     * does not mind a page-cache write ({@code eventLoop}: that loop): a queue partition with no
     * append running or queued is written by a task on that loop, after the work it is doing now
     * (a read burst), with everything published to it meanwhile — one append for the burst, and
     * the publishes answered on the loop itself, without an append thread to wake and a wake back
     * (AMQP 0-9-1's confirms; bench/amqp091/RESULTS.md). A partition that is busy, a replicated
     * log, a deduplicated or length-limited publish: as the other form.
     */
    public CompletableFuture<RoutedPublish> publishToExchange(String exchange, String routingKey, Message message,
            Executor eventLoop) {
        return publisher.publishToExchange(exchange, routingKey, message, eventLoop);
    }

    /**
     * The publish side's back-pressure signal: publishes accepted and not yet durable, blocked
     * between the high- and low-water marks of {@link QueuesSettings}; what a frontend turns into
     * {@code connection.blocked} or withheld link credit (see {@link PublishBacklog}).
     */
    public PublishBacklog publishBacklog() {
        return backlog;
    }

    /**
     * Consumer-paced publishing: whether publishers to {@code queue} should hold back now. True
     * while its consumers are taking messages (some were handed out within the last
     * {@link QueuesSettings#paceActiveMs} ms, 200 by default) and more than {@link QueuesSettings#paceBacklogMessages} (the
     * limit) wait for them: messages none of them has reached, plus those delivered to a push
     * consumer and not yet settled while that consumer is settling (it settled one within the same
     * window). Publishers are then outrunning the consumers, and every message accepted now would
     * only wait longer — in the queue, or in a consumer's prefetch, which a client whose consumer
     * sets the pace keeps full. A consumer that stopped settling is not counted: new messages do
     * not wait behind what it holds, and it must not hold publishers back from the queue's other
     * consumers. Above {@value #STANDING_BACKLOG_FACTOR} × the
     * limit — a backlog that piled up while the consumers were away — publishers are held only
     * while it still grows (over the last few milliseconds), so consumers working through it do not
     * stop the publishers. A frontend stops reading from a paced publisher (0-9-1) or withholds its
     * link credit (1.0) and asks again shortly. A queue whose consumers stopped taking, or that has
     * none, is never paced: it takes what comes, as a queue must. Lock-free; false for an unknown
     * queue.
     */
    public boolean paced(String queue) {
        long limit = paceBacklogMessages;
        if (limit == 0 || !dispatchers.handedOutWithin(queue)) {
            return false;
        }
        QueueRuntime q = runtimes.peek(queue);
        if (q == null) {
            return false;
        }
        long waiting = q.undeliveredEstimate() + dispatchers.heldBySettling(queue);
        return waiting > limit && (waiting <= limit * STANDING_BACKLOG_FACTOR || q.backlogGrowing(waiting));
    }

    /** A push consumer settled: what it held no longer counts toward the pace, so held publishers may go on. */
    void paceMayHaveEased(String queue) {
        paceWaiters.release(queue);
    }

    /**
     * Runs {@code resume} once {@code queue} is no longer {@linkplain #paced paced}: at once when it
     * is not now, else right after the delivery round that took its backlog back under the limit,
     * or at the tick that finds its consumers stopped taking (within {@code longPollTickMs} after
     * the activity window ran out). Called on the caller's thread (at once), the delivery thread, an
     * append thread or the background thread: hand the work to your own thread and return. Once
     * only; the queue may be paced again by the time it runs (ask again).
     */
    public void whenUnpaced(String queue, Runnable resume) {
        paceWaiters.add(queue, resume);
    }

    /** From how many times the pace limit on a backlog holds publishers back only while it grows. */
    static final long STANDING_BACKLOG_FACTOR = 10;

    /**
     * A frontend declared {@code queue} again (AMQP queue.declare, the management node): for
     * {@code x-expires} that is a use, as in RabbitMQ.
     */
    public void declared(String queue) {
        expiry.used(queue);
    }

    // ---------------------------------------------------------------- receive

    /**
     * Takes up to {@code maxMessages} deliverable messages for {@code consumer}, locked for
     * {@code lockMs}; empty when there are none now.
     *
     * @throws UnknownQueueException when there is no such queue
     */
    public List<QueueDelivery> receive(String queue, String consumer, int maxMessages, long lockMs) {
        expiry.used(queue);
        return receiver.receive(queue, consumer, maxMessages, lockMs);
    }

    /**
     * Long poll: completes as soon as at least one message is available (woken by an append, or
     * by the periodic look for expired locks and delays), or with an empty list after
     * {@code waitMs}. Cancelling the future gives up the wait.
     */
    public CompletableFuture<List<QueueDelivery>> receive(String queue, String consumer, int maxMessages, long lockMs,
            long waitMs) {
        List<QueueDelivery> now;
        try {
            now = receive(queue, consumer, maxMessages, lockMs);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (!now.isEmpty() || waitMs <= 0) {
            return CompletableFuture.completedFuture(now);
        }
        return await(queue, consumer, maxMessages, lockMs, waitMs, new CompletableFuture<>());
    }

    /**
     * {@link #receive(String, String, int, long, long) receive} for callers on an event loop:
     * nothing runs on the caller's thread but the hand-off. The receive runs on the facade's
     * delivery thread; the future completes there, once the messages' delivery counts (and any
     * dead letters the receive made) are durable, or when the wait ends (empty; {@code waitMs}
     * 0 = do not wait) — but a receive that waited for messages completes on the thread that
     * made their counts durable (see {@link QueueDispatcher}), so its waiter hands its own work on. Cancelling it gives the wait up. An unknown queue fails it with
     * {@link UnknownQueueException}. AMQP 0-9-1 {@code basic.get}, Kafka share fetches.
     */
    public CompletableFuture<List<QueueDelivery>> receiveAsync(String queue, String consumer, int maxMessages,
            long lockMs, long waitMs) {
        return startReceive(queue, consumer, maxMessages, lockMs, waitMs, threads.delivery);
    }

    /**
     * {@link #receiveAsync} for a caller on a thread that may do the take itself (a worker thread,
     * not an event loop): the take runs on the caller's thread rather than after a hop to the
     * delivery thread, and the future completes where the delivery counts became durable — on
     * return when they were written at once (one node, page cache: see the engine's share-state
     * store), else on the share-state writer; a receive that waited completes as
     * {@link #receiveAsync}'s does. It may read the log and write the counts on the caller's
     * thread. SQS's ReceiveMessage, whose worker would otherwise only hand over and return: each
     * hop is a thread to wake, and there were six per receive (bench/sqs/RESULTS.md). A receive
     * that waits runs the round that joins it to the queue's long polls on the caller's thread
     * too, when only long polls wait ({@link QueueDispatcher#addLongPoll}).
     */
    public CompletableFuture<List<QueueDelivery>> receiveOnCallerThread(String queue, String consumer,
            int maxMessages, long lockMs, long waitMs) {
        return startReceive(queue, consumer, maxMessages, lockMs, waitMs, Runnable::run);
    }

    /** Checks the arguments, then takes on {@code takeOn}; what was taken is handed over there too. */
    private CompletableFuture<List<QueueDelivery>> startReceive(String queue, String consumer, int maxMessages,
            long lockMs, long waitMs, Executor takeOn) {
        CompletableFuture<List<QueueDelivery>> result = new CompletableFuture<>();
        expiry.used(queue);
        try {
            QueueReceiver.check(maxMessages, lockMs);
            takeOn.execute(() -> receiveNow(queue, consumer, maxMessages, lockMs, waitMs, result, takeOn));
        } catch (RuntimeException e) { // bad arguments, or closing
            result.completeExceptionally(e);
        }
        return result;
    }

    /**
     * Takes what there is now, or waits as a long poll; what was taken is handed over on
     * {@code completeOn} once its counts are durable.
     */
    private void receiveNow(String queue, String consumer, int maxMessages, long lockMs, long waitMs,
            CompletableFuture<List<QueueDelivery>> result, Executor completeOn) {
        if (result.isDone()) {
            return; // given up already
        }
        QueueRuntime q;
        QueueReceiver.Taken taken;
        try {
            q = runtimes.get(queue);
            taken = receiver.take(q, consumer, maxMessages, lockMs);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        if (taken.deliveries().isEmpty() && waitMs > 0) {
            await(queue, consumer, maxMessages, lockMs, waitMs, result);
            return;
        }
        CompletableFuture.allOf(taken.durable(), taken.deadLettered()).whenCompleteAsync((v, failure) -> {
            if (failure != null) {
                taken.deliveries().forEach(d -> QueueDispatcher.release(q, d));
                result.completeExceptionally(failure);
            } else if (!result.complete(taken.deliveries())) {
                taken.deliveries().forEach(d -> QueueDispatcher.release(q, d)); // given up meanwhile
            }
        }, completeOn);
    }

    /** Waits as a long poll in the queue's ring; its deadline answers it empty. */
    private CompletableFuture<List<QueueDelivery>> await(String queue, String consumer, int maxMessages,
            long lockMs, long waitMs, CompletableFuture<List<QueueDelivery>> result) {
        LongPoll poll = new LongPoll(queue, consumer, maxMessages, lockMs, waitMs, result, clock);
        QueueDispatcher dispatcher;
        try {
            dispatcher = dispatchers.add(queue, poll);
            ScheduledFuture<?> deadline = threads.background.schedule(() -> {
                if (dispatcher.expire(poll)) {
                    result.complete(List.of());
                }
            }, waitMs, TimeUnit.MILLISECONDS);
            // a poll answered before its deadline takes its timer out of the queue: else the
            // background thread woke for each one (200/s in the SQS bench's e2e phase) to find it gone
            result.whenComplete((v, failure) -> deadline.cancel(false));
        } catch (IllegalStateException | RejectedExecutionException e) { // closing
            result.complete(List.of());
        }
        return result;
    }

    // ---------------------------------------------------------------- push

    /**
     * A push consumer of {@code queue} with AMQP 1.0 link credit ({@link Subscription.CreditMode#LINK}):
     * see {@link #subscribe(String, String, int, Subscription.CreditMode, DeliverySink)}.
     */
    public Subscription subscribe(String queue, String consumer, int credit, DeliverySink sink) {
        return subscribe(queue, consumer, credit, Subscription.CreditMode.LINK, sink);
    }

    /**
     * A push consumer of {@code queue}: up to {@code credit} messages (then as credit is given,
     * see {@link Subscription}) are delivered to {@code sink} on the facade's delivery thread,
     * each held for the consumer without a lock deadline until it is settled through the
     * subscription or the subscription is cancelled. Messages published while it has credit are
     * delivered at once (appends wake it). The subscriptions of a queue, and its waiting long
     * polls, are served round-robin.
     *
     * @param consumer a name for logs (AMQP: the link name or consumer tag)
     * @throws UnknownQueueException when there is no such queue
     */
    public Subscription subscribe(String queue, String consumer, int credit, Subscription.CreditMode mode,
            DeliverySink sink) {
        if (credit < 0) {
            throw new IllegalArgumentException("credit must not be negative: " + credit);
        }
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(sink, "sink");
        runtimes.get(queue);
        expiry.used(queue);
        while (true) {
            QueueDispatcher dispatcher = dispatchers.of(queue);
            Subscription subscription = new Subscription(this, dispatcher, queue, consumer, mode, credit, sink,
                    threads.delivery);
            if (dispatcher.add(subscription.recipient())) {
                return subscription;
            }
            dispatchers.retired(dispatcher); // its queue was deleted meanwhile: a fresh one
        }
    }

    // ---------------------------------------------------------------- settle

    /**
     * Settles a delivery the way {@code how} says (see {@link Settlement}); completes once the
     * change is durable where it must be ({@link Settlement#ACCEPT}, {@link Settlement#REJECT}),
     * at once otherwise.
     */
    public CompletableFuture<SettleResult> settle(DeliveryTag tag, Settlement how) {
        return switch (how) {
            case ACCEPT -> acknowledge(tag);
            case RELEASE -> CompletableFuture.completedFuture(release(tag));
            case RELEASE_FAILED -> CompletableFuture.completedFuture(releaseFailed(tag));
            case REJECT -> reject(tag);
        };
    }

    /**
     * Settles several deliveries the same way (AMQP 1.0 disposition ranges, 0-9-1
     * {@code multiple=true}); each result is at its tag's index.
     */
    public CompletableFuture<List<SettleResult>> settleAll(List<DeliveryTag> tags, Settlement how) {
        if (how == Settlement.ACCEPT) {
            return acknowledgeAll(tags);
        }
        List<CompletableFuture<SettleResult>> each = new ArrayList<>(tags.size());
        for (DeliveryTag tag : tags) {
            each.add(settle(tag, how));
        }
        return allOf(each);
    }

    /** Done with the message; completes once that is durable. */
    public CompletableFuture<SettleResult> acknowledge(DeliveryTag tag) {
        return acknowledge(tag, false);
    }

    /**
     * SQS's DeleteMessage: done with the message even if its lock ran out, provided it was not
     * delivered again since the tag was handed out; completes once that is durable.
     */
    public CompletableFuture<SettleResult> acknowledgeLatest(DeliveryTag tag) {
        return acknowledge(tag, true);
    }

    private CompletableFuture<SettleResult> acknowledge(DeliveryTag tag, boolean evenIfLockExpired) {
        QueueRuntime q = runtimes.forTag(tag);
        if (q == null) {
            return CompletableFuture.completedFuture(SettleResult.UNKNOWN);
        }
        CompletableFuture<Outcome> acknowledged = q.cursors[tag.partition()].acknowledge(tag.offset(),
                tag.acquisitions(), evenIfLockExpired);
        wakeIfFifo(q);
        return acknowledged.thenApply(outcome -> {
            if (outcome == Outcome.OK) {
                q.firstAcquired[tag.partition()].remove(tag.offset());
            }
            return SettleResult.of(outcome);
        });
    }

    /** A FIFO group's next message may be deliverable now that the one before it is done. */
    private void wakeIfFifo(QueueRuntime q) {
        if (q.spec.fifo()) {
            dispatchers.wake(q.spec.name());
        }
    }

    /**
     * Acknowledges several deliveries (SQS DeleteMessageBatch, AMQP ranges); each outcome is at
     * its tag's index. Their state changes share the share-state group commit.
     */
    public CompletableFuture<List<SettleResult>> acknowledgeAll(List<DeliveryTag> tags) {
        return acknowledgeAll(tags, false);
    }

    /** {@link #acknowledgeLatest} for several deliveries (SQS DeleteMessageBatch). */
    public CompletableFuture<List<SettleResult>> acknowledgeAllLatest(List<DeliveryTag> tags) {
        return acknowledgeAll(tags, true);
    }

    /**
     * One cursor call, hence one share-state write, per partition the tags name (the tags of one
     * AMQP read burst or disposition range are mostly of one partition), not one per tag.
     */
    private CompletableFuture<List<SettleResult>> acknowledgeAll(List<DeliveryTag> tags, boolean evenIfLockExpired) {
        return acknowledgeAll(tags, evenIfLockExpired, false);
    }

    /**
     * {@link #acknowledgeAll(List)} whose share-state writes are left to each cursor's next write
     * ({@link ShareCursor#acknowledgeAllWithNextWrite}): a push subscription's acks that gave it
     * credit back, whose round's acquisition then writes them too. The caller makes sure a write
     * follows ({@link QueueRuntime#writeDeferred}); the future completes once they are durable.
     */
    CompletableFuture<List<SettleResult>> acknowledgeAllWithNextWrite(List<DeliveryTag> tags) {
        return acknowledgeAll(tags, false, true);
    }

    /** {@link QueueRuntime#writeDeferred} of {@code queue}, when it still exists. */
    void writeDeferred(String queue) {
        try {
            runtimes.find(queue).ifPresent(QueueRuntime::writeDeferred);
        } catch (IllegalStateException closed) {
            // closing: the cursors' state is written by the engine's close, or not at all
        }
    }

    private CompletableFuture<List<SettleResult>> acknowledgeAll(List<DeliveryTag> tags, boolean evenIfLockExpired,
            boolean withNextWrite) {
        if (tags.size() == 1 && !withNextWrite) {
            return acknowledge(tags.get(0), evenIfLockExpired).thenApply(List::of);
        }
        SettleResult[] results = new SettleResult[tags.size()];
        boolean[] done = new boolean[tags.size()];
        List<CompletableFuture<?>> writes = new ArrayList<>(1);
        java.util.Map<String, QueueRuntime> byQueue = new java.util.HashMap<>(2);
        long[] offsets = new long[tags.size()];
        int[] acquisitions = new int[tags.size()];
        int[] index = new int[tags.size()];
        for (int i = 0; i < tags.size(); i++) {
            if (done[i]) {
                continue;
            }
            DeliveryTag first = tags.get(i);
            QueueRuntime q = byQueue.containsKey(first.queue()) ? byQueue.get(first.queue()) : runtimes.forTag(first);
            byQueue.put(first.queue(), q);
            if (q == null || first.partition() < 0 || first.partition() >= q.partitions()) {
                results[i] = SettleResult.UNKNOWN;
                done[i] = true;
                continue;
            }
            int n = 0;
            for (int j = i; j < tags.size(); j++) { // this tag's queue and partition, in order
                DeliveryTag t = tags.get(j);
                if (!done[j] && t.partition() == first.partition() && t.queue().equals(first.queue())) {
                    offsets[n] = t.offset();
                    acquisitions[n] = t.acquisitions();
                    index[n++] = j;
                    done[j] = true;
                }
            }
            int partition = first.partition();
            int[] at = java.util.Arrays.copyOf(index, n);
            long[] acknowledgedOffsets = java.util.Arrays.copyOf(offsets, n);
            ShareCursor cursor = q.cursors[partition];
            writes.add((withNextWrite ? cursor.acknowledgeAllWithNextWrite(offsets, acquisitions, n)
                    : cursor.acknowledgeAll(offsets, acquisitions, n, evenIfLockExpired))
                    .thenAccept(outcomes -> {
                        for (int k = 0; k < at.length; k++) {
                            Outcome outcome = outcomes.get(k);
                            if (outcome == Outcome.OK) {
                                q.firstAcquired[partition].remove(acknowledgedOffsets[k]);
                            }
                            results[at[k]] = SettleResult.of(outcome);
                        }
                    }));
            wakeIfFifo(q);
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                .thenApply(v -> java.util.Arrays.asList(results));
    }

    private static CompletableFuture<List<SettleResult>> allOf(List<CompletableFuture<SettleResult>> each) {
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                .thenApply(v -> each.stream().map(CompletableFuture::join).toList());
    }

    /** Back to available, failed-delivery count unchanged (AMQP 1.0 released, 0-9-1 requeue). */
    public SettleResult release(DeliveryTag tag) {
        QueueRuntime q = runtimes.forTag(tag);
        if (q == null) {
            return SettleResult.UNKNOWN;
        }
        SettleResult result = SettleResult.of(q.cursors[tag.partition()].release(tag.offset(), tag.acquisitions()));
        dispatchers.wake(tag.queue());
        return result;
    }

    /** Back to available with one more failed delivery (AMQP 1.0 modified{delivery-failed}). */
    public SettleResult releaseFailed(DeliveryTag tag) {
        QueueRuntime q = runtimes.forTag(tag);
        if (q == null) {
            return SettleResult.UNKNOWN;
        }
        SettleResult result = SettleResult.of(q.cursors[tag.partition()].releaseFailed(tag.offset(),
                tag.acquisitions()));
        dispatchers.wake(tag.queue());
        return result;
    }

    /**
     * Gives the message up: dead-lettered by the queue's policy (dropped when it has none), then
     * archived; completes once both are durable.
     */
    public CompletableFuture<SettleResult> reject(DeliveryTag tag) {
        QueueRuntime q = runtimes.forTag(tag);
        if (q == null) {
            return CompletableFuture.completedFuture(SettleResult.UNKNOWN);
        }
        return deadLetterPublisher.reject(q, tag).thenApply(outcome -> {
            wakeIfFifo(q);
            return SettleResult.of(outcome);
        });
    }

    /** Moves the lock's end to now + {@code lockMsFromNow}; 0 (or less) makes it available now. */
    public SettleResult extendLock(DeliveryTag tag, long lockMsFromNow) {
        QueueRuntime q = runtimes.forTag(tag);
        if (q == null) {
            return SettleResult.UNKNOWN;
        }
        long deadline = lockMsFromNow <= 0 ? 0 : clock.millis() + lockMsFromNow;
        SettleResult result = SettleResult.of(q.cursors[tag.partition()].extendLock(tag.offset(),
                tag.acquisitions(), deadline));
        if (deadline == 0) {
            dispatchers.wake(tag.queue());
        }
        return result;
    }

    /**
     * Everything {@code consumer} took from {@code queue} with an immediate {@link #receive} goes
     * back, failed count unchanged (its connection closed). What a subscription holds goes back
     * with {@link Subscription#cancel}; what a long poll that had to wait was given is locked
     * under the facade's own name and runs out with its lock.
     */
    public int releaseAll(String queue, String consumer) {
        QueueRuntime q = runtimes.get(queue);
        int released = 0;
        for (ShareCursor cursor : q.cursors) {
            released += cursor.releaseAll(consumer);
        }
        if (released > 0) {
            dispatchers.wake(queue);
        }
        return released;
    }

    // ---------------------------------------------------------------- counts and purge

    /**
     * The share-partition start offset of one of the queue's partitions: every message below it
     * is done with (acknowledged, dead-lettered, purged or gone from the log), as Kafka's
     * DescribeShareGroupOffsets reports it for the queue's share group.
     *
     * @throws UnknownQueueException when there is no such queue
     * @throws IllegalArgumentException when the queue has no such partition
     */
    public long startOffset(String queue, int partition) {
        return cursor(queue, partition).startOffset();
    }

    /**
     * The share-partition lag of one of the queue's partitions: its messages from the start offset
     * on that are not done with yet, as Kafka's DescribeShareGroupOffsets v1 reports it.
     *
     * @throws UnknownQueueException when there is no such queue
     * @throws IllegalArgumentException when the queue has no such partition
     */
    public long lag(String queue, int partition) {
        return cursor(queue, partition).lag();
    }

    private ShareCursor cursor(String queue, int partition) {
        QueueRuntime q = runtimes.get(queue);
        if (partition < 0 || partition >= q.partitions()) {
            throw new IllegalArgumentException("queue '" + queue + "' has no partition " + partition);
        }
        return q.cursors[partition];
    }

    /**
     * Up to {@code maxMessages} of the queue's available messages, oldest first, without acquiring
     * them: their state, delivery counts and locks stay as they are, so a consumer receives them
     * as if nobody had looked (an operator's peek; docs/queues.md). Delayed messages, and expired
     * ones a receive would dead-letter, are left out.
     *
     * @throws UnknownQueueException when there is no such queue
     */
    public List<PeekedMessage> peek(String queue, int maxMessages) {
        QueueReceiver.check(maxMessages, 0);
        QueueRuntime q = runtimes.get(queue);
        long now = clock.millis();
        List<PeekedMessage> found = new ArrayList<>();
        for (int partition = 0; partition < q.partitions(); partition++) {
            for (PeekedRecord record : q.cursors[partition].peek(maxMessages)) {
                Message message = MessageMapping.fromRecord(record.record());
                if (!QueueReceiver.expired(q.spec, message, now)) {
                    found.add(new PeekedMessage(partition, record.offset(), message, record.acquisitions(),
                            record.record().timestamp()));
                }
            }
        }
        found.sort(java.util.Comparator.comparingLong(PeekedMessage::publishTimestampMs)
                .thenComparingInt(PeekedMessage::partition).thenComparingLong(PeekedMessage::offset));
        return found.size() > maxMessages ? List.copyOf(found.subList(0, maxMessages)) : found;
    }

    /** Counts over all partitions. */
    public QueueCounts counts(String queue) {
        return runtimes.get(queue).counts(clock.millis());
    }

    /**
     * Drops every message not in flight (AMQP queue.purge); messages held by consumers stay
     * theirs. The topic keeps the records for Kafka readers.
     */
    public CompletableFuture<Void> purge(String queue) {
        return purge(queue, false);
    }

    /** Drops every message, in flight or not (SQS PurgeQueue); the held ones' tags find nothing. */
    public CompletableFuture<Void> purgeAll(String queue) {
        return purge(queue, true);
    }

    private CompletableFuture<Void> purge(String queue, boolean includingInFlight) {
        QueueRuntime q;
        try {
            q = runtimes.get(queue);
        } catch (UnknownQueueException | IllegalStateException e) { // no such queue, or closed
            return CompletableFuture.failedFuture(e);
        }
        return q.purge(includingInFlight);
    }

    // ---------------------------------------------------------------- housekeeping

    /** What an append to the queue's logs sets off: a round for whoever waits, a drop-head trim. */
    private Runnable appendListener(String queue) {
        Runnable wake = dispatchers.appendListener(queue);
        return () -> {
            wake.run();
            lengthLimit.appended(queue);
        };
    }

    private void archivedByCursor(String queue, int partition, long offset, ArchiveListener.Reason reason) {
        deadLetterPublisher.archivedByCursor(queue, partition, offset, reason);
    }

    /**
     * Every {@link QueuesSettings#longPollTickMs}: long polls and subscriptions look again (locks
     * and delays that ran out, deleted queues), expired state is dropped, and queues unused past
     * their {@code x-expires} are deleted.
     */
    private void tick() {
        if (!serving) {
            return;
        }
        try {
            dispatchers.wakeAll();
            dispatchers.expireDue(clock.millis());
            paceWaiters.releaseAll();
            expiry.tick();
            deduplication.sweep();
            runtimes.forgetSettled();
        } catch (RuntimeException e) {
            log.warn("Queue housekeeping failed", e);
        }
    }

    // ---------------------------------------------------------------- clustered

    /**
     * Another node of the cluster serves the queues now (docs/replication.md): this one stops its
     * housekeeping — expiring queues, sweeping deduplication ids, which would write — and ends
     * every subscription and long poll it still had. {@link #takeOver} serves them again.
     */
    public void standBy() {
        serving = false;
        onDeliveryThread(dispatchers::endAll);
    }

    /**
     * This node serves the queues from now on: it forgets what it held of them in memory and
     * reads it again from the durable state, which the nodes that served them before wrote —
     * topology (repaired as after a restart), share cursors, deduplication ids — then resumes
     * housekeeping. Call it before any client is served, once this node has applied every write
     * committed before it took over.
     */
    public void takeOver() throws IOException {
        serving = false;
        onDeliveryThread(dispatchers::endAll);
        runtimes.detachAll();
        engine.reopenShareCursors();
        topology.reload();
        deduplication.reload();
        expiry.restartLeases();
        serving = true;
    }

    /** Whether this node serves the queues: always on one node; on the cluster's leader in a cluster. */
    public boolean serving() {
        return serving;
    }

    private void onDeliveryThread(Runnable task) {
        try {
            threads.delivery.submit(task).get(10, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            // closed already
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Ending the subscriptions and long polls failed or took too long", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Ends every subscription (what it held goes back, counts unchanged; its sink hears
     * {@link Subscription.End#CLOSED}) and answers waiting long polls empty, then stops the
     * threads. The engine stays open.
     */
    @Override
    public void close() {
        if (threads.delivery.isShutdown()) {
            return; // closed already
        }
        onDeliveryThread(dispatchers::closeAll); // on the delivery thread, as every sink call is
        runtimes.markClosed();
        threads.shutdown();
        runtimes.detachAll();
    }

    /** The admission of a length-limited queue's publishes and that queue's runtime, for this package's tests. */
    CompletableFuture<PublishResult> admitForTest(String queue, Message message,
            java.util.function.Supplier<CompletableFuture<PublishResult>> append) {
        return lengthLimit.admit(runtimes.get(queue), message, append);
    }
}
