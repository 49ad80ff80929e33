package dev.trilog.gateway;

import dev.trilog.frontend.MetricBuckets;
import dev.trilog.log.CommittedOffset;
import dev.trilog.log.LogEngine;
import dev.trilog.log.PartitionLog;
import dev.trilog.log.Topic;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.queue.QueueCounts;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.topology.Topology;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's state as {@code /metrics} series (docs/metrics.md): per partition its log start
 * and end offsets, size and segments; per Kafka consumer group and partition its lag; per queue
 * its depths; and the group commit's fsync latency and size.
 *
 * <p>The state series are read when {@code /metrics} is scraped ({@link #refresh}), not kept up
 * to date on the message path: a partition or queue costs nothing between scrapes, and a deleted
 * one disappears at the next scrape. The fsync histograms are fed by the flusher thread.
 */
final class BrokerMeters {

    private static final Logger log = LoggerFactory.getLogger(BrokerMeters.class);

    private final LogEngine engine;
    private final MultiGauge logStartOffset;
    private final MultiGauge logEndOffset;
    private final MultiGauge logSize;
    private final MultiGauge logSegments;
    private final MultiGauge groupLag;
    private final MultiGauge queueMessages;
    private final MultiGauge queueOldestAge;
    private volatile Topology topology;
    private volatile Queues queues;

    BrokerMeters(MeterRegistry registry, LogEngine engine) {
        this.engine = engine;
        logStartOffset = MultiGauge.builder("trilog.log.start.offset")
                .description("the partition's first offset (Kafka's LogStartOffset)").register(registry);
        logEndOffset = MultiGauge.builder("trilog.log.end.offset")
                .description("the partition's next offset (Kafka's LogEndOffset)").register(registry);
        logSize = MultiGauge.builder("trilog.log.size").baseUnit("bytes")
                .description("the partition's bytes on disk (Kafka's Size)").register(registry);
        logSegments = MultiGauge.builder("trilog.log.segments")
                .description("the partition's segment files (Kafka's NumLogSegments)").register(registry);
        groupLag = MultiGauge.builder("trilog.kafka.group.lag")
                .description("high watermark minus the group's committed offset, per partition").register(registry);
        queueMessages = MultiGauge.builder("trilog.queue.messages")
                .description("a queue's messages by state: available, in_flight (held by a consumer), delayed")
                .register(registry);
        queueOldestAge = MultiGauge.builder("trilog.queue.oldest.message.age").baseUnit("seconds")
                .description("age of the oldest available message (SQS's ApproximateAgeOfOldestMessage)")
                .register(registry);
        Timer fsync = Timer.builder("trilog.log.fsync")
                .description("group-commit fsyncs: how long each took")
                .serviceLevelObjectives(MetricBuckets.LATENCY).register(registry);
        DistributionSummary appendsPerFsync = DistributionSummary.builder("trilog.log.group.commit.appends")
                .description("appends completed by one group-commit fsync")
                .serviceLevelObjectives(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000).register(registry);
        engine.observeFlushes((nanos, appends) -> {
            fsync.record(nanos, TimeUnit.NANOSECONDS);
            appendsPerFsync.record(appends);
        });
    }

    /** Adds the queue series, once the queue layer is open. */
    void bindQueues(Topology topology, Queues queues) {
        this.topology = topology;
        this.queues = queues;
    }

    /** Reads the state series afresh; called before each scrape. */
    void refresh() {
        refreshPartitions();
        refreshGroupLag();
        refreshQueues();
    }

    private void refreshPartitions() {
        List<MultiGauge.Row<?>> start = new ArrayList<>();
        List<MultiGauge.Row<?>> end = new ArrayList<>();
        List<MultiGauge.Row<?>> size = new ArrayList<>();
        List<MultiGauge.Row<?>> segments = new ArrayList<>();
        for (Topic topic : engine.topics()) {
            for (int p = 0; p < topic.partitions(); p++) {
                PartitionLog partition = partition(new TopicPartition(topic.name(), p));
                if (partition == null) {
                    continue;
                }
                Tags tags = Tags.of("topic", topic.name(), "partition", Integer.toString(p));
                start.add(MultiGauge.Row.of(tags, partition.logStartOffset()));
                end.add(MultiGauge.Row.of(tags, partition.logEndOffset()));
                size.add(MultiGauge.Row.of(tags, partition.sizeInBytes()));
                segments.add(MultiGauge.Row.of(tags, partition.segmentCount()));
            }
        }
        logStartOffset.register(start, true);
        logEndOffset.register(end, true);
        logSize.register(size, true);
        logSegments.register(segments, true);
    }

    private void refreshGroupLag() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (String group : engine.groupOffsets().groups()) {
            for (Map.Entry<TopicPartition, CommittedOffset> committed : engine.groupOffsets().fetchAll(group).entrySet()) {
                PartitionLog partition = partition(committed.getKey());
                if (partition == null) {
                    continue; // offsets kept for a topic since deleted
                }
                long lag = Math.max(0, partition.highWatermark() - committed.getValue().offset());
                rows.add(MultiGauge.Row.of(Tags.of("group", group, "topic", committed.getKey().topic(), "partition",
                        Integer.toString(committed.getKey().partition())), lag));
            }
        }
        groupLag.register(rows, true);
    }

    private void refreshQueues() {
        Topology currentTopology = topology;
        Queues currentQueues = queues;
        if (currentQueues == null) {
            return;
        }
        List<MultiGauge.Row<?>> depths = new ArrayList<>();
        List<MultiGauge.Row<?>> ages = new ArrayList<>();
        if (!currentQueues.serving()) {
            // a clustered node that does not serve the queues: the leader reports them; counting
            // here would open cursors over state only the leader may change
            queueMessages.register(depths, true);
            queueOldestAge.register(ages, true);
            return;
        }
        for (QueueSpec spec : currentTopology.queues()) {
            QueueCounts counts;
            try {
                counts = currentQueues.counts(spec.name());
            } catch (RuntimeException e) {
                log.debug("no counts for queue {} at this scrape: {}", spec.name(), e.toString());
                continue; // deleted or being declared while we looked
            }
            depths.add(MultiGauge.Row.of(Tags.of("queue", spec.name(), "state", "available"), counts.available()));
            depths.add(MultiGauge.Row.of(Tags.of("queue", spec.name(), "state", "in_flight"), counts.inFlight()));
            depths.add(MultiGauge.Row.of(Tags.of("queue", spec.name(), "state", "delayed"), counts.delayed()));
            ages.add(MultiGauge.Row.of(Tags.of("queue", spec.name()), counts.oldestAvailableAgeMs() / 1000.0));
        }
        queueMessages.register(depths, true);
        queueOldestAge.register(ages, true);
    }

    private PartitionLog partition(TopicPartition tp) {
        try {
            return engine.partition(tp);
        } catch (RuntimeException e) {
            return null; // deleted between listing and reading
        }
    }
}
