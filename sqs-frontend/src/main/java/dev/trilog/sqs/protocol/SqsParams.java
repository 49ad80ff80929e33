package dev.trilog.sqs.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The members of one request (or of one batch entry) in the JSON request shape, whichever
 * protocol carried them, with typed reads that answer malformed values the way SQS does. Query
 * carries every scalar as text, so numbers and booleans are read from text as well as from JSON
 * numbers and booleans.
 */
public final class SqsParams {

    private final ObjectNode members;

    public SqsParams(ObjectNode members) {
        this.members = members;
    }

    public boolean has(String name) {
        JsonNode node = members.get(name);
        return node != null && !node.isNull();
    }

    /** The text of a string member, or empty. */
    public Optional<String> string(String name) {
        JsonNode node = members.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isValueNode()) {
            throw serialization(name);
        }
        return Optional.of(node.asText());
    }

    /** A string member that must be there (and, as AWS checks, not empty). */
    public String requireString(String name) {
        String value = string(name).orElseThrow(() -> SqsException.missingParameter(name));
        return value;
    }

    /**
     * An integer member within {@code [min, max]}, or empty.
     *
     * @throws SqsException InvalidParameterValue when it is not an integer in range
     */
    public Optional<Integer> integer(String name, int min, int max) {
        JsonNode node = members.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        long value;
        if (node.isIntegralNumber()) {
            value = node.asLong();
        } else if (node.isTextual()) {
            try {
                value = Long.parseLong(node.asText().trim());
            } catch (NumberFormatException e) {
                throw SqsException.invalidValue(name, node.asText(), "Must be an integer.");
            }
        } else {
            throw serialization(name);
        }
        if (value < min || value > max) {
            throw SqsException.invalidValue(name, value, "Must be between " + min + " and " + max + ", if provided.");
        }
        return Optional.of((int) value);
    }

    /** A list of strings, or an empty list. */
    public List<String> stringList(String name) {
        JsonNode node = members.get(name);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw serialization(name);
        }
        List<String> out = new ArrayList<>(node.size());
        for (JsonNode item : node) {
            if (!item.isValueNode() || item.isNull()) {
                throw serialization(name);
            }
            out.add(item.asText());
        }
        return out;
    }

    /** A map of strings to strings in the order sent, or an empty map. */
    public Map<String, String> stringMap(String name) {
        JsonNode node = members.get(name);
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw serialization(name);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw serialization(name + "." + e.getKey());
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return Collections.unmodifiableMap(out);
    }

    /** A map of names to structures in the order sent, or an empty map. */
    public Map<String, SqsParams> structureMap(String name) {
        JsonNode node = members.get(name);
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw serialization(name);
        }
        Map<String, SqsParams> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!(e.getValue() instanceof ObjectNode value)) {
                throw serialization(name + "." + e.getKey());
            }
            out.put(e.getKey(), new SqsParams(value));
        }
        return Collections.unmodifiableMap(out);
    }

    /** A list of structures (batch entries), or an empty list. */
    public List<SqsParams> structureList(String name) {
        JsonNode node = members.get(name);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw serialization(name);
        }
        List<SqsParams> out = new ArrayList<>(node.size());
        for (JsonNode item : node) {
            if (!(item instanceof ObjectNode entry)) {
                throw serialization(name);
            }
            out.add(new SqsParams(entry));
        }
        return out;
    }

    /** The members as sent, read-only use only. */
    public ObjectNode members() {
        return members;
    }

    private static SqsException serialization(String name) {
        return new SqsException(SqsError.SERIALIZATION_EXCEPTION, "The member " + name + " has the wrong type.");
    }
}
