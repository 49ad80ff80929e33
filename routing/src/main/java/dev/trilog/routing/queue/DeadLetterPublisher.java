package dev.trilog.routing.queue;

import dev.trilog.log.record.LogRecord;
import dev.trilog.log.share.ArchiveListener;
import dev.trilog.log.share.Outcome;
import dev.trilog.log.share.ShareCursor;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.address.VhostNames;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.message.MessageMapping;
import dev.trilog.routing.topology.Topology;
import dev.trilog.routing.topology.TopologyException;
import java.time.InstantSource;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The path of a given-up message (rejected, expired, at its delivery limit): published to the
 * queue's dead-letter target by {@link DeadLetterRules}, durably, and only then archived,
 * so a crash in between duplicates it rather than losing it.
 */
final class DeadLetterPublisher {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterPublisher.class);
    /** How long a record being dead-lettered stays locked: the dead-letter publish must finish first. */
    private static final long DEAD_LETTER_HOLD_MS = 60_000;

    private final QueueRuntimes runtimes;
    private final QueuePublisher publisher;
    private final Topology topology;
    private final InstantSource clock;
    /** Where dead letters of records the cursor archived by itself are published from. */
    private final Executor background;

    DeadLetterPublisher(QueueRuntimes runtimes, QueuePublisher publisher, Topology topology, InstantSource clock,
            Executor background) {
        this.runtimes = runtimes;
        this.publisher = publisher;
        this.topology = topology;
        this.clock = clock;
        this.background = background;
    }

    /** Dead-letters the tagged record (read from the log) and archives it: {@link Queues#reject}. */
    CompletableFuture<Outcome> reject(QueueRuntime q, DeliveryTag tag) {
        LogRecord record = q.record(tag.partition(), tag.offset());
        Message message = record == null ? null : MessageMapping.fromRecord(record);
        return deadLetterAndArchive(q, tag, message, DeadLetterHeaders.Reason.REJECTED);
    }

    /**
     * Holds the record (so its lock cannot run out meanwhile), publishes its dead letter and
     * waits until that is durable, then archives it. A message that cannot be read (removed by
     * retention) or has no dead-letter target is just archived.
     */
    CompletableFuture<Outcome> deadLetterAndArchive(QueueRuntime q, DeliveryTag tag, Message message,
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

    /** Publishes {@code message}'s dead letter by {@code spec}'s rules (nothing without a target). */
    CompletableFuture<Void> deadLetter(QueueSpec spec, Message message, DeadLetterHeaders.Reason reason) {
        if (message == null) {
            return CompletableFuture.completedFuture(null);
        }
        Optional<DeadLetterRules.Target> target = DeadLetterRules.target(spec, message);
        if (target.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        // the history names queues as their clients know them (x-death): without the vhost's prefix
        DeathHistory deaths = DeadLetterRules.history(message, VhostNames.localName(spec.name()), reason, clock.millis());
        Message dead = DeadLetterRules.deadLettered(message, deaths, target.get());
        Set<String> queues;
        try {
            // the dead-letter exchange is named as the queue's clients know it: in the queue's vhost
            queues = topology.route(VhostNames.sibling(spec.name(), target.get().exchange()), target.get().routingKey(),
                    dead.headers());
        } catch (TopologyException e) {
            // RabbitMQ drops a dead letter whose exchange does not exist
            log.warn("Dead-letter exchange '{}' of queue {} does not exist; message dropped",
                    target.get().exchange(), spec.name());
            return CompletableFuture.completedFuture(null);
        }
        // RabbitMQ's cycle rule: back into a queue it already died in, with no consumer's
        // rejection since, it would expire or hit a limit there again, forever; that copy is dropped
        // (a dead letter stays in its vhost, so local names are unambiguous here)
        Set<String> into = queues.stream().filter(q -> !deaths.cyclesInto(VhostNames.localName(q)))
                .collect(Collectors.toSet());
        // not deduplicated: the original was, when it was published
        return publisher.publishToQueues(into, dead, new PublishOptions(0, null, null), false).thenApply(r -> null);
    }

    /** The cursor archived a record at its own limit (a receive did not get to it first). */
    void archivedByCursor(String queue, int partition, long offset, ArchiveListener.Reason reason) {
        if (reason != ArchiveListener.Reason.DELIVERY_LIMIT || runtimes.closed()) {
            return; // rejections are dead-lettered by reject, before archiving
        }
        background.execute(() -> {
            Optional<QueueRuntime> q = runtimes.find(queue);
            if (q.isEmpty() || partition >= q.get().partitions()) {
                return;
            }
            LogRecord record = q.get().record(partition, offset);
            if (record != null) {
                deadLetter(q.get().spec, MessageMapping.fromRecord(record), DeadLetterHeaders.Reason.DELIVERY_LIMIT);
            }
        });
    }
}
