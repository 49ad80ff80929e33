package dev.trilog.gateway.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.frontend.DefinitionSection;
import dev.trilog.gateway.definitions.ArgumentValues;
import dev.trilog.routing.address.Binding;
import dev.trilog.routing.address.Destination;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.queue.PeekedMessage;
import dev.trilog.routing.queue.QueueCounts;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.queue.UnknownQueueException;
import dev.trilog.routing.topology.Topology;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The admin API's views of queues ({@code /api/v1/queues}): their counts, arguments, dead-letter
 * targets and sources, the bindings and exchanges that lead to them, and a peek at their available
 * messages, from the topology and the {@link Queues} facade.
 */
final class QueueViews {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Topology topology;
    private final Queues queues;
    private final List<DefinitionSection> sections;
    private final Map<String, String> frontendOfSection;

    QueueViews(Topology topology, Queues queues, List<DefinitionSection> sections, Map<String, String> frontendOfSection) {
        this.topology = topology;
        this.queues = queues;
        this.sections = List.copyOf(sections);
        this.frontendOfSection = Map.copyOf(frontendOfSection);
    }

    /**
     * Up to {@code limit} (default 10, at most 100) of the queue's available messages, oldest first,
     * without acquiring them ({@link Queues#peek}): a consumer still receives each as if nobody had looked.
     */
    AdminApi.Response peek(String name, String limitText) {
        if (topology.queue(name).isEmpty()) {
            return AdminApi.error(404, "unknown queue '" + name + "'");
        }
        int limit = 10;
        if (limitText != null) {
            Long parsed = RecordBrowser.number(limitText);
            if (parsed == null || parsed < 1 || parsed > 100) {
                return AdminApi.error(400, "limit must be a whole number from 1 to 100, not '" + limitText + "'");
            }
            limit = parsed.intValue();
        }
        List<PeekedMessage> peeked;
        try {
            peeked = queues.peek(name, limit);
        } catch (UnknownQueueException e) {
            return AdminApi.error(404, "unknown queue '" + name + "'");
        }
        ObjectNode body = JSON.createObjectNode().put("queue", name);
        ArrayNode messages = body.putArray("messages");
        for (PeekedMessage m : peeked) {
            ObjectNode row = messages.addObject().put("partition", m.partition()).put("offset", m.offset())
                    .put("timestamp", m.publishTimestampMs()).put("receiveCount", m.acquisitions());
            MessageJson.put(row, m.message());
        }
        return new AdminApi.Response(200, body);
    }

    ObjectNode queueList() {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("queues");
        topology.queues().stream().sorted(Comparator.comparing(QueueSpec::name))
                .forEach(spec -> list.add(queueSummary(spec)));
        return body;
    }

    /**
     * A queue's kind and counts. {@code deadLettered} is QueueCounts' archived: messages given up
     * since the queue was opened (rejected, expired, over the delivery limit), dead-lettered when
     * the queue has a target, else dropped.
     */
    private ObjectNode queueSummary(QueueSpec spec) {
        String protocol = sections.stream().filter(s -> s.owns(spec)).map(DefinitionSection::key).findFirst()
                .map(key -> frontendOfSection.getOrDefault(key, key)).orElse("amqp");
        ObjectNode queue = JSON.createObjectNode().put("name", spec.name()).put("protocol", protocol)
                .put("durable", spec.durable()).put("exclusive", spec.exclusive()).put("fifo", spec.fifo());
        QueueCounts counts;
        try {
            counts = queues.counts(spec.name());
        } catch (RuntimeException e) {
            counts = null; // deleted meanwhile, or not served by this node
        }
        if (counts != null) {
            queue.put("available", counts.available()).put("inFlight", counts.inFlight())
                    .put("delayed", counts.delayed()).put("deadLettered", counts.archived())
                    .put("oldestAgeMs", counts.oldestAvailableAgeMs());
        }
        return queue;
    }

    ObjectNode queue(QueueSpec spec) {
        ObjectNode queue = queueSummary(spec);
        ObjectNode arguments = queue.putObject("arguments");
        new TreeMap<>(spec.arguments()).forEach((name, value) -> {
            if (!name.equals("x-trilog-sqs")) {
                arguments.set(name, ArgumentValues.toJson(value));
            }
        });
        ArrayNode bindings = queue.putArray("bindings");
        topology.bindingsTo(Destination.queue(spec.name())).stream()
                .sorted(Comparator.comparing(Binding::source).thenComparing(Binding::key))
                .forEach(b -> bindings.addObject().put("source", b.source()).put("routingKey", b.key()));
        ArrayNode exchanges = queue.putArray("exchanges");
        topology.bindingsTo(Destination.queue(spec.name())).stream().map(Binding::source).distinct().sorted()
                .forEach(name -> topology.exchange(name).ifPresent(x -> {
                    ObjectNode exchange = exchanges.addObject().put("name", x.name()).put("type", x.type().amqpName())
                            .put("durable", x.durable());
                    ObjectNode xArguments = exchange.putObject("arguments");
                    new TreeMap<>(x.arguments()).forEach((k, v) -> xArguments.set(k, ArgumentValues.toJson(v)));
                }));
        spec.deadLetterExchange().ifPresent(exchange -> {
            ObjectNode deadLetter = queue.putObject("deadLetter").put("exchange", exchange);
            spec.deadLetterRoutingKey().ifPresent(key -> deadLetter.put("routingKey", key));
            ArrayNode reaches = deadLetter.putArray("queues");
            deadLetterQueues(spec).forEach(reaches::add);
        });
        ArrayNode sources = queue.putArray("deadLetterSources");
        topology.queues().stream().filter(other -> !other.name().equals(spec.name()))
                .filter(other -> deadLetterQueues(other).contains(spec.name())).map(QueueSpec::name).sorted()
                .forEach(sources::add);
        return queue;
    }

    /**
     * The queues a queue's dead letters reach: its dead-letter exchange routed with its dead-letter
     * routing key (an SQS redrive policy is the default exchange and the DLQ's name). Without a
     * dead-letter routing key each message's own key decides, which no listing can say: empty.
     */
    private java.util.Set<String> deadLetterQueues(QueueSpec spec) {
        if (spec.deadLetterExchange().isEmpty() || spec.deadLetterRoutingKey().isEmpty()) {
            return java.util.Set.of();
        }
        try {
            return new java.util.TreeSet<>(topology.route(spec.deadLetterExchange().get(),
                    spec.deadLetterRoutingKey().get(), Map.of()));
        } catch (dev.trilog.routing.topology.TopologyException e) {
            return java.util.Set.of(); // the exchange is gone
        }
    }
}
