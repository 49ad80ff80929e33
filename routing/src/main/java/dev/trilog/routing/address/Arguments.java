package dev.trilog.routing.address;

import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.ValueType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Typed arguments of queues, exchanges and bindings (AMQP's {@code x-…} tables, SQS queue
 * attributes), kept generically as {@link HeaderValue}s so one stored form serves every protocol
 * and arguments this version does not interpret are kept as given.
 */
final class Arguments {

    private Arguments() {
    }

    /** An unmodifiable copy in the given order. */
    static Map<String, HeaderValue> copyOf(Map<String, HeaderValue> arguments) {
        Map<String, HeaderValue> copy = new LinkedHashMap<>();
        arguments.forEach((name, value) -> copy.put(Objects.requireNonNull(name, "argument name"),
                Objects.requireNonNull(value, "value of argument " + name)));
        return Collections.unmodifiableMap(copy);
    }

    static Optional<String> string(Map<String, HeaderValue> arguments, String name) {
        HeaderValue value = arguments.get(name);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asString());
    }

    static OptionalLong integer(Map<String, HeaderValue> arguments, String name) {
        HeaderValue value = arguments.get(name);
        return value == null || value.isNull() ? OptionalLong.empty() : OptionalLong.of(value.asLong());
    }

    static boolean bool(Map<String, HeaderValue> arguments, String name) {
        HeaderValue value = arguments.get(name);
        return value != null && !value.isNull() && value.asBoolean();
    }

    /**
     * Checks that {@code name}, when present, has a type its readers accept.
     *
     * @throws IllegalArgumentException naming the argument and what it must be
     */
    static void requireType(Map<String, HeaderValue> arguments, String name, String owner, Kind kind) {
        HeaderValue value = arguments.get(name);
        if (value == null || value.isNull()) {
            return;
        }
        ValueType type = value.type();
        boolean ok = switch (kind) {
            case STRING -> type == ValueType.STRING || type == ValueType.SYMBOL;
            case INTEGER -> type.isInteger() && value.asBigInteger().bitLength() < 64;
            case NON_NEGATIVE_INTEGER -> type.isInteger() && value.asBigInteger().signum() >= 0
                    && value.asBigInteger().bitLength() < 63;
            case POSITIVE_INTEGER -> type.isInteger() && value.asBigInteger().signum() > 0
                    && value.asBigInteger().bitLength() < 63;
            case BOOLEAN -> type == ValueType.BOOLEAN;
        };
        if (!ok) {
            throw new IllegalArgumentException("invalid argument '" + name + "' for " + owner + ": "
                    + kind.description + " expected, not " + value);
        }
    }

    enum Kind {
        STRING("a string"),
        INTEGER("an integer"),
        NON_NEGATIVE_INTEGER("an integer of at least 0"),
        POSITIVE_INTEGER("an integer of at least 1"),
        BOOLEAN("a boolean");

        private final String description;

        Kind(String description) {
            this.description = description;
        }
    }
}
