package dev.trilog.routing.message;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The types a header value can have: the union of the simple types of AMQP 1.0
 * application-properties, the common field-table types of AMQP 0-9-1 and the three SQS
 * attribute types. Each has a token, the name it is written under in the {@code trilog.types}
 * header ({@link TypeDescriptor}).
 *
 * <p>SQS {@code String}, {@code Number} and {@code Binary} are {@link #STRING}, {@link #DECIMAL}
 * and {@link #BINARY}; AMQP 1.0's decimal32/64/128 are all {@link #DECIMAL}; AMQP 0-9-1
 * timestamps (seconds) and AMQP 1.0 timestamps (milliseconds) are both {@link #TIMESTAMP} in
 * milliseconds.
 */
public enum ValueType {
    /** AMQP 0-9-1 void, AMQP 1.0 null; a Kafka header with a null value. */
    NULL("null"),
    STRING("string"),
    BOOLEAN("boolean"),
    BYTE("byte"),
    SHORT("short"),
    INT("int"),
    LONG("long"),
    UBYTE("ubyte"),
    USHORT("ushort"),
    UINT("uint"),
    /** Held as the 64 bits of a {@code long}; its text is the unsigned decimal. */
    ULONG("ulong"),
    FLOAT("float"),
    DOUBLE("double"),
    /** An exact decimal number kept as the text it was given (SQS keeps a Number's text). */
    DECIMAL("decimal"),
    /** AMQP 1.0 char: one Unicode code point. */
    CHAR("char"),
    /** AMQP 1.0 symbol: an ASCII name. */
    SYMBOL("symbol"),
    UUID("uuid"),
    /** Milliseconds since the epoch. */
    TIMESTAMP("timestamp"),
    BINARY("binary");

    private static final Map<String, ValueType> BY_TOKEN = byToken();

    private final String token;

    ValueType(String token) {
        this.token = token;
    }

    /** The name in the {@code trilog.types} header. */
    public String token() {
        return token;
    }

    /** The type written under {@code token}, or empty for a token of a newer version. */
    public static Optional<ValueType> forToken(String token) {
        return Optional.ofNullable(BY_TOKEN.get(token));
    }

    private static Map<String, ValueType> byToken() {
        Map<String, ValueType> map = new HashMap<>();
        for (ValueType type : values()) {
            map.put(type.token, type);
        }
        return Map.copyOf(map);
    }

    /** True for the signed and unsigned integer types (not timestamps). */
    public boolean isInteger() {
        return switch (this) {
            case BYTE, SHORT, INT, LONG, UBYTE, USHORT, UINT, ULONG -> true;
            default -> false;
        };
    }

    public boolean isFloatingPoint() {
        return this == FLOAT || this == DOUBLE;
    }
}
