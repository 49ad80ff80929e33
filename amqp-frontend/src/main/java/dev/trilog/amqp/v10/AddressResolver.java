package dev.trilog.amqp.v10;

import dev.trilog.routing.address.Binding;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.address.VhostNames;
import dev.trilog.routing.topology.Topology;
import dev.trilog.routing.topology.TopologyException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the node an {@link AmqpAddress} names exists: a queue that the address may declare is
 * declared (durable, no arguments) when missing, anything else missing is {@code amqp:not-found}.
 *
 * <p>Looking up is a read of the topology's maps and answers at once; declaring writes the
 * topology durably, so it runs on {@code declarer} (never an event loop) and the future completes
 * there.
 */
final class AddressResolver {

    private static final Logger log = LoggerFactory.getLogger(AddressResolver.class);

    private final Topology topology;
    private final Executor declarer;

    AddressResolver(Topology topology, Executor declarer) {
        this.topology = topology;
        this.declarer = declarer;
    }

    /** Completes with {@code address} once its node exists, or fails with an {@link AmqpError}. */
    CompletableFuture<AmqpAddress> resolve(AmqpAddress address) {
        if (address.isQueue()) {
            if (topology.queue(address.name()).isPresent()) {
                return CompletableFuture.completedFuture(address);
            }
            if (!address.declare()) {
                return CompletableFuture.failedFuture(notFound("queue", address.name()));
            }
            return CompletableFuture.supplyAsync(() -> declare(address), declarer);
        }
        if (topology.exchange(address.name()).isPresent()) {
            return CompletableFuture.completedFuture(address);
        }
        return CompletableFuture.failedFuture(notFound("exchange", address.name()));
    }

    /** True when the address names a node that exists now. */
    boolean exists(AmqpAddress address) {
        return address.isQueue() ? topology.queue(address.name()).isPresent()
                : topology.exchange(address.name()).isPresent();
    }

    private AmqpAddress declare(AmqpAddress address) {
        QueueSpec spec;
        try {
            spec = QueueSpec.durable(address.name());
        } catch (IllegalArgumentException e) {
            throw new CompletionException(new AmqpError(AmqpError.INVALID_FIELD, e.getMessage()));
        }
        try {
            topology.declareQueue(spec);
        } catch (TopologyException e) {
            if (topology.queue(address.name()).isEmpty()) { // not a race with another declaration
                throw new CompletionException(new AmqpError(AmqpError.PRECONDITION_FAILED, e.getMessage()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return address;
    }

    /** A new temporary queue's name: {@code amq.gen-<uuid>}, as RabbitMQ names server-named queues. */
    static String temporaryName() {
        return "amq.gen-" + UUID.randomUUID();
    }

    /**
     * Declares the temporary queue {@code name} (exclusive, auto-delete, transient, so a restart
     * drops it too), bound to {@code exchange} with {@code key} when an exchange is given;
     * completes with its name on the declaring thread.
     */
    CompletableFuture<String> declareTemporary(String name, String exchange, String key) {
        if (exchange != null && topology.exchange(exchange).isEmpty()) {
            return CompletableFuture.failedFuture(notFound("exchange", exchange));
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                topology.declareQueue(new QueueSpec(name, false, true, true, Map.of()));
                if (exchange != null) {
                    topology.bind(Binding.toQueue(exchange, name, key));
                }
            } catch (TopologyException e) {
                deleteQuietly(name);
                throw new CompletionException(new AmqpError(e.reason() == TopologyException.Reason.NOT_FOUND
                        ? AmqpError.NOT_FOUND : AmqpError.PRECONDITION_FAILED, e.getMessage()));
            } catch (IOException e) {
                deleteQuietly(name);
                throw new UncheckedIOException(e);
            }
            return name;
        }, declarer);
    }

    /** Deletes a temporary queue (its link ended), on the declaring thread. */
    void deleteTemporary(String name) {
        try {
            declarer.execute(() -> deleteQuietly(name));
        } catch (RejectedExecutionException closing) {
            // the broker is stopping: transient queues are dropped when the topology is next opened
        }
    }

    private void deleteQuietly(String name) {
        try {
            topology.deleteQueue(name);
        } catch (IOException | RuntimeException e) {
            log.warn("Could not delete temporary queue {}", name, e);
        }
    }

    static AmqpError notFound(String what, String name) {
        return new AmqpError(AmqpError.NOT_FOUND, "no " + what + " " + VhostNames.describe(name));
    }
}
