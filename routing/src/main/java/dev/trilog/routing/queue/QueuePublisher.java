package dev.trilog.routing.queue;

import dev.trilog.log.record.RecordData;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.message.MessageMapping;
import dev.trilog.routing.message.MessageProperties;
import dev.trilog.routing.topology.Topology;
import dev.trilog.routing.topology.TopologyException;
import java.nio.charset.StandardCharsets;
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

/**
 * The publish side of {@link Queues}: prepares each message as it is stored (timestamp, group,
 * deduplication id, not-before time), checks its deduplication id, and hands its record to the
 * accumulator of its partition (FIFO: by key; else round-robin).
 */
final class QueuePublisher {

    private final QueueRuntimes runtimes;
    private final Topology topology;
    private final DeduplicationWindow deduplication;
    private final InstantSource clock;

    QueuePublisher(QueueRuntimes runtimes, Topology topology, DeduplicationWindow deduplication,
            InstantSource clock) {
        this.runtimes = runtimes;
        this.topology = topology;
        this.deduplication = deduplication;
        this.clock = clock;
    }

    CompletableFuture<PublishResult> publish(String queue, Message message, PublishOptions options) {
        QueueRuntime q;
        try {
            q = runtimes.get(queue);
        } catch (UnknownQueueException | IllegalStateException e) { // no such queue, or closed
            return CompletableFuture.failedFuture(e);
        }
        return publishTo(q, message, options == null ? PublishOptions.NONE : options);
    }

    CompletableFuture<List<PublishResult>> publishAll(String queue, List<Publish> batch) {
        QueueRuntime q;
        try {
            q = runtimes.get(queue);
        } catch (UnknownQueueException | IllegalStateException e) { // no such queue, or closed
            return CompletableFuture.failedFuture(e);
        }
        List<CompletableFuture<PublishResult>> results = new ArrayList<>(Collections.nCopies(batch.size(), null));
        // without deduplication, each partition's share goes to its accumulator in one piece
        Map<Integer, List<Integer>> byPartition = new HashMap<>();
        List<RecordData> records = new ArrayList<>(Collections.nCopies(batch.size(), null));
        List<String> ids = new ArrayList<>(Collections.nCopies(batch.size(), null));
        long now = clock.millis();
        for (int i = 0; i < batch.size(); i++) {
            Publish publish = batch.get(i);
            Message prepared = prepare(q.spec, publish.message(), publish.options(), now);
            if (deduplicationId(q, publish.options(), prepared) != null) {
                results.set(i, publishTo(q, publish.message(), publish.options()));
                continue;
            }
            RecordData record = MessageMapping.toRecord(prepared);
            records.set(i, record);
            ids.set(i, idText(prepared.properties().messageId()));
            byPartition.computeIfAbsent(q.partitionFor(record), p -> new ArrayList<>()).add(i);
        }
        byPartition.forEach((partition, indexes) -> {
            List<CompletableFuture<PublishResult>> done = q.accumulators[partition].addAll(
                    indexes.stream().map(records::get).toList(), indexes.stream().map(ids::get).toList());
            for (int k = 0; k < indexes.size(); k++) {
                results.set(indexes.get(k), done.get(k));
            }
        });
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenApply(v -> results.stream().map(CompletableFuture::join).toList());
    }

    CompletableFuture<RoutedPublish> publishToExchange(String exchange, String routingKey, Message message) {
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

    /**
     * Publishes {@code message} to each of {@code targets} that still exists (a queue deleted
     * while the route was computed is skipped, as RabbitMQ's unroutable).
     */
    CompletableFuture<RoutedPublish> publishToQueues(Set<String> targets, Message message, PublishOptions options,
            boolean deduplicate) {
        Map<String, CompletableFuture<PublishResult>> results = new LinkedHashMap<>();
        for (String target : targets) {
            Optional<QueueRuntime> q = runtimes.find(target);
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
        String dedupId = deduplicationId(q, options, prepared);
        if (dedupId == null) {
            return append(q, prepared);
        }
        return deduplication.publishOnce(q.spec.name(), dedupId, () -> append(q, prepared));
    }

    /** The publish's deduplication id (see {@link PublishOptions#deduplicationId}), or null for none. */
    private static String deduplicationId(QueueRuntime q, PublishOptions options, Message prepared) {
        return options.deduplicationId() != null ? options.deduplicationId()
                : prepared.properties().deduplicationId() != null ? prepared.properties().deduplicationId()
                : q.spec.contentBasedDeduplication() ? DeduplicationWindow.contentId(prepared.bodyBytes()) : null;
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
            builder.key(options.groupId().getBytes(StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    private CompletableFuture<PublishResult> append(QueueRuntime q, Message message) {
        RecordData record = MessageMapping.toRecord(message);
        int partition = q.partitionFor(record);
        return q.accumulators[partition].add(record, idText(message.properties().messageId()));
    }

    private static String idText(HeaderValue id) {
        return id == null ? null : id.text();
    }
}
