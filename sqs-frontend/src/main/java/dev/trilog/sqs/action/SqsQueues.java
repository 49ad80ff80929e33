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
import dev.trilog.sqs.queue.SqsQueueCatalog;
import dev.trilog.sqs.queue.SqsQueueMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where the SQS actions find a queue and its settings: the SQS metadata ({@link SqsQueueCatalog})
 * next to the topology's queue, and the {@link QueueSpec} that SQS attributes become —
 * RedrivePolicy as the default exchange plus the dead-letter queue's name with
 * {@code maxReceiveCount} as the delivery limit (none: no limit), MessageRetentionPeriod as the
 * message TTL, FIFO and content-based deduplication as themselves. DelaySeconds, the visibility
 * timeout and the receive wait are applied per request by the frontend, so they need no spec.
 */
public final class SqsQueues {

    private final SqsQueueCatalog catalog;
    private final Topology topology;
    private final Queues queues;
    private final QueueUrls urls;
    private final InstantSource clock;

    public SqsQueues(SqsQueueCatalog catalog, Topology topology, Queues queues, QueueUrls urls,
                     InstantSource clock) {
        this.catalog = catalog;
        this.topology = topology;
        this.queues = queues;
        this.urls = urls;
        this.clock = clock;
    }

    public SqsQueueCatalog catalog() {
        return catalog;
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

    /**
     * The queue a request's {@code QueueUrl} names.
     *
     * @throws SqsException MissingParameter, or QueueDoesNotExist
     */
    public SqsQueueMetadata byUrl(SqsParams params) {
        String name = urls.queueName(params.requireString("QueueUrl"));
        return catalog.get(name).filter(q -> topology.queue(name).isPresent())
                .orElseThrow(SqsException::nonExistentQueue);
    }

    /** For a queue ARN of this account: whether that queue exists, and whether it is FIFO. */
    public Optional<Boolean> fifoOfArn(String arn) {
        String name = urls.queueNameOfArn(arn);
        return name == null ? Optional.empty() : catalog.get(name).map(SqsQueueMetadata::fifo);
    }

    public QueueAttributeRules.Context context(boolean fifo) {
        return new QueueAttributeRules.Context(fifo, this::fifoOfArn);
    }

    /** The topology arguments SQS attributes stand for. */
    Map<String, HeaderValue> specArguments(SqsQueueMetadata queue) {
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

    String nameOfArn(String arn) {
        String name = urls.queueNameOfArn(arn);
        return name == null ? arn : name;
    }

    /** Declares the queue in the topology and records its metadata. */
    void create(SqsQueueMetadata queue) throws TopologyException {
        try {
            topology.declareQueue(new QueueSpec(queue.name(), true, false, false, specArguments(queue)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catalog.put(queue);
    }

    /** Records changed metadata, changing the topology's arguments when they follow. */
    void update(SqsQueueMetadata queue) throws TopologyException {
        Map<String, HeaderValue> arguments = specArguments(queue);
        Optional<QueueSpec> spec = topology.queue(queue.name());
        if (spec.isPresent() && !spec.get().arguments().equals(arguments)) {
            try {
                topology.changeQueueArguments(queue.name(), arguments);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        catalog.put(queue);
    }

    void delete(String name) {
        try {
            topology.deleteQueue(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catalog.remove(name, clock.millis());
    }

    long nowSeconds() {
        return clock.millis() / 1000;
    }
}
