package dev.trilog.routing.queue;

import dev.trilog.log.LogEngine;
import dev.trilog.log.OffsetOutOfRangeException;
import dev.trilog.log.PartitionLog;
import dev.trilog.log.Topic;
import dev.trilog.log.record.LogRecord;
import dev.trilog.log.record.RecordData;
import dev.trilog.log.share.ArchiveListener;
import dev.trilog.log.share.Delivery;
import dev.trilog.log.share.Outcome;
import dev.trilog.log.share.ShareCounts;
import dev.trilog.log.share.ShareCursor;
import dev.trilog.log.share.ShareGroupSettings;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.message.MessageMapping;
import dev.trilog.routing.message.MessageProperties;
import dev.trilog.routing.topology.Topology;
import dev.trilog.routing.topology.TopologyException;
import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queue semantics over the log, the one implementation both the AMQP and the SQS frontend use
 * (docs/queues.md). A queue is its topic plus the share group of the same name
 * ({@link QueueSpec}); this class publishes into the topic and delivers from the group's share
 * cursors, one per partition, applying the queue's policies.
 *
 * <p><b>Against helper-notes/QUEUE_API.md</b> the shape is unchanged; details it left open:
 * <ul>
 * <li>{@link PublishOptions#delayMs()} negative means "the queue's default delay"
 * ({@link PublishOptions#NONE}); 0 means none even on a delayed queue (SQS's override).</li>
 * <li>An unknown queue: {@link UnknownQueueException} (unchecked) from receive, releaseAll,
 * counts; a failed future from publish and purge; {@link Outcome#UNKNOWN} for a tag.</li>
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
 * <p><b>Receive.</b> Acquires from the partitions in turn. A message past its expiry (its own
 * {@code expiryTime}, or timestamp + {@code x-message-ttl}) or acquired more often than
 * {@code x-delivery-limit} allows is not delivered: it is dead-lettered and then archived, in
 * that order, so a crash in between duplicates it rather than losing it. Expiry is therefore
 * lazy (found when the message would be delivered), as in RabbitMQ, and counts include expired
 * messages not yet reached.
 *
 * <p><b>Reject</b> dead-letters the same way (dead letter durable, then archived). When the share
 * cursor itself archives a record at its delivery limit (its limit is one above the queue's, so
 * this happens only if a receive did not get to it), the record is dead-lettered afterwards on
 * the background thread.
 *
 * <p><b>Threads.</b> Thread-safe. One daemon thread serves long polls (woken by appends, and every
 * {@link QueuesSettings#longPollTickMs()} for lock and delay expiry), dead-letters archived
 * records and sweeps the deduplication window. Appends run on up to two "trilog-queue-appender" threads. Receive blocks for the cursor's durable delivery
 * counts and any dead-lettering, so a frontend calls it off its event loop or uses the long-poll
 * form.
 */
public final class Queues implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Queues.class);
    /** How long a record being dead-lettered stays locked: the dead-letter publish must finish first. */
    private static final long DEAD_LETTER_HOLD_MS = 60_000;

    private final LogEngine engine;
    private final Topology topology;
    private final QueuesSettings settings;
    private final InstantSource clock;
    private final DeduplicationWindow deduplication;
    private final Map<String, QueueRuntime> runtimes = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService background;
    /** Runs the accumulators' appends (see {@link PublishAccumulator}). */
    private final ExecutorService appender;
    private volatile boolean closed;

    private record Waiter(String queue, String consumer, int maxMessages, long lockMs, long deadline,
            CompletableFuture<List<QueueDelivery>> future) {
    }

    private Queues(LogEngine engine, Topology topology, QueuesSettings settings) throws IOException {
        this.engine = engine;
        this.topology = topology;
        this.settings = settings;
        this.clock = engine.settings().clock();
        this.deduplication = new DeduplicationWindow(engine.durableMap(DeduplicationWindow.NAMESPACE),
                settings.deduplicationWindowMs(), clock);
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "trilog-queues");
            t.setDaemon(true);
            return t;
        });
        // long-poll timeouts still scheduled when closing are answered by close itself
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.background = executor;
        this.appender = Executors.newFixedThreadPool(Math.min(2, Runtime.getRuntime().availableProcessors()), r -> {
            Thread t = new Thread(r, "trilog-queue-appender");
            t.setDaemon(true);
            return t;
        });
        background.scheduleWithFixedDelay(this::tick, settings.longPollTickMs(), settings.longPollTickMs(),
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
        QueueRuntime q;
        try {
            q = runtime(queue);
        } catch (UnknownQueueException e) {
            return CompletableFuture.failedFuture(e);
        }
        return publishTo(q, message, options == null ? PublishOptions.NONE : options);
    }

    /**
     * Publishes several messages to one queue (SQS SendMessageBatch); each result is at its
     * entry's index. They share batches where they share a partition.
     */
    public CompletableFuture<List<PublishResult>> publishAll(String queue, List<Publish> batch) {
        QueueRuntime q;
        try {
            q = runtime(queue);
        } catch (UnknownQueueException e) {
            return CompletableFuture.failedFuture(e);
        }
        List<CompletableFuture<PublishResult>> results = new ArrayList<>(batch.size());
        for (Publish publish : batch) {
            results.add(publishTo(q, publish.message(), publish.options()));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenApply(v -> results.stream().map(CompletableFuture::join).toList());
    }

    /**
     * Publishes to an exchange (AMQP): to every queue {@link Topology#route} names for the
     * routing key and the message's headers. The message records the exchange and routing key.
     */
    public CompletableFuture<RoutedPublish> publishToExchange(String exchange, String routingKey, Message message) {
        Set<String> targets;
        try {
            targets = topology.route(exchange, routingKey, message.headers());
        } catch (TopologyException e) {
            return CompletableFuture.failedFuture(e);
        }
        Message stamped = message.toBuilder().properties(message.properties().toBuilder()
                .exchange(exchange).routingKey(routingKey).build()).build();
        return publishToQueues(targets, stamped, PublishOptions.NONE, true);
    }

    private CompletableFuture<RoutedPublish> publishToQueues(Set<String> targets, Message message,
            PublishOptions options, boolean deduplicate) {
        Map<String, CompletableFuture<PublishResult>> results = new LinkedHashMap<>();
        for (String target : targets) {
            // a queue deleted while the route was computed is skipped, as RabbitMQ's unroutable
            Optional<QueueRuntime> q = findRuntime(target);
            q.ifPresent(runtime -> results.put(target, deduplicate ? publishTo(runtime, message, options)
                    : append(runtime, prepare(runtime.spec, message, options, clock.millis()))));
        }
        return CompletableFuture.allOf(results.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
            Map<String, PublishResult> done = new HashMap<>();
            results.forEach((name, f) -> done.put(name, f.join()));
            return new RoutedPublish(done);
        });
    }

    private CompletableFuture<PublishResult> publishTo(QueueRuntime q, Message message, PublishOptions options) {
        Message prepared = prepare(q.spec, message, options, clock.millis());
        String dedupId = options.deduplicationId() != null ? options.deduplicationId()
                : prepared.properties().deduplicationId() != null ? prepared.properties().deduplicationId()
                : q.spec.contentBasedDeduplication() ? DeduplicationWindow.contentId(prepared.bodyBytes()) : null;
        if (dedupId == null) {
            return append(q, prepared);
        }
        return deduplication.publishOnce(q.spec.name(), dedupId, () -> append(q, prepared));
    }

    /** The message as stored: timestamp, group, deduplication id and not-before time set. */
    private static Message prepare(QueueSpec spec, Message message, PublishOptions options, long now) {
        MessageProperties.Builder properties = message.properties().toBuilder();
        boolean changed = false;
        if (options.groupId() != null) {
            properties.groupId(options.groupId());
            changed = true;
        }
        if (options.deduplicationId() != null) {
            properties.deduplicationId(options.deduplicationId());
            changed = true;
        }
        long delay = options.delayMs() >= 0 ? options.delayMs() : spec.deliveryDelayMs();
        boolean ownNotBefore = options.delayMs() < 0 && message.properties().notBefore() != null;
        if (!ownNotBefore && (delay > 0 || spec.deliveryDelayMs() > 0)) {
            // written even for 0 on a delayed queue: the header overrides the queue's default
            properties.notBefore(now + delay);
            changed = true;
        }
        if (!changed && message.timestamp() != Message.NO_TIMESTAMP) {
            return message;
        }
        Message.Builder builder = message.toBuilder().properties(properties.build());
        if (message.timestamp() == Message.NO_TIMESTAMP) {
            builder.timestamp(now);
        }
        if (options.groupId() != null && message.key() == null) {
            builder.key(options.groupId().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    private CompletableFuture<PublishResult> append(QueueRuntime q, Message message) {
        RecordData record = MessageMapping.toRecord(message);
        int partition = q.partitionFor(record);
        String messageId = idText(message.properties().messageId());
        return q.accumulators[partition].add(record)
                .thenApply(offset -> new PublishResult(partition, offset, messageId, false));
    }

    private static String idText(HeaderValue id) {
        return id == null ? null : id.text();
    }

    // ---------------------------------------------------------------- receive

    /**
     * Takes up to {@code maxMessages} deliverable messages for {@code consumer}, locked for
     * {@code lockMs}; empty when there are none now.
     *
     * @throws UnknownQueueException when there is no such queue
     */
    public List<QueueDelivery> receive(String queue, String consumer, int maxMessages, long lockMs) {
        if (maxMessages < 1 || lockMs < 0) {
            throw new IllegalArgumentException("maxMessages must be positive and lockMs not negative");
        }
        QueueRuntime q = runtime(queue);
        List<QueueDelivery> out = new ArrayList<>(Math.min(maxMessages, 64));
        int first = q.firstReceivePartition();
        for (int i = 0; i < q.partitions() && out.size() < maxMessages; i++) {
            receiveFrom(q, (first + i) % q.partitions(), consumer, maxMessages, lockMs, out);
        }
        return out.isEmpty() ? Collections.emptyList() : out;
    }

    private void receiveFrom(QueueRuntime q, int partition, String consumer, int maxMessages, long lockMs,
            List<QueueDelivery> out) {
        ShareCursor cursor = q.cursors[partition];
        long limit = q.spec.maxDeliveryCount();
        while (out.size() < maxMessages) {
            List<Delivery> taken = cursor.acquire(consumer, maxMessages - out.size(), settings.receiveMaxBytes(),
                    lockMs);
            if (taken.isEmpty()) {
                return;
            }
            long now = clock.millis();
            for (Delivery delivery : taken) {
                Message message = MessageMapping.fromRecord(delivery.record());
                DeliveryTag tag = new DeliveryTag(q.spec.name(), partition, delivery.offset(), delivery.acquisitions());
                if (limit >= 0 && delivery.acquisitions() > limit) {
                    deadLetterAndArchive(q, tag, message, DeadLetterHeaders.Reason.DELIVERY_LIMIT).join();
                } else if (expired(q.spec, message, now)) {
                    deadLetterAndArchive(q, tag, message, DeadLetterHeaders.Reason.EXPIRED).join();
                } else {
                    Long firstTime = q.firstAcquired[partition].putIfAbsent(delivery.offset(), now);
                    out.add(new QueueDelivery(tag, message, delivery.acquisitions(), delivery.failedDeliveries(),
                            delivery.lockDeadline(), delivery.record().timestamp(),
                            firstTime == null ? now : firstTime));
                }
            }
        }
    }

    private static boolean expired(QueueSpec spec, Message message, long now) {
        Long own = message.properties().expiryTime();
        if (own != null && own <= now) {
            return true;
        }
        var ttl = spec.messageTtlMs();
        return ttl.isPresent() && message.timestamp() != Message.NO_TIMESTAMP
                && message.timestamp() + ttl.getAsLong() <= now;
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
        Waiter waiter = new Waiter(queue, consumer, maxMessages, lockMs, clock.millis() + waitMs,
                new CompletableFuture<>());
        waiters.add(waiter);
        // an append between the look above and registering would otherwise go unnoticed until the tick
        background.execute(() -> serveWaiters(queue));
        background.schedule(() -> serveWaiters(queue), waitMs, TimeUnit.MILLISECONDS);
        return waiter.future;
    }

    /** Serves the waiting long polls of {@code queue} (or all when null), on the background thread. */
    private void serveWaiters(String queue) {
        long now = clock.millis();
        for (Waiter waiter : waiters) {
            if (closed) {
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
                got = receive(waiter.queue, waiter.consumer, waiter.maxMessages, waiter.lockMs);
            } catch (RuntimeException e) {
                waiters.remove(waiter);
                waiter.future.completeExceptionally(e);
                continue;
            }
            if (!got.isEmpty() || now >= waiter.deadline || closed) {
                waiters.remove(waiter);
                if (!waiter.future.complete(got)) {
                    got.forEach(d -> release(d.tag())); // the waiter gave up meanwhile: hand them back
                }
            }
        }
    }

    // ---------------------------------------------------------------- settle

    /** Done with the message; completes once that is durable. */
    public CompletableFuture<Outcome> acknowledge(DeliveryTag tag) {
        QueueRuntime q = runtimeForTag(tag);
        if (q == null) {
            return CompletableFuture.completedFuture(Outcome.UNKNOWN);
        }
        return q.cursors[tag.partition()].acknowledge(tag.offset(), tag.acquisitions()).thenApply(outcome -> {
            if (outcome == Outcome.OK) {
                q.firstAcquired[tag.partition()].remove(tag.offset());
            }
            return outcome;
        });
    }

    /**
     * Acknowledges several deliveries (SQS DeleteMessageBatch, AMQP ranges); each outcome is at
     * its tag's index. Their state changes share the share-state group commit.
     */
    public CompletableFuture<List<Outcome>> acknowledgeAll(List<DeliveryTag> tags) {
        List<CompletableFuture<Outcome>> each = new ArrayList<>(tags.size());
        for (DeliveryTag tag : tags) {
            each.add(acknowledge(tag));
        }
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                .thenApply(v -> each.stream().map(CompletableFuture::join).toList());
    }

    /** Back to available, failed-delivery count unchanged (AMQP 1.0 released, 0-9-1 requeue). */
    public Outcome release(DeliveryTag tag) {
        QueueRuntime q = runtimeForTag(tag);
        return q == null ? Outcome.UNKNOWN : q.cursors[tag.partition()].release(tag.offset(), tag.acquisitions());
    }

    /** Back to available with one more failed delivery (AMQP 1.0 modified{delivery-failed}). */
    public Outcome releaseFailed(DeliveryTag tag) {
        QueueRuntime q = runtimeForTag(tag);
        return q == null ? Outcome.UNKNOWN
                : q.cursors[tag.partition()].releaseFailed(tag.offset(), tag.acquisitions());
    }

    /**
     * Gives the message up: dead-lettered by the queue's policy (dropped when it has none), then
     * archived; completes once both are durable.
     */
    public CompletableFuture<Outcome> reject(DeliveryTag tag) {
        QueueRuntime q = runtimeForTag(tag);
        if (q == null) {
            return CompletableFuture.completedFuture(Outcome.UNKNOWN);
        }
        LogRecord record = readRecord(q.logs[tag.partition()], tag.offset());
        Message message = record == null ? null : MessageMapping.fromRecord(record);
        return deadLetterAndArchive(q, tag, message, DeadLetterHeaders.Reason.REJECTED);
    }

    /** Moves the lock's end to now + {@code lockMsFromNow}; 0 (or less) makes it available now. */
    public Outcome extendLock(DeliveryTag tag, long lockMsFromNow) {
        QueueRuntime q = runtimeForTag(tag);
        if (q == null) {
            return Outcome.UNKNOWN;
        }
        long deadline = lockMsFromNow <= 0 ? 0 : clock.millis() + lockMsFromNow;
        return q.cursors[tag.partition()].extendLock(tag.offset(), tag.acquisitions(), deadline);
    }

    /** Everything {@code consumer} holds in {@code queue} goes back (its connection closed). */
    public int releaseAll(String queue, String consumer) {
        QueueRuntime q = runtime(queue);
        int released = 0;
        for (ShareCursor cursor : q.cursors) {
            released += cursor.releaseAll(consumer);
        }
        return released;
    }

    /**
     * Holds the record (so its lock cannot run out meanwhile), publishes its dead letter and
     * waits until that is durable, then archives it. A message that cannot be read (removed by
     * retention) or has no dead-letter target is just archived.
     */
    private CompletableFuture<Outcome> deadLetterAndArchive(QueueRuntime q, DeliveryTag tag, Message message,
            DeadLetterHeaders.Reason reason) {
        ShareCursor cursor = q.cursors[tag.partition()];
        Outcome held = cursor.extendLock(tag.offset(), tag.acquisitions(), clock.millis() + DEAD_LETTER_HOLD_MS);
        if (held != Outcome.OK) {
            return CompletableFuture.completedFuture(held);
        }
        q.firstAcquired[tag.partition()].remove(tag.offset());
        return deadLetter(q.spec, message, reason).handle((v, failure) -> {
            if (failure != null) {
                log.warn("Dead-lettering offset {} of queue {} failed; the message is archived without it",
                        tag.offset(), q.spec.name(), failure);
            }
            return null;
        }).thenCompose(v -> cursor.reject(tag.offset(), tag.acquisitions()));
    }

    private CompletableFuture<Void> deadLetter(QueueSpec spec, Message message, DeadLetterHeaders.Reason reason) {
        if (message == null) {
            return CompletableFuture.completedFuture(null);
        }
        Optional<DeadLetters.Target> target = DeadLetters.target(spec, message);
        if (target.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Message dead = DeadLetters.deadLettered(message, spec.name(), reason, target.get(), clock.millis());
        Set<String> queues;
        try {
            queues = topology.route(target.get().exchange(), target.get().routingKey(), dead.headers());
        } catch (TopologyException e) {
            // RabbitMQ drops a dead letter whose exchange does not exist
            log.warn("Dead-letter exchange '{}' of queue {} does not exist; message dropped",
                    target.get().exchange(), spec.name());
            return CompletableFuture.completedFuture(null);
        }
        // not deduplicated: the original was, when it was published
        return publishToQueues(queues, dead, new PublishOptions(0, null, null), false).thenApply(r -> null);
    }

    /** The cursor archived a record at its own limit (a receive did not get to it first). */
    private void archivedByCursor(String queue, int partition, long offset, ArchiveListener.Reason reason) {
        if (reason != ArchiveListener.Reason.DELIVERY_LIMIT || closed) {
            return; // rejections are dead-lettered by reject, before archiving
        }
        background.execute(() -> {
            Optional<QueueRuntime> q = findRuntime(queue);
            if (q.isEmpty() || partition >= q.get().partitions()) {
                return;
            }
            LogRecord record = readRecord(q.get().logs[partition], offset);
            if (record != null) {
                deadLetter(q.get().spec, MessageMapping.fromRecord(record), DeadLetterHeaders.Reason.DELIVERY_LIMIT);
            }
        });
    }

    // ---------------------------------------------------------------- counts and purge

    /** Counts over all partitions. */
    public QueueCounts counts(String queue) {
        QueueRuntime q = runtime(queue);
        long available = 0;
        long inFlight = 0;
        long delayed = 0;
        long archived = 0;
        long oldest = Long.MAX_VALUE;
        for (ShareCursor cursor : q.cursors) {
            ShareCounts c = cursor.counts();
            available += c.available();
            inFlight += c.acquired();
            delayed += c.delayed();
            archived += c.archived();
            if (c.oldestAvailableAt() >= 0) {
                oldest = Math.min(oldest, c.oldestAvailableAt());
            }
        }
        long age = oldest == Long.MAX_VALUE ? 0 : Math.max(0, clock.millis() - oldest);
        return new QueueCounts(available, inFlight, delayed, archived, age);
    }

    /**
     * Drops every message not in flight (AMQP queue.purge, SQS PurgeQueue); messages held by
     * consumers stay theirs. The topic keeps the records for Kafka readers.
     */
    public CompletableFuture<Void> purge(String queue) {
        QueueRuntime q;
        try {
            q = runtime(queue);
        } catch (UnknownQueueException e) {
            return CompletableFuture.failedFuture(e);
        }
        List<CompletableFuture<Long>> all = new ArrayList<>();
        for (ShareCursor cursor : q.cursors) {
            all.add(cursor.purge());
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    // ---------------------------------------------------------------- runtimes

    private QueueRuntime runtime(String queue) {
        return findRuntime(queue).orElseThrow(() -> new UnknownQueueException(queue));
    }

    private QueueRuntime runtimeForTag(DeliveryTag tag) {
        Optional<QueueRuntime> q = findRuntime(tag.queue());
        return q.isPresent() && tag.partition() >= 0 && tag.partition() < q.get().partitions() ? q.get() : null;
    }

    /**
     * The queue's runtime, built on first use and rebuilt when the queue or its topic changed
     * (re-declared, topic re-created, partitions added).
     */
    private Optional<QueueRuntime> findRuntime(String queue) {
        if (closed) {
            throw new IllegalStateException("queues are closed");
        }
        Optional<QueueSpec> spec = topology.queue(queue);
        Optional<Topic> topic = spec.isPresent() ? engine.topic(spec.get().topic()) : Optional.empty();
        if (topic.isEmpty()) {
            QueueRuntime gone = runtimes.remove(queue);
            if (gone != null) {
                gone.detach();
            }
            return Optional.empty();
        }
        QueueRuntime current = runtimes.get(queue);
        if (current != null && current.spec == spec.get() && current.topicId.equals(topic.get().id())
                && current.partitions() == topic.get().partitions()) {
            return Optional.of(current);
        }
        synchronized (runtimes) {
            current = runtimes.get(queue);
            if (current != null && current.spec == spec.get() && current.topicId.equals(topic.get().id())
                    && current.partitions() == topic.get().partitions()) {
                return Optional.of(current);
            }
            QueueRuntime built = build(spec.get(), topic.get());
            if (built == null) {
                return Optional.empty();
            }
            QueueRuntime old = runtimes.put(queue, built);
            if (old != null) {
                old.detach();
            }
            return Optional.of(built);
        }
    }

    private QueueRuntime build(QueueSpec spec, Topic topic) {
        int n = topic.partitions();
        PartitionLog[] logs = new PartitionLog[n];
        ShareCursor[] cursors = new ShareCursor[n];
        PublishAccumulator[] accumulators = new PublishAccumulator[n];
        long limit = spec.maxDeliveryCount();
        // one above the queue's limit: receive dead-letters at limit + 1 acquisitions, before archiving
        int cursorLimit = limit < 0 || limit >= Integer.MAX_VALUE - 1 ? Integer.MAX_VALUE : (int) limit + 1;
        ShareGroupSettings group = new ShareGroupSettings(cursorLimit, ShareGroupSettings.LimitCounts.ACQUISITIONS,
                settings.maxInFlight());
        QueueDeliveryPolicy policy = new QueueDeliveryPolicy(spec);
        try {
            for (int p = 0; p < n; p++) {
                TopicPartition tp = new TopicPartition(spec.topic(), p);
                logs[p] = engine.partition(tp);
                if (logs[p] == null) {
                    return null;
                }
                int partition = p;
                cursors[p] = engine.shareCursor(tp, spec.shareGroup(), group, policy,
                        (g, offset, reason) -> archivedByCursor(spec.name(), partition, offset, reason));
                accumulators[p] = new PublishAccumulator(logs[p], settings.maxBatchRecords(),
                        settings.maxBatchBytes(), appender);
            }
        } catch (dev.trilog.log.UnknownTopicException e) {
            return null; // deleted meanwhile
        }
        AtomicBoolean wakeQueued = new AtomicBoolean();
        Runnable onAppend = () -> {
            if (!waiters.isEmpty() && !closed && wakeQueued.compareAndSet(false, true)) {
                background.execute(() -> {
                    wakeQueued.set(false);
                    serveWaiters(spec.name());
                });
            }
        };
        return new QueueRuntime(spec, topic.id(), logs, cursors, accumulators, onAppend);
    }

    private static LogRecord readRecord(PartitionLog log, long offset) {
        try {
            for (LogRecord record : log.readRecords(offset, 1)) {
                if (record.offset() == offset) {
                    return record;
                }
                if (record.offset() > offset) {
                    break;
                }
            }
        } catch (OffsetOutOfRangeException | IOException e) {
            // gone from the log
        }
        return null;
    }

    private void tick() {
        try {
            if (!waiters.isEmpty()) {
                serveWaiters(null);
            }
            deduplication.sweep();
            for (QueueRuntime q : runtimes.values()) {
                for (int p = 0; p < q.partitions(); p++) {
                    long start = q.cursors[p].startOffset();
                    q.firstAcquired[p].keySet().removeIf(offset -> offset < start);
                }
            }
        } catch (RuntimeException e) {
            log.warn("Queue housekeeping failed", e);
        }
    }

    /** Stops the background thread; waiting long polls complete empty. The engine stays open. */
    @Override
    public void close() {
        closed = true;
        background.shutdown();
        appender.shutdown();
        try {
            background.awaitTermination(10, TimeUnit.SECONDS);
            appender.awaitTermination(10, TimeUnit.SECONDS); // queued publishes are written
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Waiter waiter : waiters) {
            waiter.future.complete(List.of());
        }
        waiters.clear();
        runtimes.values().forEach(QueueRuntime::detach);
        runtimes.clear();
    }
}
