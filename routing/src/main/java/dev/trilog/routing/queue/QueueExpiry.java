package dev.trilog.routing.queue;

import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.topology.Topology;
import java.io.IOException;
import java.time.InstantSource;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RabbitMQ's queue TTL ({@code x-expires}): a queue unused for that long is deleted. Used means,
 * as in RabbitMQ, that it has a consumer (a subscription, or a waiting long poll), was received
 * from ({@code basic.get}, an SQS receive), or was declared again. The time a queue was last
 * used is kept in memory: after a restart every queue's lease starts afresh. Looked at about once
 * a second, so a queue goes up to a second after its time.
 */
final class QueueExpiry {

    private static final Logger log = LoggerFactory.getLogger(QueueExpiry.class);
    /** How often the queues are looked at. */
    static final long CHECK_INTERVAL_MS = 1_000;

    private final Topology topology;
    private final QueueDispatchers dispatchers;
    private final InstantSource clock;
    private final Map<String, Long> lastUsed = new ConcurrentHashMap<>();
    private long nextCheck;

    QueueExpiry(Topology topology, QueueDispatchers dispatchers, InstantSource clock) {
        this.topology = topology;
        this.dispatchers = dispatchers;
        this.clock = clock;
    }

    /** The queue was received from or declared again: its lease starts anew. */
    void used(String queue) {
        lastUsed.put(queue, clock.millis());
    }

    /** Every queue's lease starts anew (this node takes over the queues and cannot know their last use). */
    void restartLeases() {
        lastUsed.clear();
    }

    /** On the housekeeping tick: deletes the queues whose lease ran out, at most once a second. */
    void tick() {
        long now = clock.millis();
        if (now < nextCheck) {
            return;
        }
        nextCheck = now + CHECK_INTERVAL_MS;
        for (QueueSpec spec : topology.queues()) {
            OptionalLong expires = spec.expiresMs();
            if (expires.isEmpty()) {
                continue;
            }
            String name = spec.name();
            if (dispatchers.inUse(name)) {
                lastUsed.put(name, now);
            } else if (now - lastUsed.computeIfAbsent(name, n -> now) >= expires.getAsLong()) {
                delete(name, expires.getAsLong());
            }
        }
        lastUsed.keySet().removeIf(name -> topology.queue(name).isEmpty());
    }

    private void delete(String queue, long expiresMs) {
        try {
            if (topology.deleteQueue(queue)) {
                log.info("Queue {} deleted: unused for its x-expires of {} ms", queue, expiresMs);
            }
            lastUsed.remove(queue);
            dispatchers.wake(queue); // anyone who arrived meanwhile hears that it is gone
        } catch (IOException e) {
            log.warn("Deleting expired queue {} failed; tried again in a second", queue, e);
        }
    }
}
