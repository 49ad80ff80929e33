package dev.trilog.gateway.definitions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.ValueType;
import java.math.BigDecimal;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * Queue, exchange and binding arguments between the definitions document and the topology: a
 * JSON string is a string, an integer a long, a fraction a double, true/false a boolean. Two
 * argument tables are equivalent when they name the same arguments with the same values whatever
 * their wire types (an AMQP 0-9-1 client's 32-bit {@code x-message-ttl} equals a document's 60000).
 */
public final class ArgumentValues {

    private ArgumentValues() {
    }

    /**
     * @throws IllegalArgumentException for a list or an object, which no argument Trilog reads takes
     */
    static HeaderValue fromJson(JsonNode value) {
        if (value.isNull()) {
            return HeaderValue.nullValue();
        }
        if (value.isTextual()) {
            return HeaderValue.ofString(value.asText());
        }
        if (value.isBoolean()) {
            return HeaderValue.ofBoolean(value.asBoolean());
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return HeaderValue.ofLong(value.asLong());
        }
        if (value.isNumber()) {
            return HeaderValue.ofDouble(value.asDouble());
        }
        throw new IllegalArgumentException("is a " + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                + "; an argument is a string, a number or a boolean");
    }

    public static JsonNode toJson(HeaderValue value) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ValueType type = value.type();
        if (value.isNull()) {
            return json.nullNode();
        }
        if (type == ValueType.BOOLEAN) {
            return json.booleanNode(value.asBoolean());
        }
        if (type.isInteger()) {
            return json.numberNode(value.asBigInteger());
        }
        if (type.isFloatingPoint()) {
            return json.numberNode(value.asDouble());
        }
        return switch (type) {
            case DECIMAL -> json.numberNode(value.asDecimal());
            case TIMESTAMP -> json.numberNode(value.asTimestamp());
            case UUID -> json.textNode(value.asUuid().toString());
            case CHAR -> json.textNode(new String(Character.toChars(value.asCodePoint())));
            case BINARY -> json.textNode(Base64.getEncoder().encodeToString(value.asBytes()));
            default -> json.textNode(value.asString());
        };
    }

    static boolean equivalent(Map<String, HeaderValue> a, Map<String, HeaderValue> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        return a.entrySet().stream().allMatch(e -> equivalent(e.getValue(), b.get(e.getKey())));
    }

    private static boolean equivalent(HeaderValue a, HeaderValue b) {
        if (a.isNull() || b.isNull()) {
            return a.isNull() && b.isNull();
        }
        ValueType x = a.type();
        ValueType y = b.type();
        boolean numeric = (x.isInteger() || x.isFloatingPoint()) && (y.isInteger() || y.isFloatingPoint());
        if (numeric) {
            return decimal(a).compareTo(decimal(b)) == 0;
        }
        boolean text = isText(x) && isText(y);
        return text ? a.asString().equals(b.asString()) : Objects.equals(a, b);
    }

    private static BigDecimal decimal(HeaderValue value) {
        return value.type().isInteger() ? new BigDecimal(value.asBigInteger()) : BigDecimal.valueOf(value.asDouble());
    }

    private static boolean isText(ValueType type) {
        return type == ValueType.STRING || type == ValueType.SYMBOL;
    }

    /** Arguments as the document writes them, for messages: {x-message-ttl=60000}. */
    static String describe(Map<String, HeaderValue> arguments) {
        StringBuilder text = new StringBuilder("{");
        arguments.forEach((name, value) -> text.append(text.length() > 1 ? ", " : "").append(name).append('=')
                .append(toJson(value)));
        return text.append('}').toString();
    }
}
