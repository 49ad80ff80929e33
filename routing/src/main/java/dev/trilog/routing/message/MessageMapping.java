package dev.trilog.routing.message;

import dev.trilog.log.record.LogRecord;
import dev.trilog.log.record.RecordData;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one mapping between a {@link Message} and a Kafka record; {@code docs/message-mapping.md}
 * is its contract, with the table of every field.
 *
 * <p>Record value = body, record key = key, record timestamp = timestamp. Application headers
 * become Kafka headers under the application's own names, each value readable as text
 * ({@link HeaderValue#toHeaderBytes()}); the types a Kafka consumer cannot see travel in one
 * {@value TypeDescriptor#HEADER} header ({@link TypeDescriptor}). Each protocol property has a
 * reserved {@value Message#RESERVED_PREFIX} header ({@link PropertyHeader#ALL}).
 *
 * <p>Reading is total: any record maps to a message. A record from a plain Kafka producer gives
 * string headers (binary where the bytes are not UTF-8) and no properties. A reserved header
 * this version does not know, or one whose value does not parse, is kept as an unknown property
 * and written back unchanged. When a header name repeats, the last one wins (Kafka's
 * {@code lastHeader}). Stateless and thread-safe.
 */
public final class MessageMapping {

    private MessageMapping() {
    }

    /** The record for {@code message}; body and key arrays are shared, not copied. */
    public static RecordData toRecord(Message message) {
        List<LogRecord.Header> headers = new ArrayList<>(message.headers().size() + 8);
        TypeDescriptor types = new TypeDescriptor();
        message.headers().forEach((name, value) -> add(headers, types, name, value));
        // NONE has no property set: skip reading each one (this runs for every publish)
        for (PropertyHeader property : message.properties() == MessageProperties.NONE ? List.<PropertyHeader>of()
                : PropertyHeader.ALL) {
            HeaderValue value = property.read().apply(message.properties());
            if (value != null) {
                if (property.fixedType() == null) {
                    add(headers, types, property.name(), value);
                } else {
                    headers.add(new LogRecord.Header(property.name(), value.toHeaderBytes()));
                }
            }
        }
        message.unknownProperties().forEach((name, value) -> {
            // a known property that did not parse is kept here; one set in the properties wins
            PropertyHeader known = PropertyHeader.BY_NAME.get(name);
            if (known == null || known.read().apply(message.properties()) == null) {
                add(headers, types, name, value);
            }
        });
        if (!types.isEmpty()) {
            headers.add(new LogRecord.Header(TypeDescriptor.HEADER, types.toBytes()));
        }
        return new RecordData(message.timestamp(), message.keyArray(), message.bodyArray(), headers);
    }

    private static void add(List<LogRecord.Header> headers, TypeDescriptor types, String name, HeaderValue value) {
        headers.add(new LogRecord.Header(name, value.toHeaderBytes()));
        if (TypeDescriptor.needsEntry(value)) {
            types.add(name, value);
        }
    }

    /** The message {@code record} holds. */
    public static Message fromRecord(LogRecord record) {
        Map<String, TypeDescriptor.Entry> types = Map.of();
        for (LogRecord.Header header : record.headers()) {
            if (header.key().equals(TypeDescriptor.HEADER)) {
                types = TypeDescriptor.parse(header.value());
            }
        }
        Message.Builder message = Message.builder()
                .body(copy(record.value()))
                .key(copy(record.key()))
                .timestamp(record.timestamp());
        MessageProperties.Builder properties = MessageProperties.builder();
        for (LogRecord.Header header : record.headers()) {
            String name = header.key();
            if (name.equals(TypeDescriptor.HEADER)) {
                continue;
            }
            if (!name.startsWith(Message.RESERVED_PREFIX)) {
                message.header(name, typed(header.value(), types.get(name)));
                continue;
            }
            PropertyHeader property = PropertyHeader.BY_NAME.get(name);
            if (property == null || !setProperty(properties, property, header.value(), types.get(name))) {
                message.unknownProperty(name, typed(header.value(), types.get(name)));
            }
        }
        return message.properties(properties.build()).build();
    }

    /**
     * The protocol properties {@code message} has set, each under its reserved header's name
     * ({@code trilog.content-type}), in the order of the mapping's table: what a tool shows as the
     * properties the reserved headers stand for.
     */
    public static Map<String, HeaderValue> propertyHeaders(Message message) {
        Map<String, HeaderValue> set = new java.util.LinkedHashMap<>();
        if (message.properties() == MessageProperties.NONE) {
            return set;
        }
        for (PropertyHeader property : PropertyHeader.ALL) {
            HeaderValue value = property.read().apply(message.properties());
            if (value != null) {
                set.put(property.name(), value);
            }
        }
        return set;
    }

    private static boolean setProperty(MessageProperties.Builder properties, PropertyHeader property, byte[] bytes,
            TypeDescriptor.Entry listed) {
        if (bytes == null) {
            return false;
        }
        try {
            HeaderValue value = property.fixedType() == null ? typed(bytes, listed)
                    : HeaderValue.fromHeaderBytes(property.fixedType(), bytes);
            property.set(properties, value);
            return true;
        } catch (IllegalArgumentException | IllegalStateException e) {
            return false;
        }
    }

    /**
     * A header's value: of its listed type when it parses as one; otherwise a string when the
     * bytes are UTF-8, else binary; null when the value is null.
     */
    private static HeaderValue typed(byte[] bytes, TypeDescriptor.Entry listed) {
        if (bytes == null) {
            return listed != null && listed.type() == ValueType.NULL ? HeaderValue.nullValue().withCustomType(
                    listed.label()) : HeaderValue.nullValue();
        }
        if (listed != null && listed.type() != ValueType.NULL) {
            try {
                return HeaderValue.fromHeaderBytes(listed.type(), bytes).withCustomType(listed.label());
            } catch (IllegalArgumentException e) {
                // listed as a type its bytes are not (a hand-made record): read it as untyped
            }
        }
        String text = Utf8.decodeOrNull(bytes);
        return text != null ? HeaderValue.ofString(text) : HeaderValue.ofBinary(bytes);
    }

    private static byte[] copy(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
