package dev.trilog.routing.queue;

import dev.trilog.log.record.RecordData;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.address.VhostNames;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.message.MessageMapping;
import dev.trilog.routing.message.MessageProperties;
import dev.trilog.routing.topology.Topology;
import dev.trilog.routing.topology.TopologyException;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

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
    private final QueueLengthLimit lengthLimit;

    QueuePublisher(QueueRuntimes runtimes, Topology topology, DeduplicationWindow deduplication,
            InstantSource clock, QueueLengthLimit lengthLimit) {
        this.runtimes = runtimes;
        this.topology = topology;
        this.deduplication = deduplication;
        this.clock = clock;
        this.lengthLimit = lengthLimit;
    }

    CompletableFuture<PublishResult> publish(String queue, Message message, PublishOptions options) {
        return publish(queue, message, options, null);
    }

    /**
     * {@code inPlace}: where the record may be written instead of an append thread, or null
     * ({@link Queues#publishOnCallerThread}, {@link PublishAccumulator#add(RecordData, String, Executor)}).
     */
    CompletableFuture<PublishResult> publish(String queue, Message message, PublishOptions options, Executor inPlace) {
        QueueRuntime q;
        try {
            q = runtimes.get(queue);
        } catch (UnknownQueueException | IllegalStateException e) { // no such queue, or closed
            return CompletableFuture.failedFuture(e);
        }
        return publishTo(q, message, options == null ? PublishOptions.NONE : options, inPlace);
    }

    CompletableFuture<List<PublishResult>> publishAll(String queue, List<Publish> batch) {
        QueueRuntime q;
        try {
            q = runtimes.get(queue);
        } catch (UnknownQueueException | IllegalStateException e) { // no such queue, or closed
            return CompletableFuture.failedFuture(e);
        }
        int n = batch.size();
        // filled in by each entry's publish; read once all of them completed (which orders the writes first)
        PublishResult[] results = new PublishResult[n];
        List<CompletableFuture<?>> pending = new ArrayList<>(2);
        RecordData[] records = new RecordData[n];
        String[] ids = new String[n];
        int[] partitions = new int[n];
        int[] perPartition = new int[q.partitions()];
        for (int i = 0; i < n; i++) {
            Publish publish = batch.get(i);
            Message prepared = prepare(q.spec, publish.message(), publish.options());
            if (deduplicationId(q, publish.options(), prepared) != null) {
                int slot = i;
                pending.add(publishTo(q, publish.message(), publish.options(), null)
                        .thenAccept(r -> results[slot] = r));
                partitions[i] = -1;
                continue;
            }
            records[i] = MessageMapping.toRecord(prepared);
            ids[i] = idText(prepared.properties().messageId());
            partitions[i] = q.partitionFor(records[i]);
            perPartition[partitions[i]]++;
        }
        // without deduplication, each partition's share goes to its accumulator as one entry, with one future
        for (int p = 0; p < perPartition.length; p++) {
            if (perPartition[p] == 0) {
                continue;
            }
            RecordData[] share = new RecordData[perPartition[p]];
            String[] shareIds = new String[share.length];
            int[] slots = new int[share.length];
            for (int i = 0, k = 0; k < share.length; i++) {
                if (partitions[i] == p) {
                    share[k] = records[i];
                    shareIds[k] = ids[i];
                    slots[k++] = i;
                }
            }
            pending.add(q.accumulators[p].addAll(share, shareIds, slots, results));
        }
        CompletableFuture<?> all = pending.size() == 1 ? pending.get(0)
                : CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
        return all.thenApply(v -> List.of(results));
    }

    CompletableFuture<RoutedPublish> publishToExchange(String exchange, String routingKey, Message message,
            Executor inPlace) {
        Set<String> targets;
        try {
            targets = topology.route(exchange, routingKey, message.headers());
        } catch (TopologyException e) {
            return CompletableFuture.failedFuture(e);
        }
        String local = VhostNames.localName(exchange);
        MessageProperties properties = message.properties();
        // a frontend that stamped the message already (AMQP 0-9-1 does) saves building it twice per publish
        Message stamped = local.equals(properties.exchange()) && Objects.equals(routingKey, properties.routingKey())
                ? message
                : message.toBuilder().properties(properties.toBuilder().exchange(local).routingKey(routingKey).build())
                        .build();
        return publishToQueues(targets, stamped, PublishOptions.NONE, true, inPlace);
    }

    /**
     * Publishes {@code message} to each of {@code targets} that still exists (a queue deleted
     * while the route was computed is skipped, as RabbitMQ's unroutable).
     */
    CompletableFuture<RoutedPublish> publishToQueues(Set<String> targets, Message message, PublishOptions options,
            boolean deduplicate) {
        return publishToQueues(targets, message, options, deduplicate, null);
    }

    private CompletableFuture<RoutedPublish> publishToQueues(Set<String> targets, Message message,
            PublishOptions options, boolean deduplicate, Executor inPlace) {
        if (targets.size() == 1) { // the common case (a direct or default exchange): no maps, no allOf
            String target = targets.iterator().next();
            Optional<QueueRuntime> q = runtimes.find(target);
            if (q.isEmpty()) {
                return CompletableFuture.completedFuture(new RoutedPublish(Map.of()));
            }
            return publishOne(q.get(), message, options, deduplicate, inPlace)
                    .thenApply(result -> new RoutedPublish(Map.of(target, result)));
        }
        Map<String, CompletableFuture<PublishResult>> results = new LinkedHashMap<>();
        for (String target : targets) {
            Optional<QueueRuntime> q = runtimes.find(target);
            q.ifPresent(runtime -> results.put(target, publishOne(runtime, message, options, deduplicate, inPlace)));
        }
        return CompletableFuture.allOf(results.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
            Map<String, PublishResult> done = new HashMap<>();
            results.forEach((name, f) -> done.put(name, f.join()));
            return new RoutedPublish(done);
        });
    }

    private CompletableFuture<PublishResult> publishOne(QueueRuntime q, Message message, PublishOptions options,
            boolean deduplicate, Executor inPlace) {
        return deduplicate ? publishTo(q, message, options, inPlace)
                : append(q, prepare(q.spec, message, options), inPlace);
    }

    /** {@code inPlace}: where the record may be written instead of an append thread (not deduplicated, not limited). */
    private CompletableFuture<PublishResult> publishTo(QueueRuntime q, Message message, PublishOptions options,
            Executor inPlace) {
        Message prepared = prepare(q.spec, message, options);
        String dedupId = deduplicationId(q, options, prepared);
        if (dedupId == null) {
            return append(q, prepared, inPlace);
        }
        return deduplication.publishOnce(q.spec.name(), dedupId, () -> append(q, prepared, null));
    }

    /** The publish's deduplication id (see {@link PublishOptions#deduplicationId}), or null for none. */
    private static String deduplicationId(QueueRuntime q, PublishOptions options, Message prepared) {
        return options.deduplicationId() != null ? options.deduplicationId()
                : prepared.properties().deduplicationId() != null ? prepared.properties().deduplicationId()
                : q.spec.contentBasedDeduplication() ? DeduplicationWindow.contentId(prepared.bodyBytes()) : null;
    }

    /** The message as stored: timestamp, group, deduplication id and not-before time set. */
    private Message prepare(QueueSpec spec, Message message, PublishOptions options) {
        long delay = options.delayMs() >= 0 ? options.delayMs() : spec.deliveryDelayMs();
        boolean ownNotBefore = options.delayMs() < 0 && message.properties().notBefore() != null;
        // written even for 0 on a delayed queue: the header overrides the queue's default
        boolean setNotBefore = !ownNotBefore && (delay > 0 || spec.deliveryDelayMs() > 0);
        // content-based deduplication records the id it used, as SQS returns it (the body's SHA-256)
        String contentId = options.deduplicationId() == null && message.properties().deduplicationId() == null
                && spec.contentBasedDeduplication() ? DeduplicationWindow.contentId(message.bodyBytes()) : null;
        if (options.groupId() == null && options.deduplicationId() == null && contentId == null && !setNotBefore
                && message.timestamp() != Message.NO_TIMESTAMP) {
            return message; // as it is stored: no builder on the common path
        }
        long now = clock.millis(); // only here: the common path above needs no time
        MessageProperties.Builder properties = message.properties().toBuilder();
        if (options.groupId() != null) {
            properties.groupId(options.groupId());
        }
        if (options.deduplicationId() != null) {
            properties.deduplicationId(options.deduplicationId());
        } else if (contentId != null) {
            properties.deduplicationId(contentId);
        }
        if (setNotBefore) {
            properties.notBefore(now + delay);
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

    /** Appends the prepared message, once a queue at its length limit has admitted it. */
    private CompletableFuture<PublishResult> append(QueueRuntime q, Message message, Executor inPlace) {
        if (QueueLengthLimit.admits(q.spec)) {
            return lengthLimit.admit(q, message, () -> appendNow(q, message, null));
        }
        return appendNow(q, message, inPlace);
    }

    private CompletableFuture<PublishResult> appendNow(QueueRuntime q, Message message, Executor inPlace) {
        RecordData record = MessageMapping.toRecord(message);
        int partition = q.partitionFor(record);
        return q.accumulators[partition].add(record, idText(message.properties().messageId()), inPlace);
    }

    private static String idText(HeaderValue id) {
        return id == null ? null : id.text();
    }
}
