package dev.trilog.sqs.protocol;

import dev.trilog.frontend.MetricBuckets;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntSupplier;

/**
 * What {@code /metrics} says about the SQS endpoint (docs/metrics.md):
 * <ul>
 * <li>{@code trilog_sqs_requests_seconds} ({@code action}, {@code protocol} = {@code json} or
 * {@code query}): a histogram of the time from a request's body having arrived to its answer,
 * errors included; a long poll counts the time it waited;</li>
 * <li>{@code trilog_sqs_request_errors_total} ({@code action}, {@code code}): requests answered
 * with an SQS error, by the error's Query code ({@code AWS.SimpleQueueService.NonExistentQueue},
 * {@code InternalError}, …);</li>
 * <li>{@code trilog_sqs_received_bytes_total}: request body bytes;</li>
 * <li>{@code trilog_sqs_connections_refused_total} ({@code limit} = {@code sqs.max-connections} or
 * {@code sqs.max-connections-per-ip}): connections closed as soon as accepted because a limit was reached;</li>
 * <li>{@code trilog_sqs_connections} (gauge): open HTTP connections;</li>
 * <li>{@code trilog_sqs_messages_in_total}, {@code trilog_sqs_messages_out_total}: messages sent
 * (SendMessage, each successful SendMessageBatch entry) and received (each message a ReceiveMessage
 * answered with, redeliveries included).</li>
 * </ul>
 * A request that fails before its action is known is counted under {@code action="unknown"}.
 */
public final class SqsMetrics {

    private static final String UNKNOWN = "unknown";

    private final MeterRegistry registry;
    private final Counter bytesIn;
    private final Counter messagesIn;
    private final Counter messagesOut;
    /** By action ordinal (the last slot for unknown) × protocol; filled on first use, Micrometer dedupes races. */
    private final AtomicReferenceArray<Timer> timers = new AtomicReferenceArray<>(2 * (SqsAction.values().length + 1));
    private final Map<String, Counter> errors = new ConcurrentHashMap<>();
    private final Map<String, Counter> refusals = new ConcurrentHashMap<>();

    public SqsMetrics(MeterRegistry registry) {
        this.registry = registry;
        bytesIn = Counter.builder("trilog.sqs.received").baseUnit("bytes").description("SQS request body bytes")
                .register(registry);
        messagesIn = Counter.builder("trilog.sqs.messages.in").description("SQS messages sent").register(registry);
        messagesOut = Counter.builder("trilog.sqs.messages.out").description("SQS messages received")
                .register(registry);
    }

    /** Meters that go nowhere: for tests and embedders that do not scrape. */
    public static SqsMetrics detached() {
        return new SqsMetrics(new SimpleMeterRegistry());
    }

    /** A connection closed as soon as it was accepted, because the limit set by {@code limitKey} was reached. */
    public void connectionRefused(String limitKey) {
        refusals.computeIfAbsent(limitKey, key -> Counter.builder("trilog.sqs.connections.refused").tag("limit", key)
                .description("SQS connections closed on arrival because a connection limit was reached")
                .register(registry)).increment();
    }

    /** Reads the open connections from {@code open} at each scrape. */
    public void connections(IntSupplier open) {
        // held strongly: a gauge keeps only a weak reference, and nothing else holds this supplier
        Gauge.builder("trilog.sqs.connections", open, IntSupplier::getAsInt).strongReference(true)
                .description("open SQS connections").register(registry);
    }

    /** Counts the messages a successful answer to {@code action} carried in or out. */
    void succeeded(SqsAction action, ObjectNode answer) {
        switch (action) {
            case SEND_MESSAGE -> messagesIn.increment();
            case SEND_MESSAGE_BATCH -> messagesIn.increment(answer.path("Successful").size());
            case RECEIVE_MESSAGE -> messagesOut.increment(answer.path("Messages").size());
            default -> {
                // no message moved
            }
        }
    }

    void received(int bodyBytes) {
        bytesIn.increment(bodyBytes);
    }

    /**
     * @param action    null when the request failed before its action was read
     * @param error     the error answered, or null for a successful answer
     */
    void answered(SqsAction action, boolean json, long startNanos, SqsError error) {
        timer(action, json).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        if (error != null) {
            String actionName = action == null ? UNKNOWN : action.apiName();
            errors.computeIfAbsent(actionName + ' ' + error.queryCode(), key -> Counter.builder("trilog.sqs.request.errors")
                    .tag("action", actionName).tag("code", error.queryCode())
                    .description("SQS requests answered with an error").register(registry)).increment();
        }
    }

    private Timer timer(SqsAction action, boolean json) {
        int slot = 2 * (action == null ? SqsAction.values().length : action.ordinal()) + (json ? 1 : 0);
        Timer timer = timers.get(slot);
        if (timer == null) {
            timer = Timer.builder("trilog.sqs.requests").tag("action", action == null ? UNKNOWN : action.apiName())
                    .tag("protocol", json ? "json" : "query").description("time from an SQS request to its answer")
                    .serviceLevelObjectives(MetricBuckets.LATENCY).register(registry);
            timers.set(slot, timer);
        }
        return timer;
    }
}
