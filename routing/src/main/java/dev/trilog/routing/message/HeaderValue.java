package dev.trilog.routing.message;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One typed value of an application header (AMQP application-property, AMQP 0-9-1 header-table
 * field, SQS message attribute) or of a queue, exchange or binding argument. Immutable.
 *
 * <p>Besides its {@link ValueType} a value may carry a <em>custom type</em>: a free label refining
 * the type, as SQS's {@code Number.float} carries {@code float}. It is kept across protocols and
 * shown where a protocol has room for it (SQS), ignored elsewhere.
 *
 * <p>{@link #toHeaderBytes()} is the value as a Kafka header holds it: text in UTF-8 for every
 * type but binary (raw) and null (a null header value). The text is what {@link #text()} gives:
 * numbers and booleans as Java prints them, ulong unsigned, timestamps as epoch milliseconds,
 * UUIDs in their 36-character form, a char as the character itself.
 */
public final class HeaderValue {

    private static final HeaderValue NULL = new HeaderValue(ValueType.NULL, null, null);
    private static final HeaderValue TRUE = new HeaderValue(ValueType.BOOLEAN, Boolean.TRUE, null);
    private static final HeaderValue FALSE = new HeaderValue(ValueType.BOOLEAN, Boolean.FALSE, null);

    private final ValueType type;
    /** null, String, Boolean, Long (integers, timestamps), Float, Double, Integer (char), UUID or byte[]. */
    private final Object value;
    private final String customType;

    private HeaderValue(ValueType type, Object value, String customType) {
        this.type = type;
        this.value = value;
        this.customType = customType;
    }

    // ------------------------------------------------------------------ factories

    public static HeaderValue nullValue() {
        return NULL;
    }

    public static HeaderValue ofString(String value) {
        Utf8.requireWellFormed(Objects.requireNonNull(value, "value"), "a string value");
        return new HeaderValue(ValueType.STRING, value, null);
    }

    public static HeaderValue ofBoolean(boolean value) {
        return value ? TRUE : FALSE;
    }

    public static HeaderValue ofByte(byte value) {
        return new HeaderValue(ValueType.BYTE, (long) value, null);
    }

    public static HeaderValue ofShort(short value) {
        return new HeaderValue(ValueType.SHORT, (long) value, null);
    }

    public static HeaderValue ofInt(int value) {
        return new HeaderValue(ValueType.INT, (long) value, null);
    }

    public static HeaderValue ofLong(long value) {
        return new HeaderValue(ValueType.LONG, value, null);
    }

    /** An unsigned byte, 0 to 255. */
    public static HeaderValue ofUbyte(int value) {
        return new HeaderValue(ValueType.UBYTE, inRange(value, 0, 0xFF, ValueType.UBYTE), null);
    }

    /** An unsigned short, 0 to 65535. */
    public static HeaderValue ofUshort(int value) {
        return new HeaderValue(ValueType.USHORT, inRange(value, 0, 0xFFFF, ValueType.USHORT), null);
    }

    /** An unsigned int, 0 to 2³²−1. */
    public static HeaderValue ofUint(long value) {
        return new HeaderValue(ValueType.UINT, inRange(value, 0, 0xFFFF_FFFFL, ValueType.UINT), null);
    }

    /** An unsigned long given as its 64 bits ({@code -1} is 2⁶⁴−1). */
    public static HeaderValue ofUlong(long bits) {
        return new HeaderValue(ValueType.ULONG, bits, null);
    }

    public static HeaderValue ofFloat(float value) {
        return new HeaderValue(ValueType.FLOAT, value, null);
    }

    public static HeaderValue ofDouble(double value) {
        return new HeaderValue(ValueType.DOUBLE, value, null);
    }

    public static HeaderValue ofDecimal(BigDecimal value) {
        return new HeaderValue(ValueType.DECIMAL, value.toString(), null);
    }

    /**
     * A decimal kept as exactly this text (an SQS Number's digits come back as they were sent).
     *
     * @throws IllegalArgumentException when {@code text} is not a decimal number {@link BigDecimal} reads
     */
    public static HeaderValue ofDecimal(String text) {
        try {
            new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a decimal number: " + text);
        }
        return new HeaderValue(ValueType.DECIMAL, text, null);
    }

    /** One Unicode code point (AMQP 1.0 char). */
    public static HeaderValue ofChar(int codePoint) {
        if (!Character.isValidCodePoint(codePoint)
                || codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE) {
            throw new IllegalArgumentException("not a Unicode scalar value: " + codePoint);
        }
        return new HeaderValue(ValueType.CHAR, codePoint, null);
    }

    /** An AMQP 1.0 symbol: ASCII only. */
    public static HeaderValue ofSymbol(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) > 0x7F) {
                throw new IllegalArgumentException("a symbol is ASCII only: " + value);
            }
        }
        return new HeaderValue(ValueType.SYMBOL, value, null);
    }

    public static HeaderValue ofUuid(UUID value) {
        return new HeaderValue(ValueType.UUID, Objects.requireNonNull(value, "value"), null);
    }

    /** A point in time, in milliseconds since the epoch. */
    public static HeaderValue ofTimestamp(long epochMillis) {
        return new HeaderValue(ValueType.TIMESTAMP, epochMillis, null);
    }

    /** Binary; the array is copied. */
    public static HeaderValue ofBinary(byte[] value) {
        return new HeaderValue(ValueType.BINARY, value.clone(), null);
    }

    /**
     * This value with a custom type label (SQS's suffix after the base type: {@code float} in
     * {@code Number.float}); null removes it.
     */
    public HeaderValue withCustomType(String label) {
        if (label != null) {
            if (label.isEmpty()) {
                throw new IllegalArgumentException("a custom type label is not empty; use null for none");
            }
            Utf8.requireWellFormed(label, "a custom type label");
        }
        return Objects.equals(label, customType) ? this : new HeaderValue(type, value, label);
    }

    // ------------------------------------------------------------------ the Kafka header form

    /** The bytes of this value as a Kafka header value: UTF-8 text, raw binary, or null. */
    public byte[] toHeaderBytes() {
        return switch (type) {
            case NULL -> null;
            case BINARY -> ((byte[]) value).clone();
            default -> Utf8.encode(text(), "a header value");
        };
    }

    /**
     * Reads a value of {@code type} from the bytes {@link #toHeaderBytes()} wrote.
     *
     * @throws IllegalArgumentException when the bytes are not a value of that type
     */
    public static HeaderValue fromHeaderBytes(ValueType type, byte[] bytes) {
        if (bytes == null) {
            return NULL;
        }
        if (type == ValueType.BINARY) {
            return ofBinary(bytes);
        }
        String text = Utf8.decode(bytes, "a " + type.token() + " header value");
        try {
            return parse(type, text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a " + type.token() + ": " + text);
        }
    }

    private static HeaderValue parse(ValueType type, String text) {
        return switch (type) {
            case NULL -> throw new IllegalArgumentException("a null value has no bytes");
            case STRING -> ofString(text);
            case BOOLEAN -> switch (text) {
                case "true" -> TRUE;
                case "false" -> FALSE;
                default -> throw new IllegalArgumentException("not a boolean: " + text);
            };
            case BYTE -> ofByte((byte) inRange(Long.parseLong(text), Byte.MIN_VALUE, Byte.MAX_VALUE, type));
            case SHORT -> ofShort((short) inRange(Long.parseLong(text), Short.MIN_VALUE, Short.MAX_VALUE, type));
            case INT -> ofInt(Integer.parseInt(text));
            case LONG -> ofLong(Long.parseLong(text));
            case UBYTE -> ofUbyte((int) inRange(Long.parseLong(text), 0, 0xFF, type));
            case USHORT -> ofUshort((int) inRange(Long.parseLong(text), 0, 0xFFFF, type));
            case UINT -> ofUint(Long.parseLong(text));
            case ULONG -> ofUlong(Long.parseUnsignedLong(text));
            case FLOAT -> ofFloat(Float.parseFloat(text));
            case DOUBLE -> ofDouble(Double.parseDouble(text));
            case DECIMAL -> ofDecimal(text);
            case CHAR -> {
                if (text.isEmpty() || text.codePointCount(0, text.length()) != 1) {
                    throw new IllegalArgumentException("not one character: " + text);
                }
                yield ofChar(text.codePointAt(0));
            }
            case SYMBOL -> ofSymbol(text);
            case UUID -> ofUuid(java.util.UUID.fromString(text));
            case TIMESTAMP -> ofTimestamp(Long.parseLong(text));
            case BINARY -> throw new IllegalStateException("binary has no text form");
        };
    }

    // ------------------------------------------------------------------ accessors

    public ValueType type() {
        return type;
    }

    /** The custom type label, as {@code float} of SQS's {@code Number.float}. */
    public Optional<String> customType() {
        return Optional.ofNullable(customType);
    }

    public boolean isNull() {
        return type == ValueType.NULL;
    }

    /**
     * The value's canonical text: what a Kafka consumer reads in the header and what SQS shows
     * as a StringValue.
     *
     * @throws IllegalStateException for binary and null values, which have no text
     */
    public String text() {
        return switch (type) {
            case NULL, BINARY -> throw new IllegalStateException("a " + type.token() + " value has no text");
            case STRING, SYMBOL, DECIMAL -> (String) value;
            case ULONG -> Long.toUnsignedString((Long) value);
            case CHAR -> Character.toString((Integer) value);
            default -> value.toString();
        };
    }

    /** The text of a string or symbol. */
    public String asString() {
        require(type == ValueType.STRING || type == ValueType.SYMBOL, "a string");
        return (String) value;
    }

    public boolean asBoolean() {
        require(type == ValueType.BOOLEAN, "a boolean");
        return (Boolean) value;
    }

    /** Any integer type or a timestamp as a long; a ulong gives its 64 bits. */
    public long asLong() {
        require(type.isInteger() || type == ValueType.TIMESTAMP, "an integer");
        return (Long) value;
    }

    /**
     * Any integer type that fits an int.
     *
     * @throws IllegalStateException when the value does not fit
     */
    public int asInt() {
        long v = asLong();
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE || type == ValueType.ULONG && v < 0) {
            throw new IllegalStateException(text() + " does not fit an int");
        }
        return (int) v;
    }

    /** Any integer type as an exact number (a ulong unsigned). */
    public BigInteger asBigInteger() {
        long v = asLong();
        return type == ValueType.ULONG ? new BigInteger(Long.toUnsignedString(v)) : BigInteger.valueOf(v);
    }

    public float asFloat() {
        require(type == ValueType.FLOAT, "a float");
        return (Float) value;
    }

    /** A float or a double, as a double (a float widens exactly). */
    public double asDouble() {
        require(type.isFloatingPoint(), "a float or double");
        return ((Number) value).doubleValue();
    }

    public BigDecimal asDecimal() {
        require(type == ValueType.DECIMAL, "a decimal");
        return new BigDecimal((String) value);
    }

    /** The code point of a char. */
    public int asCodePoint() {
        require(type == ValueType.CHAR, "a char");
        return (Integer) value;
    }

    public UUID asUuid() {
        require(type == ValueType.UUID, "a uuid");
        return (UUID) value;
    }

    /** A timestamp in milliseconds since the epoch. */
    public long asTimestamp() {
        require(type == ValueType.TIMESTAMP, "a timestamp");
        return (Long) value;
    }

    /** A copy of a binary value's bytes. */
    public byte[] asBytes() {
        require(type == ValueType.BINARY, "binary");
        return ((byte[]) value).clone();
    }

    /** The length of a binary value without copying it. */
    public int binaryLength() {
        require(type == ValueType.BINARY, "binary");
        return ((byte[]) value).length;
    }

    private void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("a " + type.token() + " value is not " + what);
        }
    }

    private static long inRange(long value, long min, long max, ValueType type) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(value + " is out of range for " + type.token());
        }
        return value;
    }

    // ------------------------------------------------------------------ identity

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof HeaderValue other) || type != other.type || !Objects.equals(customType, other.customType)) {
            return false;
        }
        return type == ValueType.BINARY ? Arrays.equals((byte[]) value, (byte[]) other.value)
                : Objects.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        int valueHash = type == ValueType.BINARY ? Arrays.hashCode((byte[]) value) : Objects.hashCode(value);
        return (type.hashCode() * 31 + Objects.hashCode(customType)) * 31 + valueHash;
    }

    @Override
    public String toString() {
        String shown = switch (type) {
            case NULL -> "null";
            case BINARY -> ((byte[]) value).length + " bytes";
            default -> text();
        };
        return type.token() + (customType == null ? "" : "." + customType) + ":" + shown;
    }
}
