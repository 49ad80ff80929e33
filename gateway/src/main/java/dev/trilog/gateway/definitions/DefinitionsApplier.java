package dev.trilog.gateway.definitions;

import dev.trilog.frontend.DefinitionException;
import dev.trilog.frontend.DefinitionSection;
import dev.trilog.log.LogEngine;
import dev.trilog.log.Topic;
import dev.trilog.log.TopicExistsException;
import dev.trilog.routing.address.Binding;
import dev.trilog.routing.address.ExchangeSpec;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.topology.Topology;
import dev.trilog.routing.topology.TopologyException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.KafkaException;

/**
 * Declares what a {@link Definitions} document says, in an order where everything an entry names
 * exists before it: topics, the frontends' lists (SQS queues), exchanges, queues, bindings. An
 * entry that exists as described is left alone; one that exists otherwise (other partitions,
 * configs, type or arguments) stops start-up with a {@link DefinitionException} naming it. Nothing
 * already applied is undone: everything is idempotent, so the next start with a corrected file
 * carries on.
 */
public final class DefinitionsApplier {

    private final LogEngine engine;
    private final Topology topology;
    private final Queues queues;
    private final List<DefinitionSection> sections;

    public DefinitionsApplier(LogEngine engine, Topology topology, Queues queues, List<DefinitionSection> sections) {
        this.engine = engine;
        this.topology = topology;
        this.queues = queues;
        this.sections = List.copyOf(sections);
    }

    /** @return how many entries were created (the rest existed already) */
    public int apply(Definitions definitions) {
        int created = 0;
        try {
            for (Definitions.TopicDefinition topic : definitions.topics()) {
                created += topic(topic) ? 1 : 0;
            }
            for (DefinitionSection section : sections) {
                created += section.apply(definitions.sections().getOrDefault(section.key(), List.of()));
            }
            for (ExchangeSpec exchange : definitions.exchanges()) {
                created += exchange(exchange) ? 1 : 0;
            }
            for (QueueSpec queue : definitions.queues()) {
                created += queue(queue) ? 1 : 0;
            }
            for (Binding binding : definitions.bindings()) {
                created += bind(binding) ? 1 : 0;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return created;
    }

    private boolean topic(Definitions.TopicDefinition topic) throws IOException {
        Optional<Topic> existing = engine.topic(topic.name());
        if (existing.isEmpty()) {
            try {
                engine.createTopic(topic.name(), topic.partitions(), topic.configs());
                return true;
            } catch (TopicExistsException e) {
                existing = engine.topic(topic.name());
            } catch (KafkaException | IllegalArgumentException e) {
                throw DefinitionException.of(Definitions.TOPICS, topic.name(), e.getMessage());
            }
        }
        Topic found = existing.orElseThrow();
        if (found.partitions() != topic.partitions()) {
            throw DefinitionException.of(Definitions.TOPICS, topic.name(), "exists with " + found.partitions()
                    + " partitions, not " + topic.partitions());
        }
        if (!found.configOverrides().equals(topic.configs())) {
            throw DefinitionException.of(Definitions.TOPICS, topic.name(), "exists with configs "
                    + new java.util.TreeMap<>(found.configOverrides()) + ", not " + new java.util.TreeMap<>(topic.configs()));
        }
        return false;
    }

    private boolean exchange(ExchangeSpec exchange) throws IOException {
        Optional<ExchangeSpec> existing = topology.exchange(exchange.name());
        if (existing.isPresent()) {
            ExchangeSpec found = existing.get();
            if (found.type() != exchange.type() || found.durable() != exchange.durable()
                    || found.autoDelete() != exchange.autoDelete() || found.internal() != exchange.internal()
                    || !ArgumentValues.equivalent(found.arguments(), exchange.arguments())) {
                throw DefinitionException.of(Definitions.EXCHANGES, exchange.name(), "exists as " + describe(found)
                        + ", not " + describe(exchange));
            }
            return false;
        }
        try {
            return topology.declareExchange(exchange);
        } catch (TopologyException e) {
            throw DefinitionException.of(Definitions.EXCHANGES, exchange.name(), e.getMessage());
        }
    }

    private boolean queue(QueueSpec queue) throws IOException {
        Optional<QueueSpec> existing = topology.queue(queue.name());
        if (existing.isPresent()) {
            QueueSpec found = existing.get();
            if (found.durable() != queue.durable() || found.exclusive() || found.autoDelete()
                    || !ArgumentValues.equivalent(found.arguments(), queue.arguments())) {
                String owner = sections.stream().filter(s -> s.owns(found)).map(s -> " (one of the " + s.key() + ")")
                        .findFirst().orElse("");
                throw DefinitionException.of(Definitions.QUEUES, queue.name(), "exists" + owner + " with "
                        + (found.durable() ? "" : "durable false, ") + "arguments " + ArgumentValues.describe(found.arguments())
                        + ", not " + (queue.durable() ? "" : "durable false, ") + "arguments "
                        + ArgumentValues.describe(queue.arguments()));
            }
            queues.declared(queue.name());
            return false;
        }
        try {
            boolean created = topology.declareQueue(queue);
            queues.declared(queue.name());
            return created;
        } catch (TopologyException e) {
            throw DefinitionException.of(Definitions.QUEUES, queue.name(), e.getMessage());
        }
    }

    private boolean bind(Binding binding) throws IOException {
        try {
            return topology.bind(binding);
        } catch (TopologyException e) {
            throw new DefinitionException(Definitions.BINDINGS + " from '" + binding.source() + "' to "
                    + binding.destination() + " (routing key '" + binding.key() + "'): " + e.getMessage());
        }
    }

    private static String describe(ExchangeSpec exchange) {
        return exchange.type().amqpName() + (exchange.durable() ? " durable" : " transient")
                + (exchange.autoDelete() ? " auto-delete" : "") + (exchange.internal() ? " internal" : "")
                + " with arguments " + ArgumentValues.describe(exchange.arguments());
    }

    /** What {@link #apply} did, for the start-up log: {@code 3 topics, 2 sqsQueues, …}. */
    public static String summary(Definitions definitions) {
        StringBuilder text = new StringBuilder();
        Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        counts.put(Definitions.TOPICS, definitions.topics().size());
        definitions.sections().forEach((key, entries) -> counts.put(key, entries.size()));
        counts.put(Definitions.EXCHANGES, definitions.exchanges().size());
        counts.put(Definitions.QUEUES, definitions.queues().size());
        counts.put(Definitions.BINDINGS, definitions.bindings().size());
        counts.forEach((key, count) -> text.append(text.length() == 0 ? "" : ", ").append(count).append(' ').append(key));
        return text.toString();
    }
}
