package dev.trilog.gateway.definitions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.frontend.DefinitionException;
import dev.trilog.frontend.DefinitionSection;
import dev.trilog.routing.address.Binding;
import dev.trilog.routing.address.Destination;
import dev.trilog.routing.address.ExchangeSpec;
import dev.trilog.routing.address.ExchangeType;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.HeaderValue;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A start-up definitions document, read and checked (docs/definitions.md): Kafka topics, the
 * frontends' own lists (SQS queues), exchanges, queues and bindings. Every entry is checked for
 * unknown fields and values of the wrong type before anything is applied; the messages name the
 * list and the entry ({@code topics 'orders': unknown field 'partiton'}).
 *
 * @param sections the entries of each frontend's list, by the list's key, in the document's order
 */
public record Definitions(List<TopicDefinition> topics, Map<String, List<Map<String, Object>>> sections,
                          List<ExchangeSpec> exchanges, List<QueueSpec> queues, List<Binding> bindings) {

    static final String TOPICS = "topics";
    static final String EXCHANGES = "exchanges";
    static final String QUEUES = "queues";
    static final String BINDINGS = "bindings";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A Kafka topic: its partition count and the configs it overrides. */
    public record TopicDefinition(String name, int partitions, Map<String, String> configs) {
    }

    /**
     * Reads a document.
     *
     * @param sections the frontends' lists, whose entries are checked for their fields only here
     * @throws DefinitionException naming the first problem
     */
    public static Definitions parse(JsonNode document, List<DefinitionSection> sections) {
        if (document == null || document.isNull() || document.isMissingNode()) {
            return new Definitions(List.of(), Map.of(), List.of(), List.of(), List.of());
        }
        if (!document.isObject()) {
            throw new DefinitionException("the document must be a map of lists (topics, queues, ...)");
        }
        List<String> known = new ArrayList<>(List.of(TOPICS));
        sections.forEach(section -> known.add(section.key()));
        known.addAll(List.of(EXCHANGES, QUEUES, BINDINGS));
        for (Iterator<String> names = document.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new DefinitionException("unknown field '" + name + "' (known: " + String.join(", ", known) + ")");
            }
        }
        List<TopicDefinition> topics = new ArrayList<>();
        for (Entry entry : entries(document, TOPICS, "name", List.of("name", "partitions", "configs"))) {
            topics.add(entry.call(() -> new TopicDefinition(entry.name, entry.integer("partitions", 1, 1),
                    entry.stringMap("configs"))));
        }
        Map<String, List<Map<String, Object>>> sectionEntries = new LinkedHashMap<>();
        for (DefinitionSection section : sections) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (Entry entry : entries(document, section.key(), "name", section.fields())) {
                @SuppressWarnings("unchecked")
                Map<String, Object> values = JSON.convertValue(entry.node, Map.class);
                list.add(values);
            }
            sectionEntries.put(section.key(), list);
        }
        List<ExchangeSpec> exchanges = new ArrayList<>();
        for (Entry entry : entries(document, EXCHANGES, "name",
                List.of("name", "type", "durable", "autoDelete", "internal", "arguments"))) {
            exchanges.add(entry.call(() -> new ExchangeSpec(entry.name, exchangeType(entry),
                    entry.bool("durable", true), entry.bool("autoDelete", false), entry.bool("internal", false),
                    entry.arguments())));
        }
        List<QueueSpec> queues = new ArrayList<>();
        for (Entry entry : entries(document, QUEUES, "name", List.of("name", "durable", "arguments"))) {
            queues.add(entry.call(() -> new QueueSpec(entry.name, entry.bool("durable", true), false, false,
                    entry.arguments())));
        }
        List<Binding> bindings = new ArrayList<>();
        for (Entry entry : entries(document, BINDINGS, "source",
                List.of("source", "destination", "destinationType", "routingKey", "arguments"))) {
            bindings.add(entry.call(() -> {
                String destination = entry.requiredString("destination");
                String type = entry.string("destinationType", "queue");
                Destination to = switch (type) {
                    case "queue" -> Destination.queue(destination);
                    case "exchange" -> Destination.exchange(destination);
                    default -> throw entry.problem("destinationType is queue or exchange, not '" + type + "'");
                };
                return new Binding(entry.name, to, entry.string("routingKey", ""), entry.arguments());
            }));
        }
        return new Definitions(List.copyOf(topics), sectionEntries, List.copyOf(exchanges), List.copyOf(queues),
                List.copyOf(bindings));
    }

    private static ExchangeType exchangeType(Entry entry) {
        String type = entry.requiredString("type");
        return ExchangeType.forAmqpName(type).orElseThrow(() ->
                entry.problem("type is direct, fanout, topic or headers, not '" + type + "'"));
    }

    private static List<Entry> entries(JsonNode document, String list, String nameField, List<String> fields) {
        JsonNode node = document.get(list);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new DefinitionException(list + " must be a list");
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            entries.add(new Entry(list, i, node.get(i), nameField, fields));
        }
        return entries;
    }

    /** One entry of a list, named in every message about it. */
    private static final class Entry {

        private final String list;
        private final ObjectNode node;
        private final String name;

        Entry(String list, int index, JsonNode node, String nameField, List<String> fields) {
            this.list = list;
            if (!(node instanceof ObjectNode object)) {
                throw new DefinitionException(list + "[" + index + "]: an entry is a map of fields");
            }
            this.node = object;
            JsonNode name = object.get(nameField);
            if (name == null || !name.isTextual() || name.asText().isEmpty()) {
                throw new DefinitionException(list + "[" + index + "]: '" + nameField + "' is required, a string");
            }
            this.name = name.asText();
            for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
                String field = names.next();
                if (!fields.contains(field)) {
                    throw problem("unknown field '" + field + "' (known: " + String.join(", ", fields) + ")");
                }
            }
        }

        DefinitionException problem(String message) {
            String label = list.equals(BINDINGS) ? list + " from '" + name + "'" : list + " '" + name + "'";
            return new DefinitionException(label + ": " + message);
        }

        /** Runs a constructor, turning its IllegalArgumentException into a message naming this entry. */
        <T> T call(java.util.function.Supplier<T> make) {
            try {
                return make.get();
            } catch (IllegalArgumentException e) {
                throw problem(e.getMessage());
            }
        }

        String requiredString(String field) {
            JsonNode value = node.get(field);
            if (value == null || !value.isTextual()) {
                throw problem("'" + field + "' is required, a string");
            }
            return value.asText();
        }

        String string(String field, String absent) {
            JsonNode value = node.get(field);
            if (value == null) {
                return absent;
            }
            if (!value.isTextual()) {
                throw problem("'" + field + "' must be a string");
            }
            return value.asText();
        }

        boolean bool(String field, boolean absent) {
            JsonNode value = node.get(field);
            if (value == null) {
                return absent;
            }
            if (!value.isBoolean()) {
                throw problem("'" + field + "' must be true or false");
            }
            return value.asBoolean();
        }

        int integer(String field, int absent, int min) {
            JsonNode value = node.get(field);
            if (value == null) {
                return absent;
            }
            if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < min) {
                throw problem("'" + field + "' must be an integer of at least " + min);
            }
            return value.asInt();
        }

        /** Config values as Kafka writes them: numbers and booleans as their text. */
        Map<String, String> stringMap(String field) {
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : fields(field)) {
                JsonNode value = e.getValue();
                if (!value.isValueNode() || value.isNull()) {
                    throw problem(field + " '" + e.getKey() + "' must be a string, a number or a boolean");
                }
                out.put(e.getKey(), value.asText());
            }
            return out;
        }

        Map<String, HeaderValue> arguments() {
            Map<String, HeaderValue> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : fields("arguments")) {
                try {
                    out.put(e.getKey(), ArgumentValues.fromJson(e.getValue()));
                } catch (IllegalArgumentException bad) {
                    throw problem("argument '" + e.getKey() + "' " + bad.getMessage());
                }
            }
            return out;
        }

        private List<Map.Entry<String, JsonNode>> fields(String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return List.of();
            }
            if (!value.isObject()) {
                throw problem("'" + field + "' must be a map");
            }
            List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
            value.fields().forEachRemaining(out::add);
            return out;
        }
    }
}
