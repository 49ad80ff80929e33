package dev.trilog.amqp;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What {@code /metrics} says about port 5672, every meter tagged with {@code protocol}
 * ({@code amqp-1.0}):
 * <ul>
 * <li>{@code trilog_amqp_connections} (gauge) open connections, {@code trilog_amqp_connections_opened_total},
 * {@code trilog_amqp_connections_refused_total} (a protocol header Trilog does not serve, tagged
 * {@code unknown}; AMQP 0-9-1 connections are served and have their own {@code trilog_amqp091_*} meters);</li>
 * <li>{@code trilog_amqp_connections_limited_total} ({@code limit} = {@code amqp.max-connections} or
 * {@code amqp.max-connections-per-ip}): connections of either version closed as soon as accepted
 * because a limit was reached;</li>
 * <li>{@code trilog_amqp_links} (gauge, {@code role} = {@code sender} for client senders,
 * {@code receiver} for client receivers);</li>
 * <li>{@code trilog_amqp_messages_in_total} (published by clients), {@code trilog_amqp_messages_out_total}
 * (delivered to clients);</li>
 * <li>{@code trilog_amqp_outcomes_total} ({@code outcome} = accepted, released, modified, rejected;
 * {@code side} = {@code consumer} for the outcomes clients sent, {@code publisher} for those
 * Trilog gave their messages);</li>
 * <li>{@code trilog_amqp_errors_total} ({@code condition}): connections and links closed for an error.</li>
 * </ul>
 */
public final class AmqpMetrics {

    public static final String PROTOCOL_10 = "amqp-1.0";

    private final MeterRegistry registry;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger senderLinks = new AtomicInteger();
    private final AtomicInteger receiverLinks = new AtomicInteger();
    private final Counter opened;
    private final Map<String, Counter> refused = new ConcurrentHashMap<>();
    private final Map<String, Counter> limited = new ConcurrentHashMap<>();
    private final Counter messagesIn;
    private final Counter messagesOut;
    /** By side, then outcome: looked up with the callers' constant strings, no key built per message. */
    private final Map<String, Map<String, Counter>> outcomes = new ConcurrentHashMap<>();
    private final Map<String, Counter> errors = new ConcurrentHashMap<>();

    /** The registry these meters live in, for the parts of the frontend that add their own (0-9-1). */
    public MeterRegistry registry() {
        return registry;
    }

    public AmqpMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("trilog.amqp.connections", connections, AtomicInteger::get).tag("protocol", PROTOCOL_10)
                .description("open AMQP connections").register(registry);
        Gauge.builder("trilog.amqp.links", senderLinks, AtomicInteger::get).tag("protocol", PROTOCOL_10)
                .tag("role", "sender").description("open links on which clients send").register(registry);
        Gauge.builder("trilog.amqp.links", receiverLinks, AtomicInteger::get).tag("protocol", PROTOCOL_10)
                .tag("role", "receiver").description("open links on which clients receive").register(registry);
        opened = Counter.builder("trilog.amqp.connections.opened").tag("protocol", PROTOCOL_10)
                .description("AMQP connections accepted").register(registry);
        for (String protocol : new String[] {"unknown"}) {
            refused.put(protocol, Counter.builder("trilog.amqp.connections.refused").tag("protocol", protocol)
                    .description("connections refused for their protocol header").register(registry));
        }
        messagesIn = Counter.builder("trilog.amqp.messages.in").tag("protocol", PROTOCOL_10)
                .description("messages clients published").register(registry);
        messagesOut = Counter.builder("trilog.amqp.messages.out").tag("protocol", PROTOCOL_10)
                .description("messages delivered to clients").register(registry);
    }

    /** Meters that go nowhere: for tests. */
    public static AmqpMetrics detached() {
        return new AmqpMetrics(new SimpleMeterRegistry());
    }

    public void connectionOpened() {
        connections.incrementAndGet();
        opened.increment();
    }

    public void connectionClosed() {
        connections.decrementAndGet();
    }

    /** @param protocol what the refused connection asked for: {@code unknown} (anything Trilog does not serve) */
    public void connectionRefused(String protocol) {
        refused.getOrDefault(protocol, refused.get("unknown")).increment();
    }

    /** A connection was closed on arrival: {@code limitKey} ({@code amqp.max-connections}, {@code amqp.max-connections-per-ip}) was reached. */
    public void connectionOverLimit(String limitKey) {
        limited.computeIfAbsent(limitKey, key -> Counter.builder("trilog.amqp.connections.limited").tag("limit", key)
                .description("AMQP connections closed on arrival because a connection limit was reached")
                .register(registry)).increment();
    }

    public void linkOpened(boolean clientSends) {
        (clientSends ? senderLinks : receiverLinks).incrementAndGet();
    }

    public void linkClosed(boolean clientSends) {
        (clientSends ? senderLinks : receiverLinks).decrementAndGet();
    }

    public void messageIn() {
        messagesIn.increment();
    }

    public void messageOut() {
        messagesOut.increment();
    }

    /** @param side {@code consumer} or {@code publisher} */
    public void outcome(String side, String outcome) {
        outcomes.computeIfAbsent(side, k -> new ConcurrentHashMap<>()).computeIfAbsent(outcome,
                k -> Counter.builder("trilog.amqp.outcomes").tag("protocol", PROTOCOL_10).tag("side", side)
                        .tag("outcome", outcome).description("settlement outcomes").register(registry)).increment();
    }

    public void error(String condition) {
        errors.computeIfAbsent(condition, k -> Counter.builder("trilog.amqp.errors")
                .tag("protocol", PROTOCOL_10).tag("condition", condition)
                .description("connections and links closed for an error").register(registry)).increment();
    }

    /**
     * A login checked against the user store ({@code amqp.auth=users}) ended, over {@code protocol}
     * ({@code amqp-1.0}, {@code amqp-0-9-1}): accepted, or refused.
     */
    public static void login(MeterRegistry registry, String protocol, boolean accepted) {
        Counter.builder("trilog.amqp.logins").tag("protocol", protocol).tag("result", accepted ? "accepted" : "refused")
                .description("AMQP logins checked against the user store, by outcome").register(registry).increment();
    }

    public int openConnections() {
        return connections.get();
    }
}
