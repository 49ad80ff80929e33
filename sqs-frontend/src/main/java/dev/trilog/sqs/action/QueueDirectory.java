package dev.trilog.sqs.action;

import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.topology.Topology;
import dev.trilog.routing.topology.TopologyException;
import dev.trilog.sqs.protocol.SqsException;
import dev.trilog.sqs.protocol.SqsParams;
import dev.trilog.sqs.queue.QueueAttributeRules;
import dev.trilog.sqs.queue.QueueUrls;
import dev.trilog.sqs.queue.SqsQueue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SQS queues: where the actions find one (by name, URL or ARN) and create, change or delete
 * it, next to what every action needs besides (the queue facade, URLs, the clock). An SQS queue
 * is one topology queue whose spec carries its {@link SqsQueue} (argument
 * {@link SqsQueue#ARGUMENT}) next to the arguments the SQS attributes become — RedrivePolicy as
 * the default exchange plus the dead-letter queue's name with {@code maxReceiveCount} as the
 * delivery limit (none: no limit), MessageRetentionPeriod as the message TTL, FIFO and
 * content-based deduplication as themselves. DelaySeconds, the visibility timeout and the
 * receive wait are applied per request by the frontend, so they need no spec.
 *
 * <p>So a queue is one durable record, and creating, changing and deleting it is one topology
 * write each: no crash can leave an SQS queue without its topology queue or the other way round.
 * A queue of the topology without the SQS argument (declared by another protocol) is not an SQS
 * queue. Lookups decode the metadata once per spec and keep it until the spec changes.
 */
public final class QueueDirectory {

    private record Decoded(QueueSpec spec, SqsQueue queue) {
    }

    private final Topology topology;
    private final Queues queues;
    private final QueueUrls urls;
    private final InstantSource clock;
    private final Map<String, Decoded> decoded = new ConcurrentHashMap<>();
    private final Map<String, Long> deletedAtMillis = new ConcurrentHashMap<>();

    public QueueDirectory(Topology topology, Queues queues, QueueUrls urls, InstantSource clock) {
        this.topology = topology;
        this.queues = queues;
        this.urls = urls;
        this.clock = clock;
    }

    public Topology topology() {
        return topology;
    }

    public Queues queues() {
        return queues;
    }

    public QueueUrls urls() {
        return urls;
    }

    /** The engine's clock, which the queue facade keeps its locks, delays and long polls on too. */
    public InstantSource clock() {
        return clock;
    }

    /** The SQS queue of that name, if there is one. */
    public Optional<SqsQueue> get(String name) {
        Optional<QueueSpec> spec = topology.queue(name);
        if (spec.isEmpty()) {
            decoded.remove(name);
            return Optional.empty();
        }
        Decoded known = decoded.get(name);
        if (known != null && known.spec == spec.get()) {
            return Optional.of(known.queue);
        }
        Optional<SqsQueue> queue = SqsQueue.of(spec.get());
        queue.ifPresentOrElse(q -> decoded.put(name, new Decoded(spec.get(), q)), () -> decoded.remove(name));
        return queue;
    }

    /** Every SQS queue, sorted by name. */
    public List<SqsQueue> all() {
        return topology.queues().stream().map(spec -> get(spec.name())).flatMap(Optional::stream)
                .sorted(Comparator.comparing(SqsQueue::name)).toList();
    }

    /**
     * The queue a request's {@code QueueUrl} names.
     *
     * @throws SqsException MissingParameter, or QueueDoesNotExist
     */
    public SqsQueue byUrl(SqsParams params) {
        String name = urls.queueName(params.requireString("QueueUrl"));
        return get(name).orElseThrow(SqsException::nonExistentQueue);
    }

    /** For a queue ARN of this account: whether that queue exists, and whether it is FIFO. */
    public Optional<Boolean> fifoOfArn(String arn) {
        String name = urls.queueNameOfArn(arn);
        return name == null ? Optional.empty() : get(name).map(SqsQueue::fifo);
    }

    public QueueAttributeRules.Context context(boolean fifo) {
        return new QueueAttributeRules.Context(fifo, this::fifoOfArn);
    }

    /** When this process last deleted the queue (SQS refuses to re-create a name for 60 s), if it did. */
    Optional<Long> deletedAt(String name) {
        return Optional.ofNullable(deletedAtMillis.get(name));
    }

    /** The topology arguments SQS attributes stand for. */
    Map<String, HeaderValue> specArguments(SqsQueue queue) {
        Map<String, HeaderValue> arguments = new LinkedHashMap<>();
        if (queue.fifo()) {
            arguments.put(QueueSpec.FIFO, HeaderValue.ofBoolean(true));
            arguments.put(QueueSpec.CONTENT_BASED_DEDUPLICATION, HeaderValue.ofBoolean(
                    "true".equals(queue.attribute(QueueAttributeRules.CONTENT_BASED_DEDUPLICATION))));
        }
        arguments.put(QueueSpec.MESSAGE_TTL,
                HeaderValue.ofLong(queue.intAttribute(QueueAttributeRules.MESSAGE_RETENTION_PERIOD) * 1000L));
        RedrivePolicy redrive = RedrivePolicy.of(queue);
        if (redrive == null) {
            arguments.put(QueueSpec.DELIVERY_LIMIT, HeaderValue.ofLong(-1));
        } else {
            arguments.put(QueueSpec.DEAD_LETTER_EXCHANGE, HeaderValue.ofString(""));
            arguments.put(QueueSpec.DEAD_LETTER_ROUTING_KEY,
                    HeaderValue.ofString(nameOfArn(redrive.deadLetterTargetArn())));
            arguments.put(QueueSpec.DELIVERY_LIMIT, HeaderValue.ofLong(redrive.maxReceiveCount()));
        }
        return arguments;
    }

    /** What the queue's topology spec holds: the arguments the attributes stand for, and the metadata itself. */
    private Map<String, HeaderValue> storedArguments(SqsQueue queue) {
        Map<String, HeaderValue> arguments = specArguments(queue);
        arguments.put(SqsQueue.ARGUMENT, queue.toArgument());
        return arguments;
    }

    String nameOfArn(String arn) {
        String name = urls.queueNameOfArn(arn);
        return name == null ? arn : name;
    }

    /**
     * Declares the queue in the topology, its metadata included: one write. A queue of that name
     * that the topology already holds without SQS metadata but with the same arguments (declared
     * by another protocol) becomes this SQS queue, as an equal declaration adopts it.
     *
     * @throws TopologyException when the topology holds a queue of that name with other arguments
     */
    void create(SqsQueue queue) throws TopologyException {
        QueueSpec spec = new QueueSpec(queue.name(), true, false, false, storedArguments(queue));
        try {
            QueueSpec adoptable = new QueueSpec(queue.name(), true, false, false, specArguments(queue));
            if (topology.queue(queue.name()).filter(adoptable::equals).isPresent()) {
                topology.changeQueueArguments(queue.name(), spec.arguments());
            } else {
                topology.declareQueue(spec);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Records changed metadata in the queue's topology spec, with the arguments that follow from
     * it: one write.
     *
     * @throws SqsException     QueueDoesNotExist when the queue was deleted meanwhile
     * @throws TopologyException when the change would touch what is fixed at creation (FIFO)
     */
    void update(SqsQueue queue) throws TopologyException {
        boolean changed;
        try {
            changed = topology.changeQueueArguments(queue.name(), storedArguments(queue));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!changed) {
            throw SqsException.nonExistentQueue();
        }
    }

    /** Records changed tags or permissions, which never touch what is fixed at creation. */
    void updateTagsOrPermissions(SqsQueue queue) {
        try {
            update(queue);
        } catch (TopologyException e) {
            throw new IllegalStateException("tags and permissions changed what is fixed at creation", e);
        }
    }

    void delete(String name) {
        try {
            topology.deleteQueue(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        decoded.remove(name);
        deletedAtMillis.put(name, clock.millis());
    }

    long nowSeconds() {
        return clock.millis() / 1000;
    }
}
