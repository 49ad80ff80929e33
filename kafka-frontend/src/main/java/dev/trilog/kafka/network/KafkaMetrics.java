package dev.trilog.kafka.network;

import dev.trilog.frontend.MetricBuckets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * What {@code /metrics} says about the Kafka port (the series Kafka's {@code RequestMetrics}
 * and {@code SocketServer} give, docs/metrics.md):
 * <ul>
 * <li>{@code trilog_kafka_requests_seconds} ({@code api}): a histogram of the time from a request's
 * frame arriving to its response being handed to the socket, Kafka's {@code TotalTimeMs}; its
 * {@code _count} is the request rate;</li>
 * <li>{@code trilog_kafka_request_errors_total} ({@code api}): requests whose handler failed
 * unexpectedly (a protocol error code in a response is an answer, not a failure);</li>
 * <li>{@code trilog_kafka_received_bytes_total}, {@code trilog_kafka_sent_bytes_total}: request and
 * response bytes, fetched records included;</li>
 * <li>{@code trilog_kafka_connections} (gauge), {@code trilog_kafka_connections_opened_total};</li>
 * <li>{@code trilog_kafka_connections_refused_total} ({@code limit} = {@code max.connections} or
 * {@code max.connections.per.ip}): connections closed as soon as accepted because a limit was reached;</li>
 * <li>{@code trilog_kafka_messages_in_total}: records Produce appended.</li>
 * </ul>
 * Meters per API are made on first use, so APIs nobody calls add no series.
 */
public final class KafkaMetrics {

    private static final int API_SLOTS = maxApiId() + 1;

    private final MeterRegistry registry;
    private final AtomicInteger connections = new AtomicInteger();
    private final Counter opened;
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final Counter recordsIn;
    /**
     * By API id, filled on first use from any event loop without a lock: two loops racing on a
     * first use both register, and Micrometer hands both the one meter.
     */
    private final AtomicReferenceArray<Timer> requestTimers = new AtomicReferenceArray<>(API_SLOTS);
    private final AtomicReferenceArray<Counter> errorCounters = new AtomicReferenceArray<>(API_SLOTS);
    private final Map<String, Counter> refusals = new ConcurrentHashMap<>();

    public KafkaMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("trilog.kafka.connections", connections, AtomicInteger::get)
                .description("open Kafka connections").register(registry);
        opened = Counter.builder("trilog.kafka.connections.opened").description("Kafka connections accepted")
                .register(registry);
        bytesIn = Counter.builder("trilog.kafka.received").baseUnit("bytes")
                .description("Kafka request bytes received").register(registry);
        bytesOut = Counter.builder("trilog.kafka.sent").baseUnit("bytes")
                .description("Kafka response bytes sent, fetched records included").register(registry);
        recordsIn = Counter.builder("trilog.kafka.messages.in")
                .description("records Produce appended to the log").register(registry);
    }

    /** Meters that go nowhere: for tests and embedders that do not scrape. */
    public static KafkaMetrics detached() {
        return new KafkaMetrics(new SimpleMeterRegistry());
    }

    void connectionOpened() {
        connections.incrementAndGet();
        opened.increment();
    }

    void connectionClosed() {
        connections.decrementAndGet();
    }

    /** A connection closed as soon as it was accepted, because the limit set by {@code limitKey} was reached. */
    public void connectionRefused(String limitKey) {
        refusals.computeIfAbsent(limitKey, key -> Counter.builder("trilog.kafka.connections.refused").tag("limit", key)
                .description("Kafka connections closed on arrival because a connection limit was reached")
                .register(registry)).increment();
    }

    /** A SASL login (or re-login) of {@code mechanism} ended: accepted, or refused (a wrong password, an unknown user). */
    public void saslLogin(String mechanism, boolean accepted) {
        Counter.builder("trilog.kafka.sasl.logins").tag("mechanism", mechanism)
                .tag("result", accepted ? "accepted" : "refused")
                .description("Kafka SASL logins and re-logins, by outcome").register(registry).increment();
    }

    /**
     * {@code records} appended by a Produce (Kafka's {@code MessagesInPerSec}). Records fetched are
     * not counted: fetched batches go to the socket by {@code sendfile} unread, so their records are
     * unknown; their bytes are in {@code trilog_kafka_sent_bytes_total}.
     */
    public void recordsIn(int records) {
        recordsIn.increment(records);
    }

    void received(int bytes) {
        bytesIn.increment(bytes);
    }

    void answered(ApiKeys api, long startNanos, long responseBytes) {
        bytesOut.increment(responseBytes);
        timer(api).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    void failed(ApiKeys api) {
        Counter counter = errorCounters.get(api.id);
        if (counter == null) {
            counter = Counter.builder("trilog.kafka.request.errors").tag("api", api.name)
                    .description("Kafka requests whose handler failed unexpectedly").register(registry);
            errorCounters.set(api.id, counter);
        }
        counter.increment();
    }

    private Timer timer(ApiKeys api) {
        Timer timer = requestTimers.get(api.id);
        if (timer == null) {
            timer = Timer.builder("trilog.kafka.requests").tag("api", api.name)
                    .description("time from a Kafka request's arrival to its response")
                    .serviceLevelObjectives(MetricBuckets.LATENCY).register(registry);
            requestTimers.set(api.id, timer);
        }
        return timer;
    }

    private static int maxApiId() {
        int max = 0;
        for (ApiKeys key : ApiKeys.values()) {
            max = Math.max(max, key.id);
        }
        return max;
    }
}
