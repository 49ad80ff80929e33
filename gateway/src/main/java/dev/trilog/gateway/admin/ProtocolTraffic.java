package dev.trilog.gateway.admin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import java.util.List;

/**
 * {@code GET /api/v1/traffic}: per protocol, the open connections and the messages in and out
 * since start, read from the meters the frontends already keep for {@code /metrics}
 * (docs/metrics.md), so the console's live charts and Prometheus count the same thing. The counts
 * are monotonic: a reader takes the rate between two answers, as Prometheus' {@code rate()} does.
 *
 * <p>A protocol whose frontend is not running has no meters and is reported with zeros. Kafka's
 * {@code messagesOut} is null: fetched batches go to the socket unread ({@code sendfile}), so their
 * records are not counted (Kafka's own broker has no messages-out meter either).
 */
final class ProtocolTraffic {

    /** One protocol: the name shown, and the series that count it (null where none exists). */
    private record Protocol(String name, String connections, String in, String out, String tagValue) {
    }

    private static final List<Protocol> PROTOCOLS = List.of(
            new Protocol("kafka", "trilog.kafka.connections", "trilog.kafka.messages.in", null, null),
            new Protocol("amqp-0-9-1", "trilog.amqp091.connections", "trilog.amqp091.messages.published",
                    "trilog.amqp091.messages.delivered", null),
            new Protocol("amqp-1.0", "trilog.amqp.connections", "trilog.amqp.messages.in",
                    "trilog.amqp.messages.out", "amqp-1.0"),
            new Protocol("sqs", "trilog.sqs.connections", "trilog.sqs.messages.in", "trilog.sqs.messages.out", null));

    private final MeterRegistry registry;

    ProtocolTraffic(MeterRegistry registry) {
        this.registry = registry;
    }

    /** {@code {"at": millis, "protocols": {"kafka": {"connections": n, "messagesIn": n, "messagesOut": n|null}, …}}} */
    ObjectNode snapshot() {
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.put("at", System.currentTimeMillis());
        ObjectNode protocols = answer.putObject("protocols");
        for (Protocol p : PROTOCOLS) {
            ObjectNode node = protocols.putObject(p.name());
            node.put("connections", (long) search(p, p.connections()).gauges().stream().mapToDouble(Gauge::value).sum());
            node.put("messagesIn", count(p, p.in()));
            if (p.out() == null) {
                node.putNull("messagesOut");
            } else {
                node.put("messagesOut", count(p, p.out()));
            }
        }
        return answer;
    }

    private long count(Protocol protocol, String name) {
        return (long) search(protocol, name).counters().stream().mapToDouble(Counter::count).sum();
    }

    /** The AMQP port's shared series are told apart by their {@code protocol} tag. */
    private Search search(Protocol protocol, String name) {
        Search search = registry.find(name);
        return protocol.tagValue() == null ? search : search.tag("protocol", protocol.tagValue());
    }
}
