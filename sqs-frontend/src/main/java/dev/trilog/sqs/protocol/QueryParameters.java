package dev.trilog.sqs.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.routing.message.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the Query protocol's flattened parameters into the request shape the JSON protocol sends,
 * so every action reads one shape whichever protocol the client speaks.
 *
 * <p>Query flattens lists and maps with 1-based indexes: {@code AttributeName.1=All},
 * {@code Attribute.1.Name=DelaySeconds&Attribute.1.Value=5},
 * {@code MessageAttribute.1.Value.StringValue=x}, {@code SendMessageBatchRequestEntry.2.Id=b}
 * (tags as {@code Tag.1.Key}, or {@code Tags.1.Key} as the Java SDK v1 sends them to TagQueue);
 * an empty one is its bare name, {@code DeleteMessageBatchRequestEntry=}.
 * Each flattened member is listed here with the JSON member it becomes and whether it is a list
 * of scalars, a list of structures, or a map (a list of name/value pairs). Anything else is a
 * scalar string ({@link SqsParams} reads numbers and booleans from text as well).
 */
final class QueryParameters {

    private enum Shape { SCALAR_LIST, STRUCTURE_LIST, MAP }

    private record Member(String jsonName, Shape shape, String keyField, String valueField) {
    }

    private static final Map<String, Member> FLATTENED = Map.ofEntries(
            Map.entry("AttributeName", new Member("AttributeNames", Shape.SCALAR_LIST, null, null)),
            Map.entry("MessageAttributeName", new Member("MessageAttributeNames", Shape.SCALAR_LIST, null, null)),
            Map.entry("MessageSystemAttributeName",
                    new Member("MessageSystemAttributeNames", Shape.SCALAR_LIST, null, null)),
            Map.entry("TagKey", new Member("TagKeys", Shape.SCALAR_LIST, null, null)),
            Map.entry("AWSAccountId", new Member("AWSAccountIds", Shape.SCALAR_LIST, null, null)),
            Map.entry("ActionName", new Member("Actions", Shape.SCALAR_LIST, null, null)),
            Map.entry("Attribute", new Member("Attributes", Shape.MAP, "Name", "Value")),
            Map.entry("MessageAttribute", new Member("MessageAttributes", Shape.MAP, "Name", "Value")),
            Map.entry("MessageSystemAttribute", new Member("MessageSystemAttributes", Shape.MAP, "Name", "Value")),
            Map.entry("Tag", new Member("Tags", Shape.MAP, "Key", "Value")),
            // what aws-java-sdk-sqs (v1, the Query releases) sends for TagQueue; ElasticMQ takes it too
            Map.entry("Tags", new Member("Tags", Shape.MAP, "Key", "Value")),
            Map.entry("SendMessageBatchRequestEntry", new Member("Entries", Shape.STRUCTURE_LIST, null, null)),
            Map.entry("DeleteMessageBatchRequestEntry", new Member("Entries", Shape.STRUCTURE_LIST, null, null)),
            Map.entry("ChangeMessageVisibilityBatchRequestEntry",
                    new Member("Entries", Shape.STRUCTURE_LIST, null, null)));

    private QueryParameters() {
    }

    /**
     * Adds the fields of a form-encoded body or query string ({@code a=1&b=%C3%A9+x}) to
     * {@code into}, each value as the bytes it encodes ({@code +} a space, {@code %XX} one byte)
     * so the caller decodes them strictly, and says which field was not text. A later field
     * replaces an earlier one of the same name.
     *
     * @throws SqsException MalformedQueryString for a bad escape or a name that is not well-formed UTF-8
     */
    static void parseForm(byte[] form, Map<String, byte[]> into) {
        for (int start = 0; start < form.length; ) {
            int end = indexOf(form, (byte) '&', start, form.length);
            if (end > start) {
                int eq = indexOf(form, (byte) '=', start, end);
                String name = Utf8.decodeOrNull(unescape(form, start, eq < end ? eq : end));
                if (name == null) {
                    throw new SqsException(SqsError.MALFORMED_QUERY_STRING,
                            "A parameter name is not well-formed UTF-8.");
                }
                into.put(name, eq < end ? unescape(form, eq + 1, end) : new byte[0]);
            }
            start = end + 1;
        }
    }

    private static int indexOf(byte[] bytes, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return to;
    }

    private static byte[] unescape(byte[] form, int from, int to) {
        byte[] out = new byte[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            byte b = form[i];
            if (b == '+') {
                out[n++] = ' ';
            } else if (b == '%') {
                int high = i + 2 < to ? Character.digit(form[i + 1], 16) : -1;
                int low = i + 2 < to ? Character.digit(form[i + 2], 16) : -1;
                if (high < 0 || low < 0) {
                    throw new SqsException(SqsError.MALFORMED_QUERY_STRING, "The form is not URL-encoded: '"
                            + new String(form, i, Math.min(3, to - i), StandardCharsets.ISO_8859_1) + "' at "
                            + i + " is not an escape.");
                }
                out[n++] = (byte) (high << 4 | low);
                i += 2;
            } else {
                out[n++] = b;
            }
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** The JSON request shape of {@code parameters} (flattened names to values; Action and Version removed by the caller). */
    static ObjectNode toRequest(Map<String, String> parameters) {
        return toStructure(nest(parameters));
    }

    /** A tree of the dotted names: {@code a.1.b=v} becomes {a: {1: {b: v}}}; leaves are strings. */
    private static Map<String, Object> nest(Map<String, String> parameters) {
        Map<String, Object> root = new TreeMap<>();
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            String[] parts = e.getKey().split("\\.", -1);
            Map<String, Object> node = root;
            for (int i = 0; i < parts.length - 1; i++) {
                Object child = node.get(parts[i]);
                if (!(child instanceof Map)) {
                    if (child != null) {
                        throw malformed(e.getKey());
                    }
                    child = new TreeMap<String, Object>();
                    node.put(parts[i], child);
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> next = (Map<String, Object>) child;
                node = next;
            }
            if (node.containsKey(parts[parts.length - 1])) {
                throw malformed(e.getKey());
            }
            node.put(parts[parts.length - 1], e.getValue());
        }
        return root;
    }

    private static ObjectNode toStructure(Map<String, Object> tree) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, Object> e : tree.entrySet()) {
            Member member = FLATTENED.get(e.getKey());
            if (member == null) {
                out.set(e.getKey(), toValue(e.getKey(), e.getValue()));
                continue;
            }
            // an empty list or map is its name with an empty value, as botocore and aws-sdk-go send it
            List<Object> items = "".equals(e.getValue()) ? List.of() : indexed(e.getKey(), e.getValue());
            switch (member.shape) {
                case SCALAR_LIST -> {
                    ArrayNode list = out.putArray(member.jsonName);
                    for (Object item : items) {
                        if (!(item instanceof String text)) {
                            throw malformed(e.getKey());
                        }
                        list.add(text);
                    }
                }
                case STRUCTURE_LIST -> {
                    ArrayNode list = out.putArray(member.jsonName);
                    for (Object item : items) {
                        list.add(toStructure(asTree(e.getKey(), item)));
                    }
                }
                case MAP -> {
                    ObjectNode map = out.putObject(member.jsonName);
                    for (Object item : items) {
                        Map<String, Object> pair = asTree(e.getKey(), item);
                        if (!(pair.get(member.keyField) instanceof String key)) {
                            throw SqsException.missingParameter(e.getKey() + ".N." + member.keyField);
                        }
                        Object value = pair.get(member.valueField);
                        if (value == null) {
                            throw SqsException.missingParameter(e.getKey() + ".N." + member.valueField);
                        }
                        map.set(key, toValue(e.getKey(), value));
                    }
                }
                default -> throw new IllegalStateException(member.shape.name());
            }
        }
        return out;
    }

    private static JsonNode toValue(String name, Object value) {
        if (value instanceof String text) {
            return JsonNodeFactory.instance.textNode(text);
        }
        return toStructure(asTree(name, value));
    }

    /** The children of {@code value} ordered by their 1-based index. */
    private static List<Object> indexed(String name, Object value) {
        Map<String, Object> byIndex = asTree(name, value);
        TreeMap<Integer, Object> ordered = new TreeMap<>();
        for (Map.Entry<String, Object> e : byIndex.entrySet()) {
            int index;
            try {
                index = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                throw malformed(name + "." + e.getKey());
            }
            if (index < 1) {
                throw malformed(name + "." + e.getKey());
            }
            ordered.put(index, e.getValue());
        }
        return new ArrayList<>(ordered.values());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asTree(String name, Object value) {
        if (value instanceof Map) {
            return (Map<String, Object>) value;
        }
        throw malformed(name);
    }

    private static SqsException malformed(String name) {
        return new SqsException(SqsError.MALFORMED_QUERY_STRING, "The parameter " + name + " is malformed.");
    }
}
