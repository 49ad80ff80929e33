package dev.trilog.gateway.definitions;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.frontend.DefinitionSection;
import dev.trilog.log.LogEngine;
import dev.trilog.log.Topic;
import dev.trilog.routing.address.Binding;
import dev.trilog.routing.address.ExchangeSpec;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.topology.Topology;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What exists now, as a definitions document that {@link Definitions#parse} reads back: topics
 * that are neither internal nor a queue's, each frontend's list, exchanges other than the ones
 * every topology has, durable-or-not queues that no connection owns (not exclusive, not
 * auto-delete) and no frontend's list holds, and the bindings among what is exported. Lists are
 * sorted, so exporting the same state twice gives the same document.
 */
public final class DefinitionsExporter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LogEngine engine;
    private final Topology topology;
    private final List<DefinitionSection> sections;

    public DefinitionsExporter(LogEngine engine, Topology topology, List<DefinitionSection> sections) {
        this.engine = engine;
        this.topology = topology;
        this.sections = List.copyOf(sections);
    }

    public ObjectNode export() {
        ObjectNode document = JSON.createObjectNode();
        ArrayNode topics = document.putArray(Definitions.TOPICS);
        engine.topics().stream()
                .filter(t -> !isInternal(t.name()) && topology.queue(t.name()).isEmpty())
                .sorted(Comparator.comparing(Topic::name))
                .forEach(t -> {
                    ObjectNode topic = topics.addObject().put("name", t.name()).put("partitions", t.partitions());
                    if (!t.configOverrides().isEmpty()) {
                        ObjectNode configs = topic.putObject("configs");
                        new TreeMap<>(t.configOverrides()).forEach(configs::put);
                    }
                });
        for (DefinitionSection section : sections) {
            document.set(section.key(), JSON.valueToTree(section.export()));
        }
        ArrayNode exchanges = document.putArray(Definitions.EXCHANGES);
        topology.exchanges().stream().filter(x -> !Topology.isBuiltIn(x.name())) // every vhost's
                .sorted(Comparator.comparing(ExchangeSpec::name))
                .forEach(x -> {
                    ObjectNode exchange = exchanges.addObject().put("name", x.name()).put("type", x.type().amqpName())
                            .put("durable", x.durable());
                    if (x.autoDelete()) {
                        exchange.put("autoDelete", true);
                    }
                    if (x.internal()) {
                        exchange.put("internal", true);
                    }
                    arguments(exchange, x.arguments());
                });
        ArrayNode queues = document.putArray(Definitions.QUEUES);
        List<QueueSpec> plainQueues = topology.queues().stream()
                .filter(q -> !q.exclusive() && !q.autoDelete() && sections.stream().noneMatch(s -> s.owns(q)))
                .sorted(Comparator.comparing(QueueSpec::name)).toList();
        for (QueueSpec q : plainQueues) {
            arguments(queues.addObject().put("name", q.name()).put("durable", q.durable()), q.arguments());
        }
        ArrayNode bindings = document.putArray(Definitions.BINDINGS);
        topology.bindings().stream()
                .filter(b -> !b.destination().isQueue() || topology.queue(b.destination().name())
                        .filter(q -> !q.exclusive() && !q.autoDelete()).isPresent())
                .sorted(Comparator.comparing(Binding::source).thenComparing(b -> b.destination().kind())
                        .thenComparing(b -> b.destination().name()).thenComparing(Binding::key)
                        .thenComparing(b -> ArgumentValues.describe(new TreeMap<>(b.arguments()))))
                .forEach(b -> arguments(bindings.addObject().put("source", b.source())
                        .put("destination", b.destination().name())
                        .put("destinationType", b.destination().isQueue() ? "queue" : "exchange")
                        .put("routingKey", b.key()), b.arguments()));
        return document;
    }

    /** Kafka's internal topics and the engine's reserved names. */
    public static boolean isInternal(String topic) {
        return topic.startsWith(LogEngine.RESERVED_PREFIX) || org.apache.kafka.common.internals.Topic.isInternal(topic);
    }

    private static void arguments(ObjectNode entry, Map<String, HeaderValue> arguments) {
        if (!arguments.isEmpty()) {
            ObjectNode out = entry.putObject("arguments");
            new TreeMap<>(arguments).forEach((name, value) -> out.set(name, ArgumentValues.toJson(value)));
        }
    }
}
