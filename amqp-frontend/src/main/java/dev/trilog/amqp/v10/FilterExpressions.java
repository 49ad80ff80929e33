package dev.trilog.amqp.v10;

import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.message.MessageProperties;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.DescribedType;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.UnsignedLong;

/**
 * The AMQP filter expressions RabbitMQ 4.1 offers on streams, evaluated in the broker:
 * {@code amqp:properties-filter} (a map of property field names to values) and
 * {@code amqp:application-properties-filter} (a map of application property names to values).
 * A message passes when every entry matches: equal values (numbers by value across numeric types,
 * symbols and strings by their text), or for a string filter value {@code &p:x} a prefix
 * {@code x}, {@code &s:x} a suffix {@code x}, and {@code &&…} a literal {@code &…} (AMQP Filter
 * Expressions 1.0, §4.2.4). The source's other filters are the caller's business.
 */
final class FilterExpressions implements Predicate<Message> {

    static final Symbol PROPERTIES = Symbol.valueOf("amqp:properties-filter");
    static final Symbol APPLICATION_PROPERTIES = Symbol.valueOf("amqp:application-properties-filter");
    static final UnsignedLong PROPERTIES_CODE = UnsignedLong.valueOf(0x0000468C00000003L);
    static final UnsignedLong APPLICATION_PROPERTIES_CODE = UnsignedLong.valueOf(0x0000468C00000004L);

    private final Map<String, Object> properties = new LinkedHashMap<>();
    private final Map<String, Object> applicationProperties = new LinkedHashMap<>();

    /** True when {@code value} is one of the two filters (by its descriptor). */
    static boolean isFilterExpression(Object value) {
        return value instanceof DescribedType d && (PROPERTIES.equals(d.getDescriptor())
                || PROPERTIES_CODE.equals(d.getDescriptor()) || APPLICATION_PROPERTIES.equals(d.getDescriptor())
                || APPLICATION_PROPERTIES_CODE.equals(d.getDescriptor()));
    }

    /** The filters among {@code filters}' values; matches everything when there are none. */
    static FilterExpressions of(Iterable<Object> filters) {
        FilterExpressions f = new FilterExpressions();
        for (Object value : filters) {
            if (!isFilterExpression(value)) {
                continue;
            }
            DescribedType d = (DescribedType) value;
            boolean onProperties = PROPERTIES.equals(d.getDescriptor()) || PROPERTIES_CODE.equals(d.getDescriptor());
            if (!(d.getDescribed() instanceof Map<?, ?> map)) {
                throw new AmqpError(AmqpError.INVALID_FIELD, d.getDescriptor() + " must be a map");
            }
            map.forEach((k, v) -> (onProperties ? f.properties : f.applicationProperties).put(String.valueOf(k), v));
        }
        return f;
    }

    boolean isEmpty() {
        return properties.isEmpty() && applicationProperties.isEmpty();
    }

    @Override
    public boolean test(Message m) {
        for (Map.Entry<String, Object> e : properties.entrySet()) {
            if (!matches(e.getValue(), property(m.properties(), e.getKey()))) {
                return false;
            }
        }
        for (Map.Entry<String, Object> e : applicationProperties.entrySet()) {
            HeaderValue header = m.headers().get(e.getKey());
            Object actual = header != null ? MessageCodec.amqpValue(header)
                    : MessageCodec.BASIC_TYPE.equals(e.getKey()) ? m.properties().type()
                    : MessageCodec.BASIC_APP_ID.equals(e.getKey()) ? m.properties().appId() : Missing.VALUE;
            if (!matches(e.getValue(), actual)) {
                return false;
            }
        }
        return true;
    }

    /** A value the message does not have: matches no filter value. */
    private enum Missing {
        VALUE
    }

    private static Object property(MessageProperties p, String field) {
        Object v = switch (field) {
            case "message-id" -> p.messageId() == null ? null : MessageCodec.amqpIdOf(p.messageId());
            case "user-id" -> p.userId() == null ? null : new Binary(p.userId().getBytes(StandardCharsets.UTF_8));
            case "to" -> p.to();
            case "subject" -> p.subject();
            case "reply-to" -> p.replyTo();
            case "correlation-id" -> p.correlationId() == null ? null : MessageCodec.amqpIdOf(p.correlationId());
            case "content-type" -> p.contentType();
            case "content-encoding" -> p.contentEncoding();
            case "absolute-expiry-time" -> p.expiryTime() == null ? null : new Date(p.expiryTime());
            case "creation-time" -> p.creationTime() == null ? null : new Date(p.creationTime());
            case "group-id" -> p.groupId();
            case "group-sequence" -> p.groupSequence() == null ? null : UnsignedInteger.valueOf(p.groupSequence());
            case "reply-to-group-id" -> p.replyToGroupId();
            default -> Missing.VALUE;
        };
        return v == null ? Missing.VALUE : v;
    }

    static boolean matches(Object expected, Object actual) {
        if (actual == Missing.VALUE) {
            return false;
        }
        if (expected instanceof String || expected instanceof Symbol) {
            String text = expected.toString();
            if (!(actual instanceof String || actual instanceof Symbol)) {
                return false;
            }
            String value = actual.toString();
            if (text.startsWith("&p:")) {
                return value.startsWith(text.substring(3));
            } else if (text.startsWith("&s:")) {
                return value.endsWith(text.substring(3));
            } else if (text.startsWith("&&")) {
                return value.equals(text.substring(1));
            }
            return value.equals(text);
        }
        if (expected instanceof Date d && actual instanceof Date a) {
            return d.getTime() == a.getTime();
        }
        BigDecimal e = number(expected);
        BigDecimal a = number(actual);
        if (e != null && a != null) {
            return e.compareTo(a) == 0;
        }
        return java.util.Objects.equals(expected, actual);
    }

    private static BigDecimal number(Object v) {
        if (v instanceof Float || v instanceof Double) {
            double d = ((Number) v).doubleValue();
            return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
        } else if (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long) {
            return BigDecimal.valueOf(((Number) v).longValue());
        } else if (v instanceof UnsignedLong u) {
            return new BigDecimal(u.bigIntegerValue());
        } else if (v instanceof Number n && v.getClass().getPackageName().equals("org.apache.qpid.proton.amqp")) {
            return BigDecimal.valueOf(n.longValue()); // ubyte, ushort, uint
        }
        return null;
    }

    /** The entries in the order given, for logs. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        properties.forEach((k, v) -> parts.add("properties." + k + "=" + v));
        applicationProperties.forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(", ", parts);
    }
}
