package dev.trilog.routing.exchange;

import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.ValueType;
import java.math.BigDecimal;
import java.util.Arrays;

/**
 * When a header's value equals a binding argument's, as RabbitMQ compares them (Erlang's
 * {@code ==} on decoded field values):
 *
 * <ul>
 *   <li>numbers compare by value across types: {@code int 5 == long 5 == double 5.0}; decimals
 *       (which RabbitMQ keeps apart) join them here, since an SQS Number is one;</li>
 *   <li>strings, symbols and binary compare by their bytes (RabbitMQ holds all three as binaries);</li>
 *   <li>any other type equals only the same type with the same value;</li>
 *   <li>custom type labels are ignored.</li>
 * </ul>
 */
final class HeaderEquality {

    private HeaderEquality() {
    }

    static boolean equal(HeaderValue a, HeaderValue b) {
        if (isNumber(a.type()) && isNumber(b.type())) {
            return numbersEqual(a, b);
        }
        if (isBytes(a.type()) && isBytes(b.type())) {
            return Arrays.equals(a.toHeaderBytes(), b.toHeaderBytes());
        }
        return a.withCustomType(null).equals(b.withCustomType(null));
    }

    private static boolean isNumber(ValueType type) {
        return type.isInteger() || type.isFloatingPoint() || type == ValueType.DECIMAL;
    }

    private static boolean isBytes(ValueType type) {
        return type == ValueType.STRING || type == ValueType.SYMBOL || type == ValueType.BINARY;
    }

    private static boolean numbersEqual(HeaderValue a, HeaderValue b) {
        if (a.type().isInteger() && b.type().isInteger()) {
            return a.asBigInteger().equals(b.asBigInteger());
        }
        if (a.type().isFloatingPoint() && b.type().isFloatingPoint()) {
            return a.asDouble() == b.asDouble();
        }
        BigDecimal x = exact(a);
        BigDecimal y = exact(b);
        return x != null && y != null && x.compareTo(y) == 0;
    }

    /** The exact value of a number, or null for NaN and infinities, which equal no other kind. */
    private static BigDecimal exact(HeaderValue v) {
        if (v.type().isInteger()) {
            return new BigDecimal(v.asBigInteger());
        }
        if (v.type() == ValueType.DECIMAL) {
            return v.asDecimal();
        }
        double d = v.asDouble();
        return Double.isFinite(d) ? new BigDecimal(d) : null;
    }
}
