package dev.trilog.routing.topology;

import dev.trilog.log.TopicExistsException;
import dev.trilog.routing.address.Binding;
import dev.trilog.routing.address.ExchangeSpec;
import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a topology back from its durable maps when it is opened, and finishes what the last run
 * left half done (each step of a change is durable on its own, so a crash can stop between them):
 *
 * <ul>
 *   <li>a queue whose record exists but whose topic does not (declare or delete interrupted) gets
 *       an empty topic;</li>
 *   <li>transient queues and exchanges and exclusive queues are deleted, as RabbitMQ deletes them
 *       on restart, with their bindings (and topics the queues created);</li>
 *   <li>a binding whose source or destination is gone is dropped.</li>
 * </ul>
 */
final class TopologyLoader {

    private static final Logger log = LoggerFactory.getLogger(TopologyLoader.class);

    private final Topology topology;

    TopologyLoader(Topology topology) {
        this.topology = topology;
    }

    /**
     * @param repair whether to finish what the last run left half done (the node that serves the
     *               queues); a clustered node that does not just reads what is stored, transient
     *               queues included, since their owner may be connected to the node that serves them
     */
    void load(boolean repair) throws IOException {
        if (!repair) {
            loadAsStored();
            return;
        }
        Set<String> staleExchanges = loadExchanges();
        Set<QueueRecord> staleQueues = loadQueues();
        loadBindings();
        for (QueueRecord queue : staleQueues) {
            dropTransientQueue(queue);
        }
        for (String exchange : staleExchanges) {
            topology.exchangeStore().remove(exchange);
        }
        for (String exchange : topology.exchangeMap().keySet()) {
            topology.rebuildRouter(exchange);
        }
        log.info("Topology loaded: {} queues, {} exchanges, {} bindings", topology.queueMap().size(),
                topology.exchangeMap().size(), topology.bindingIndex().all().size());
    }

    private void loadAsStored() throws IOException {
        for (Map.Entry<String, byte[]> entry : topology.exchangeStore().all().entrySet()) {
            ExchangeSpec spec = decode(() -> TopologyCodec.decodeExchange(entry.getValue()), "exchange", entry.getKey());
            topology.exchangeMap().put(spec.name(), spec);
        }
        for (Map.Entry<String, byte[]> entry : topology.queueStore().all().entrySet()) {
            QueueRecord queue = decode(() -> TopologyCodec.decodeQueue(entry.getValue()), "queue", entry.getKey());
            topology.queueMap().put(queue.spec().name(), queue);
        }
        for (Map.Entry<String, byte[]> entry : topology.bindingStore().all().entrySet()) {
            topology.bindingIndex().add(decode(() -> TopologyCodec.decodeBinding(entry.getValue()), "binding",
                    entry.getKey()));
        }
        for (String exchange : topology.exchangeMap().keySet()) {
            topology.rebuildRouter(exchange);
        }
    }

    /** Loads durable exchanges; returns the names of transient ones, still stored. */
    private Set<String> loadExchanges() throws IOException {
        Set<String> stale = new HashSet<>();
        for (Map.Entry<String, byte[]> entry : topology.exchangeStore().all().entrySet()) {
            ExchangeSpec spec = decode(() -> TopologyCodec.decodeExchange(entry.getValue()), "exchange", entry.getKey());
            if (spec.durable()) {
                topology.exchangeMap().put(spec.name(), spec);
            } else {
                stale.add(spec.name());
            }
        }
        return stale;
    }

    private Set<QueueRecord> loadQueues() throws IOException {
        Set<QueueRecord> stale = new HashSet<>();
        for (Map.Entry<String, byte[]> entry : topology.queueStore().all().entrySet()) {
            QueueRecord queue = decode(() -> TopologyCodec.decodeQueue(entry.getValue()), "queue", entry.getKey());
            if (!queue.spec().durable() || queue.spec().exclusive()) {
                stale.add(queue);
                continue;
            }
            if (topology.engine().topic(queue.spec().topic()).isEmpty()) {
                log.warn("Queue {} had no topic (an interrupted declare or delete); creating it",
                        queue.spec().name());
                try {
                    topology.engine().createTopic(queue.spec().topic(), topology.partitionsFor(queue.spec()),
                            Map.of());
                } catch (TopicExistsException e) {
                    throw new IllegalStateException("the topic was missing a moment ago", e);
                }
                if (!queue.ownsTopic()) {
                    // the topic it adopted is gone; the one made now is the queue's own
                    queue = new QueueRecord(queue.spec(), true);
                    topology.queueStore().put(queue.spec().name(), TopologyCodec.encode(queue));
                }
            }
            topology.queueMap().put(queue.spec().name(), queue);
        }
        return stale;
    }

    private void loadBindings() throws IOException {
        for (Map.Entry<String, byte[]> entry : topology.bindingStore().all().entrySet()) {
            Binding binding = decode(() -> TopologyCodec.decodeBinding(entry.getValue()), "binding", entry.getKey());
            boolean destinationExists = binding.destination().isQueue()
                    ? topology.queueMap().containsKey(binding.destination().name())
                    : topology.knownExchange(binding.destination().name()) != null;
            if (topology.knownExchange(binding.source()) != null && destinationExists) {
                topology.bindingIndex().add(binding);
            } else {
                topology.bindingStore().remove(entry.getKey());
            }
        }
    }

    private void dropTransientQueue(QueueRecord queue) throws IOException {
        if (queue.ownsTopic()) {
            topology.deleteQueueTopic(queue.spec().topic());
        }
        topology.queueStore().remove(queue.spec().name());
    }

    private interface Decoder<T> {
        T decode() throws IOException;
    }

    private static <T> T decode(Decoder<T> decoder, String kind, String name) throws IOException {
        try {
            return decoder.decode();
        } catch (IOException | RuntimeException e) {
            throw new IOException("stored " + kind + " '" + name + "' cannot be read: " + e.getMessage(), e);
        }
    }
}
