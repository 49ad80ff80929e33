package dev.trilog.sqs.queue;

import dev.trilog.log.DurableMap;
import dev.trilog.log.LogEngine;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.topology.Topology;
import dev.trilog.routing.topology.TopologyException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The earlier layout of an SQS queue, read once and moved: besides the topology's queue record,
 * each queue's {@link SqsQueue} as JSON in a second record, in the engine's durable map
 * {@value #NAMESPACE} (key: the queue name), written by a second call. Data directories written
 * before SQS queues became one record (never in a release, but in every build of main until
 * then) have it.
 *
 * <p>{@link #moveIntoTopology} puts each such record into its queue's topology spec (the
 * {@link SqsQueue#ARGUMENT} argument) and then removes it, so it is safe to stop at any
 * point and run again. A record whose topology queue is gone (a delete that a crash cut short) is
 * removed too: that queue no longer existed for SQS either.
 */
public final class LegacyQueueRecords {

    static final String NAMESPACE = "sqs-queues";
    private static final Logger LOG = LoggerFactory.getLogger(LegacyQueueRecords.class);

    private LegacyQueueRecords() {
    }

    /**
     * Moves every record of the earlier layout into the topology.
     *
     * @return how many queues were moved
     * @throws IOException when a record cannot be read or written
     */
    public static int moveIntoTopology(LogEngine engine, Topology topology) throws IOException {
        DurableMap records = engine.durableMap(NAMESPACE);
        int moved = 0;
        for (Map.Entry<String, byte[]> record : records.all().entrySet()) {
            String name = record.getKey();
            Optional<QueueSpec> spec = topology.queue(name);
            if (spec.isPresent() && !spec.get().arguments().containsKey(SqsQueue.ARGUMENT)) {
                SqsQueue queue = SqsQueue.fromJson(new String(record.getValue(), StandardCharsets.UTF_8));
                Map<String, HeaderValue> arguments = new LinkedHashMap<>(spec.get().arguments());
                arguments.put(SqsQueue.ARGUMENT, queue.toArgument());
                try {
                    topology.changeQueueArguments(name, arguments);
                } catch (TopologyException e) {
                    throw new IllegalStateException("adding an argument changed what is fixed at creation", e);
                }
                moved++;
            }
            records.remove(name);
        }
        if (moved > 0) {
            LOG.info("Moved the SQS metadata of {} queues into their topology records (one record per queue)", moved);
        }
        return moved;
    }
}
