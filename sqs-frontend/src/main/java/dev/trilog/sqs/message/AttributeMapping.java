package dev.trilog.sqs.message;

import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.ValueType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SQS message attributes to the message's typed headers and back, as docs/message-mapping.md
 * says: String → string, Number → decimal (its text kept exactly), Binary → binary, a custom
 * suffix kept as the custom type. A header written by another protocol is shown with the SQS
 * base type of its value type; null headers have no SQS form and are not shown.
 */
public final class AttributeMapping {

    private AttributeMapping() {
    }

    public static Map<String, HeaderValue> toHeaders(Map<String, MessageAttribute> attributes) {
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        attributes.forEach((name, attribute) -> headers.put(name, toHeader(attribute)));
        return headers;
    }

    static HeaderValue toHeader(MessageAttribute attribute) {
        HeaderValue value = switch (attribute.baseType()) {
            case "Binary" -> HeaderValue.ofBinary(attribute.binaryValue());
            case "Number" -> HeaderValue.ofDecimal(attribute.stringValue());
            default -> HeaderValue.ofString(attribute.stringValue());
        };
        return value.withCustomType(attribute.customType());
    }

    /** The attributes SQS shows for a message's headers. */
    public static Map<String, MessageAttribute> fromHeaders(Map<String, HeaderValue> headers) {
        Map<String, MessageAttribute> attributes = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            MessageAttribute attribute = fromHeader(value);
            if (attribute != null) {
                attributes.put(name, attribute);
            }
        });
        return attributes;
    }

    static MessageAttribute fromHeader(HeaderValue value) {
        if (value.isNull()) {
            return null;
        }
        String base = baseType(value);
        String dataType = value.customType().map(label -> base + "." + label).orElse(base);
        return value.type() == ValueType.BINARY ? MessageAttribute.ofBinary(dataType, value.asBytes())
                : MessageAttribute.ofString(dataType, value.text());
    }

    private static String baseType(HeaderValue value) {
        ValueType type = value.type();
        if (type == ValueType.BINARY) {
            return "Binary";
        }
        if (type.isFloatingPoint()) {
            double d = value.asDouble();
            return Double.isNaN(d) || Double.isInfinite(d) ? "String" : "Number";
        }
        return type.isInteger() || type == ValueType.DECIMAL || type == ValueType.TIMESTAMP ? "Number" : "String";
    }
}
