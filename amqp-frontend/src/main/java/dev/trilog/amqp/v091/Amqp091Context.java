package dev.trilog.amqp.v091;

import dev.trilog.frontend.FrontendContext;
import dev.trilog.frontend.auth.PasswordLogins;
import dev.trilog.frontend.auth.VhostStore;
import dev.trilog.log.LogEngine;
import dev.trilog.routing.queue.PublishBacklog;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.stream.Streams;
import dev.trilog.routing.topology.Topology;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every AMQP 0-9-1 connection of one broker shares: the queue facade and topology, streams, the
 * meters, the settings and clock, and the broker-wide state RabbitMQ keeps beside its queues
 * (exclusive owners, consumer counts, the connections told of {@code connection.blocked}).
 * Make one per broker ({@link #create}) and pass it to every {@link Amqp091#install}; close it
 * after the listener.
 *
 * <p><b>Threads.</b> Topology changes write durably (an fsync), so they never run on an event
 * loop: they run on this context's one {@code trilog-amqp091-topology} thread, in order, and
 * their replies go back to the connection's event loop.
 */
public final class Amqp091Context implements AutoCloseable {

    final Queues queues;
    final Topology topology;
    final LogEngine engine;
    final Streams streams;
    final Amqp091Settings settings;
    final InstantSource clock;
    final ExecutorService topologyThread;
    final QueueOwners owners = new QueueOwners();
    final DirectReplyTo replyTo = new DirectReplyTo();
    final AtomicLong connectionIds = new AtomicLong();
    final Set<AmqpConnection> connections = ConcurrentHashMap.newKeySet();
    final AtomicInteger openConnections = new AtomicInteger();
    final Counter published;
    final Counter delivered;
    final Counter confirmed;
    /** How start-ok's credentials are checked ({@code amqp.auth}). */
    final PasswordLogins logins;
    /** The vhosts connection.open may name. */
    final VhostStore vhosts;
    /** Logins checked against the user store, by outcome: {@code trilog.amqp.logins} as for AMQP 1.0. */
    final Counter loginsAccepted;
    final Counter loginsRefused;
    private final PublishBacklog.Listener blockedListener;

    private Amqp091Context(LogEngine engine, Queues queues, Topology topology, MeterRegistry meters,
            Amqp091Settings settings, InstantSource clock, PasswordLogins logins, ExecutorService topologyWork) {
        this.logins = Objects.requireNonNull(logins, "logins");
        this.engine = Objects.requireNonNull(engine, "engine");
        try {
            this.vhosts = VhostStore.open(engine);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot open the AMQP vhosts", e);
        }
        this.queues = Objects.requireNonNull(queues, "queues");
        this.topology = Objects.requireNonNull(topology, "topology");
        this.streams = new Streams(engine);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.topologyThread = Objects.requireNonNull(topologyWork, "topologyWork");
        meters.gauge("trilog.amqp091.connections", openConnections);
        this.published = Counter.builder("trilog.amqp091.messages.published").register(meters);
        this.loginsAccepted = Counter.builder("trilog.amqp.logins").tag("protocol", "amqp-0-9-1").tag("result", "accepted")
                .description("AMQP logins checked against the user store, by outcome").register(meters);
        this.loginsRefused = Counter.builder("trilog.amqp.logins").tag("protocol", "amqp-0-9-1").tag("result", "refused")
                .description("AMQP logins checked against the user store, by outcome").register(meters);
        this.delivered = Counter.builder("trilog.amqp091.messages.delivered").register(meters);
        this.confirmed = Counter.builder("trilog.amqp091.messages.confirmed").register(meters);
        this.blockedListener = new PublishBacklog.Listener() {
            @Override
            public void blocked() {
                connections.forEach(c -> c.blocked(true));
            }

            @Override
            public void unblocked() {
                connections.forEach(c -> c.blocked(false));
            }
        };
        queues.publishBacklog().addListener(blockedListener);
    }

    /**
     * The shared state of one broker's AMQP 0-9-1 connections.
     *
     * @param engine   the log (stream queues and Kafka topics read from an offset)
     * @param queues   the queue facade (publish, subscribe, settle)
     * @param topology exchanges, queues and bindings
     * @param meters   where the frontend's meters go ({@code trilog.amqp091.*})
     * @param settings limits and timings ({@link Amqp091Settings#defaults()})
     * @param clock    publish times and expirations
     */
    public static Amqp091Context create(LogEngine engine, Queues queues, Topology topology, MeterRegistry meters,
            Amqp091Settings settings, InstantSource clock) {
        return create(engine, queues, topology, meters, settings, clock, PasswordLogins.anyone());
    }

    /** As {@link #create(LogEngine, Queues, Topology, MeterRegistry, Amqp091Settings, InstantSource)}, with logins checked by {@code logins}. */
    public static Amqp091Context create(LogEngine engine, Queues queues, Topology topology, MeterRegistry meters,
            Amqp091Settings settings, InstantSource clock, PasswordLogins logins) {
        return create(engine, queues, topology, meters, settings, clock, logins, Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "trilog-amqp091-topology");
            t.setDaemon(true);
            return t;
        }));
    }

    /**
     * As {@link #create(LogEngine, Queues, Topology, MeterRegistry, Amqp091Settings, InstantSource, PasswordLogins)},
     * with declares, deletes and consumer registrations run by {@code topologyWork} (a thread of their own,
     * so no event loop waits for the log). The fuzz target runs them on its own thread: an
     * {@code EmbeddedChannel}'s event loop is not thread-safe, and a completion posted to it from
     * another thread while the target closes the channel can lose the close's own tasks.
     */
    public static Amqp091Context create(LogEngine engine, Queues queues, Topology topology, MeterRegistry meters,
            Amqp091Settings settings, InstantSource clock, PasswordLogins logins, ExecutorService topologyWork) {
        return new Amqp091Context(engine, queues, topology, meters, settings, clock, logins, topologyWork);
    }

    /**
     * The shared state over what the gateway hands the AMQP frontend: its queues, topology and
     * meters, RabbitMQ's default settings and the system clock.
     */
    /** Closes the connections open in {@code vhost}, which was deleted (RabbitMQ's 320 CONNECTION_FORCED). */
    public void closeVhost(String vhost) {
        connections.stream().filter(c -> c.vhost().equals(vhost)).forEach(AmqpConnection::vhostDeleted);
    }

    public static Amqp091Context create(FrontendContext frontend) {
        return create(frontend.engine(), frontend.queues(), frontend.topology(), frontend.meters(),
                Amqp091Settings.defaults(), frontend.engine().settings().clock());
    }

    public Amqp091Settings settings() {
        return settings;
    }

    /** Connections open now. */
    public int connections() {
        return openConnections.get();
    }

    /** Stops the topology and stream threads (after the listener closed); the facade stays open. */
    @Override
    public void close() {
        queues.publishBacklog().removeListener(blockedListener);
        streams.close();
        topologyThread.shutdown();
        try {
            topologyThread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
