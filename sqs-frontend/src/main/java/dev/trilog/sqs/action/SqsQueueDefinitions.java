package dev.trilog.sqs.action;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trilog.frontend.DefinitionException;
import dev.trilog.frontend.DefinitionSection;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.sqs.protocol.SqsException;
import dev.trilog.sqs.queue.QueueAttributeRules;
import dev.trilog.sqs.queue.SqsQueue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@value #KEY} list of the start-up definitions: SQS queues with their attributes and tags,
 * created through CreateQueue's own path ({@link QueueActions#createQueue(String, Map, Map)}), so
 * names and attributes are checked by the SQS rules and an existing queue is compared as
 * CreateQueue compares it.
 *
 * <p>An attribute's value is its SQS string; a number or boolean is taken as its text, and a JSON
 * policy (RedrivePolicy, RedriveAllowPolicy, Policy) may be written as an object. In a
 * RedrivePolicy object, a {@code deadLetterTargetArn} that is a bare queue name stands for that
 * queue's ARN. A queue is created after the dead-letter queue it names, wherever that is listed.
 */
public final class SqsQueueDefinitions implements DefinitionSection {

    static final String KEY = "sqsQueues";
    private static final String NAME = "name";
    private static final String ATTRIBUTES = "attributes";
    private static final String TAGS = "tags";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final QueueDirectory directory;
    private final QueueActions actions;

    SqsQueueDefinitions(QueueDirectory directory, QueueActions actions) {
        this.directory = directory;
        this.actions = actions;
    }

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public List<String> fields() {
        return List.of(NAME, ATTRIBUTES, TAGS);
    }

    private record Entry(String name, Map<String, String> attributes, Map<String, String> tags) {
    }

    @Override
    public int apply(List<Map<String, Object>> entries) {
        int created = 0;
        List<Entry> pending = new ArrayList<>();
        for (Map<String, Object> entry : entries) {
            pending.add(read(entry));
        }
        while (!pending.isEmpty()) {
            Set<String> waiting = new HashSet<>();
            pending.forEach(e -> waiting.add(e.name()));
            // a queue whose dead-letter queue is still to come waits for it; in a cycle, the first goes
            Entry next = pending.stream().filter(e -> {
                String target = deadLetterTarget(e);
                return target == null || target.equals(e.name()) || !waiting.contains(target);
            }).findFirst().orElse(pending.get(0));
            pending.remove(next);
            created += directory.get(next.name()).isEmpty() ? 1 : 0;
            try {
                actions.createQueue(next.name(), next.attributes(), next.tags());
            } catch (SqsException e) {
                throw DefinitionException.of(KEY, next.name(), e.getMessage());
            }
        }
        return created;
    }

    @Override
    public List<Map<String, Object>> export() {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (SqsQueue queue : directory.all()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put(NAME, queue.name());
            entry.put(ATTRIBUTES, new TreeMap<>(queue.attributes()));
            if (!queue.tags().isEmpty()) {
                entry.put(TAGS, new TreeMap<>(queue.tags()));
            }
            entries.add(entry);
        }
        return entries;
    }

    @Override
    public boolean owns(QueueSpec queue) {
        return queue.arguments().containsKey(SqsQueue.ARGUMENT);
    }

    private Entry read(Map<String, Object> entry) {
        Object name = entry.get(NAME);
        if (!(name instanceof String queueName) || queueName.isEmpty()) {
            throw new DefinitionException(KEY + ": an entry without a name" + (name == null ? "" : " (name " + name + ")"));
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        mapOf(entry.get(ATTRIBUTES), queueName, ATTRIBUTES).forEach((attribute, value) ->
                attributes.put(attribute, attributeText(queueName, attribute, value)));
        Map<String, String> tags = new LinkedHashMap<>();
        mapOf(entry.get(TAGS), queueName, TAGS).forEach((tag, value) -> {
            if (value == null || value instanceof Map || value instanceof List) {
                throw DefinitionException.of(KEY, queueName, "tag " + tag + " must be a string");
            }
            tags.put(tag, value.toString());
        });
        return new Entry(queueName, attributes, tags);
    }

    private static Map<String, Object> mapOf(Object value, String queue, String field) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw DefinitionException.of(KEY, queue, field + " must be a map of names to values");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    /** The SQS string of an attribute value: text as is, numbers and booleans as their text, objects as JSON. */
    private String attributeText(String queue, String attribute, Object value) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> policy = new LinkedHashMap<>(map);
            Object target = policy.get("deadLetterTargetArn");
            if (attribute.equals(QueueAttributeRules.REDRIVE_POLICY) && target instanceof String t
                    && !t.startsWith("arn:")) {
                policy.put("deadLetterTargetArn", directory.urls().arn(t));
            }
            try {
                return JSON.writeValueAsString(policy);
            } catch (JsonProcessingException e) {
                throw DefinitionException.of(KEY, queue, "attribute " + attribute + ": " + e.getOriginalMessage());
            }
        }
        throw DefinitionException.of(KEY, queue, "attribute " + attribute
                + " must be a string, a number, a boolean or (for a policy) an object");
    }

    /** The queue an entry's RedrivePolicy names, or null. */
    private String deadLetterTarget(Entry entry) {
        String policy = entry.attributes().get(QueueAttributeRules.REDRIVE_POLICY);
        if (policy == null || policy.isEmpty()) {
            return null;
        }
        try {
            JsonNode arn = JSON.readTree(policy).get("deadLetterTargetArn");
            return arn == null || !arn.isTextual() ? null : directory.nameOfArn(arn.asText());
        } catch (JsonProcessingException e) {
            return null; // CreateQueue names the bad policy
        }
    }
}
