package dev.trilog.kafka.share;

import dev.trilog.log.LogEngine;
import dev.trilog.log.PartitionLog;
import dev.trilog.routing.queue.DeliveryTag;
import dev.trilog.routing.queue.QueueDelivery;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.queue.Settlement;
import dev.trilog.routing.queue.SettleResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * A queue's own share group (group id = topic = queue name), through {@link Queues}: the same
 * share cursors the queue's AMQP and SQS consumers take from, with the queue's delivery limit,
 * expiry and dead-lettering. A Kafka share consumer is one more consumer of the queue.
 */
final class QueueShareSource implements ShareSource {

    private final Queues queues;
    private final LogEngine engine;
    private final String queue;

    QueueShareSource(Queues queues, LogEngine engine, String queue) {
        this.queues = queues;
        this.engine = engine;
        this.queue = queue;
    }

    /**
     * {@inheritDoc} A queue hands its messages out in its own order (delays, FIFO groups, all its
     * partitions), so {@code wholeBatches} does not apply: at most {@code maxRecords}.
     */
    @Override
    public CompletableFuture<List<Acquired>> acquire(String member, List<Integer> partitions, int maxRecords,
            int maxBytes, long lockMs, boolean wholeBatches) {
        Set<Integer> wanted = new HashSet<>(partitions);
        return queues.receiveAsync(queue, member, maxRecords, lockMs, 0).thenApply(deliveries -> {
            List<Acquired> taken = new ArrayList<>(deliveries.size());
            long bytes = 0;
            for (QueueDelivery delivery : deliveries) {
                DeliveryTag tag = delivery.tag();
                bytes += delivery.message().bodySize();
                if (!wanted.contains(tag.partition())) {
                    queues.release(tag); // a partition this member's session does not fetch: not its to hold
                } else if (!taken.isEmpty() && bytes > maxBytes) {
                    queues.release(tag); // over the fetch's byte budget (the first always goes, as in Kafka)
                } else {
                    taken.add(new Acquired(tag.partition(), tag.offset(), delivery.acquisitions()));
                }
            }
            taken.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
                    : Long.compare(a.offset(), b.offset()));
            return taken;
        });
    }

    @Override
    public CompletableFuture<List<Boolean>> settle(List<Held> records, ShareAcknowledgement type, long lockMs) {
        List<DeliveryTag> tags = new ArrayList<>(records.size());
        for (Held held : records) {
            tags.add(new DeliveryTag(queue, held.partition(), held.offset(), held.deliveryCount()));
        }
        CompletableFuture<List<SettleResult>> settled = switch (type) {
            case ACCEPT -> queues.settleAll(tags, Settlement.ACCEPT);
            case RELEASE -> queues.settleAll(tags, Settlement.RELEASE);
            case REJECT -> queues.settleAll(tags, Settlement.REJECT);
            case RENEW -> CompletableFuture.completedFuture(tags.stream()
                    .map(tag -> queues.extendLock(tag, lockMs)).toList());
            case GAP -> CompletableFuture.completedFuture(tags.stream().map(tag -> SettleResult.OK).toList());
        };
        return settled.thenApply(results -> results.stream().map(r -> r == SettleResult.OK).toList());
    }

    @Override
    public void releaseAll(String member) {
        try {
            queues.releaseAll(queue, member);
        } catch (RuntimeException e) {
            // the queue is gone (or the facade closing): nothing is held any more
        }
    }

    @Override
    public PartitionLog log(int partition) {
        return engine.partition(new TopicPartition(queue, partition));
    }

    @Override
    public long startOffset(int partition) {
        return queues.startOffset(queue, partition);
    }

    @Override
    public long lag(int partition) {
        return queues.lag(queue, partition);
    }
}
