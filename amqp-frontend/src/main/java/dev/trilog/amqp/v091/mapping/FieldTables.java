package dev.trilog.amqp.v091.mapping;

import com.rabbitmq.client.LongString;
import dev.trilog.amqp.v091.codec.RabbitWire;
import dev.trilog.routing.message.HeaderValue;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AMQP 0-9-1 field tables (the client's decoded form: {@code Map<String, Object>}) ⇄ Trilog's
 * typed {@link HeaderValue}s, as docs/message-mapping.md's "Typed values" table says.
 *
 * <p>Field-table types and their values, both ways:
 * {@code S} long string ⇄ string (a long string that is not UTF-8 comes in as binary);
 * {@code t} ⇄ boolean; {@code b}/{@code s}/{@code I}/{@code l} ⇄ byte/short/int/long;
 * {@code B}/{@code u} (the client reads both as int) → int, {@code i} → long;
 * {@code f}/{@code d} ⇄ float/double; {@code D} ⇄ decimal (when it fits, else {@code S});
 * {@code T} ⇄ timestamp (seconds on the wire, milliseconds in Trilog); {@code x} ⇄ binary;
 * {@code V} ⇄ null. Out only: ubyte/ushort as {@code I}, uint as {@code l}, ulong as {@code l}
 * when it fits (else {@code S}), char, symbol and uuid as {@code S}.
 *
 * <p>Nested tables ({@code F}) and arrays ({@code A}), which {@code HeaderValue} has no type
 * for, are kept as binary holding their wire form with the custom type {@value #TABLE} or
 * {@value #ARRAY}, so they come back to a 0-9-1 consumer as they were sent; other protocols see
 * binary.
 */
public final class FieldTables {

    /** Custom type of a binary value that is a nested field table's wire form. */
    public static final String TABLE = "amqp-0-9-1-table";
    /** Custom type of a binary value that is a field array's wire form. */
    public static final String ARRAY = "amqp-0-9-1-array";

    private FieldTables() {
    }

    /** A field table as typed values, in the table's order; null is empty. */
    public static Map<String, HeaderValue> toHeaderValues(Map<String, Object> table) {
        Map<String, HeaderValue> values = new LinkedHashMap<>();
        if (table != null) {
            table.forEach((name, value) -> values.put(name, toHeaderValue(value)));
        }
        return values;
    }

    /** One field value as a typed value. */
    public static HeaderValue toHeaderValue(Object value) {
        if (value == null) {
            return HeaderValue.nullValue();
        } else if (value instanceof LongString s) {
            return text(s.getBytes());
        } else if (value instanceof String s) {
            return HeaderValue.ofString(s);
        } else if (value instanceof Boolean b) {
            return HeaderValue.ofBoolean(b);
        } else if (value instanceof Byte b) {
            return HeaderValue.ofByte(b);
        } else if (value instanceof Short s) {
            return HeaderValue.ofShort(s);
        } else if (value instanceof Integer i) {
            return HeaderValue.ofInt(i);
        } else if (value instanceof Long l) {
            return HeaderValue.ofLong(l);
        } else if (value instanceof Float f) {
            return HeaderValue.ofFloat(f);
        } else if (value instanceof Double d) {
            return HeaderValue.ofDouble(d);
        } else if (value instanceof BigDecimal d) {
            return HeaderValue.ofDecimal(d);
        } else if (value instanceof Date d) {
            return HeaderValue.ofTimestamp(d.getTime());
        } else if (value instanceof byte[] bytes) {
            return HeaderValue.ofBinary(bytes);
        } else if (value instanceof Map<?, ?>) {
            return HeaderValue.ofBinary(RabbitWire.encodeFieldValue(value)).withCustomType(TABLE);
        } else if (value instanceof List<?> || value instanceof Object[]) {
            return HeaderValue.ofBinary(RabbitWire.encodeFieldValue(value)).withCustomType(ARRAY);
        }
        return HeaderValue.ofString(value.toString());
    }

    private static HeaderValue text(byte[] bytes) {
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            return HeaderValue.ofString(s);
        } catch (CharacterCodingException | IllegalArgumentException e) {
            return HeaderValue.ofBinary(bytes);
        }
    }

    /** Typed values as a field table, in their order. */
    public static Map<String, Object> toFieldTable(Map<String, HeaderValue> values) {
        Map<String, Object> table = new LinkedHashMap<>();
        values.forEach((name, value) -> table.put(name, toFieldValue(value)));
        return table;
    }

    /** One typed value as the client's field value. */
    public static Object toFieldValue(HeaderValue value) {
        switch (value.type()) {
            case NULL:
                return null;
            case BOOLEAN:
                return value.asBoolean();
            case BYTE:
                return (byte) value.asLong();
            case SHORT:
                return (short) value.asLong();
            case INT:
            case UBYTE:
            case USHORT:
                return (int) value.asLong();
            case LONG:
            case UINT:
                return value.asLong();
            case ULONG: {
                BigInteger n = value.asBigInteger();
                return n.bitLength() < 64 ? (Object) n.longValue() : value.text();
            }
            case FLOAT:
                return value.asFloat();
            case DOUBLE:
                return value.asDouble();
            case DECIMAL: {
                BigDecimal d = value.asDecimal();
                return d.scale() >= 0 && d.scale() <= 255 && d.unscaledValue().bitLength() < 32 ? d : value.text();
            }
            case TIMESTAMP:
                return new Date(value.asTimestamp());
            case BINARY: {
                String custom = value.customType().orElse("");
                if (custom.equals(TABLE) || custom.equals(ARRAY)) {
                    try {
                        return RabbitWire.decodeFieldValue(value.asBytes());
                    } catch (IOException e) {
                        return value.asBytes(); // not what we wrote: pass it on as bytes
                    }
                }
                return value.asBytes();
            }
            default:
                return value.text(); // string, symbol, char, uuid
        }
    }
}
