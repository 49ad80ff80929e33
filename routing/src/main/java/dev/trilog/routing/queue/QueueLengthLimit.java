package dev.trilog.routing.queue;

import dev.trilog.log.share.ShareCursor;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.Message;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RabbitMQ's queue length limit, for the queues that set one: {@code x-max-length} counts ready
 * messages, {@code x-max-length-bytes} their body (and key) bytes — messages held by consumers
 * and delayed ones do not count, as in RabbitMQ — and {@code x-overflow} says what a full queue
 * does.
 *
 * <p><b>reject-publish, reject-publish-dlx</b> are decided before the append, exactly: under the
 * queue's lock, what is ready plus what was admitted and is not yet appended must leave room, so
 * n publishes to a queue with room for k admit k (a refusal waits for the admitted appends before
 * it to complete, see {@link #admit(QueueRuntime, Message, Supplier, int)}). A refused publish fails with
 * {@link QueueFullException}; with {@code -dlx} it is dead-lettered (reason {@code maxlen}) first.
 *
 * <p><b>drop-head</b> runs after appends, on the delivery thread (one at a time with the dispatch
 * rounds): the oldest ready messages over the limit are taken and dead-lettered with reason
 * {@code maxlen} (dropped when the queue has no dead-letter exchange). Between an append and its
 * trim a receive may find the queue over its limit for a moment. A limit declared on a queue that
 * already holds more takes effect at its next append.
 */
final class QueueLengthLimit {

    private static final Logger log = LoggerFactory.getLogger(QueueLengthLimit.class);
    /** The lock owner of what a trim takes. */
    static final String OWNER = "trilog-maxlen";
    /** Most messages one trim step takes. */
    private static final int TRIM_STEP = 512;
    /** How many times a refusal waits for the appends admitted before it and decides again. */
    private static final int MAX_RECHECKS = 3;

    private final QueueRuntimes runtimes;
    private final Executor delivery;
    private final Set<String> trimsScheduled = ConcurrentHashMap.newKeySet();
    private QueueReceiver receiver;
    private DeadLetterPublisher deadLetters;

    QueueLengthLimit(QueueRuntimes runtimes, Executor delivery) {
        this.runtimes = runtimes;
        this.delivery = delivery;
    }

    /** The receive and dead-letter sides, built after the publisher that needs this class. */
    void wire(QueueReceiver receiver, DeadLetterPublisher deadLetters) {
        this.receiver = receiver;
        this.deadLetters = deadLetters;
    }

    /** Whether publishes to the queue are admitted one by one (a limit with a reject overflow). */
    static boolean admits(QueueSpec spec) {
        return spec.lengthLimited() && spec.overflow() != QueueSpec.Overflow.DROP_HEAD;
    }

    /**
     * Appends {@code message} through {@code append} if the queue has room for it; else refuses
     * it (dead-lettering it first for {@code reject-publish-dlx}).
     */
    CompletableFuture<PublishResult> admit(QueueRuntime q, Message message,
            Supplier<CompletableFuture<PublishResult>> append) {
        return admit(q, message, append, MAX_RECHECKS);
    }

    /**
     * An admitted append is visible in {@link QueueRuntime#ready()} from the moment the log takes
     * it, but leaves the admitted counts only when its future completes: in between it counts
     * twice. Admitting on such a count is safe (the queue holds less than it says), refusing is
     * not, so a refusal while admitted appends are outstanding waits for those and decides again
     * — at most {@code rechecks} times, so a queue kept busy cannot hold a publish forever.
     */
    private CompletableFuture<PublishResult> admit(QueueRuntime q, Message message,
            Supplier<CompletableFuture<PublishResult>> append, int rechecks) {
        long bytes = bodyBytes(message);
        boolean room;
        CompletableFuture<?>[] outstanding = null;
        synchronized (q.lengthLock) {
            QueueRuntime.Ready ready = q.ready();
            room = q.spec.maxLength().stream().allMatch(max -> ready.messages() + q.admittedMessages < max)
                    && q.spec.maxLengthBytes().stream().allMatch(max -> ready.bytes() + q.admittedBytes + bytes <= max);
            if (room) {
                q.admittedMessages++;
                q.admittedBytes += bytes;
            } else if (rechecks > 0 && !q.admittedAppends.isEmpty()) {
                outstanding = q.admittedAppends.toArray(CompletableFuture<?>[]::new);
            }
        }
        if (outstanding != null) {
            return CompletableFuture.allOf(outstanding)
                    .handle((v, failure) -> null)
                    .thenCompose(v -> admit(q, message, append, rechecks - 1));
        }
        if (!room) {
            CompletableFuture<Void> deadLettered = q.spec.overflow() == QueueSpec.Overflow.REJECT_PUBLISH_DLX
                    ? deadLetters.deadLetter(q.spec, message, DeadLetterHeaders.Reason.MAXLEN)
                    : CompletableFuture.completedFuture(null);
            return deadLettered.handle((v, failure) -> {
                throw new QueueFullException(q.spec.name());
            });
        }
        CompletableFuture<PublishResult> appended = new CompletableFuture<>();
        synchronized (q.lengthLock) {
            q.admittedAppends.add(appended);
        }
        started(append).whenComplete((r, failure) -> {
            synchronized (q.lengthLock) {
                q.admittedMessages--;
                q.admittedBytes -= bytes;
                q.admittedAppends.remove(appended);
            }
            if (failure != null) {
                appended.completeExceptionally(failure);
            } else {
                appended.complete(r);
            }
        });
        return appended;
    }

    /**
     * The append's future; one that throws instead of returning one is a failed append, so that its
     * admission is given back — else the queue would count it as admitted for good, and every
     * refusal after it would wait for it without end.
     */
    private static CompletableFuture<PublishResult> started(Supplier<CompletableFuture<PublishResult>> append) {
        try {
            return append.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** An append to {@code queue} completed (its logs' listener): a drop-head queue is trimmed soon. */
    void appended(String queue) {
        QueueRuntime q = runtimes.peek(queue);
        if (q == null || !q.spec.lengthLimited() || q.spec.overflow() != QueueSpec.Overflow.DROP_HEAD
                || !trimsScheduled.add(queue)) {
            return;
        }
        try {
            delivery.execute(() -> {
                trimsScheduled.remove(queue);
                trim(q);
            });
        } catch (RejectedExecutionException closing) {
            trimsScheduled.remove(queue);
        }
    }

    /** Dead-letters the oldest ready messages until the queue is within its limits. */
    private void trim(QueueRuntime q) {
        try {
            while (true) {
                QueueRuntime.Ready ready = q.ready();
                long over = q.spec.maxLength().isPresent() ? ready.messages() - q.spec.maxLength().getAsLong() : 0;
                boolean overBytes = q.spec.maxLengthBytes().isPresent()
                        && ready.bytes() > q.spec.maxLengthBytes().getAsLong();
                if (over <= 0 && !overBytes) {
                    return;
                }
                // over in bytes only: one at a time, as how many must go depends on their sizes
                int step = (int) Math.min(TRIM_STEP, Math.max(1, over));
                QueueReceiver.Taken taken = receiver.take(q, OWNER, step, ShareCursor.NO_DEADLINE);
                if (taken.deliveries().isEmpty()) {
                    return;
                }
                for (QueueDelivery d : taken.deliveries()) {
                    deadLetters.deadLetterAndArchive(q, d.tag(), d.message(), DeadLetterHeaders.Reason.MAXLEN);
                }
            }
        } catch (RuntimeException e) { // the queue went away meanwhile, or the facade closes
            log.debug("Trimming queue {} to its length limit stopped", q.spec.name(), e);
        }
    }

    /** What {@code x-max-length-bytes} counts of a message, as the cursor counts a record's bytes. */
    static long bodyBytes(Message message) {
        return message.bodyBytes().length + (message.key() == null ? 0 : message.key().remaining());
    }
}
