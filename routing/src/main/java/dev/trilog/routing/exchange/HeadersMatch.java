package dev.trilog.routing.exchange;

import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The condition of one headers-exchange binding, read from its arguments as RabbitMQ reads
 * them ({@code rabbit_exchange_type_headers}):
 *
 * <ul>
 *   <li>{@code x-match} is {@code all} (the default when absent), {@code any}, {@code all-with-x}
 *       or {@code any-with-x}; any other value, or a value that is not a string, is refused.</li>
 *   <li>{@code x-match} itself is never a condition. With {@code all}/{@code any}, every other
 *       argument starting with {@code x-} is ignored too; the {@code -with-x} forms keep them.</li>
 *   <li>An argument with a null (AMQP void) value matches when the header is present, whatever
 *       its value; otherwise the header must be present with an {@linkplain HeaderEquality equal}
 *       value.</li>
 *   <li>{@code all}: every condition holds (so a binding with none matches every message);
 *       {@code any}: at least one holds (so one with none matches nothing).</li>
 * </ul>
 */
final class HeadersMatch {

    static final String X_MATCH = "x-match";

    private final boolean all;
    private final String[] names;
    private final HeaderValue[] values;

    private HeadersMatch(boolean all, List<Map.Entry<String, HeaderValue>> conditions) {
        this.all = all;
        this.names = conditions.stream().map(Map.Entry::getKey).toArray(String[]::new);
        this.values = conditions.stream().map(Map.Entry::getValue).toArray(HeaderValue[]::new);
    }

    /**
     * The condition {@code arguments} state.
     *
     * @throws IllegalArgumentException for an {@code x-match} that is not one of the four strings
     */
    static HeadersMatch of(Map<String, HeaderValue> arguments) {
        HeaderValue xMatch = arguments.get(X_MATCH);
        String mode = "all";
        if (xMatch != null) {
            if (xMatch.type() != ValueType.STRING && xMatch.type() != ValueType.SYMBOL) {
                throw new IllegalArgumentException("invalid x-match field type " + xMatch.type().token()
                        + "; expected a string");
            }
            mode = xMatch.asString();
        }
        boolean all;
        boolean withX;
        switch (mode) {
            case "all" -> {
                all = true;
                withX = false;
            }
            case "any" -> {
                all = false;
                withX = false;
            }
            case "all-with-x" -> {
                all = true;
                withX = true;
            }
            case "any-with-x" -> {
                all = false;
                withX = true;
            }
            default -> throw new IllegalArgumentException("invalid x-match field value '" + mode
                    + "'; expected all, any, all-with-x, or any-with-x");
        }
        List<Map.Entry<String, HeaderValue>> conditions = new ArrayList<>();
        for (Map.Entry<String, HeaderValue> argument : arguments.entrySet()) {
            String name = argument.getKey();
            if (!name.equals(X_MATCH) && (withX || !name.startsWith("x-"))) {
                conditions.add(argument);
            }
        }
        return new HeadersMatch(all, conditions);
    }

    boolean matches(Map<String, HeaderValue> headers) {
        for (int i = 0; i < names.length; i++) {
            HeaderValue header = headers.get(names[i]);
            boolean holds = header != null && (values[i].isNull() || HeaderEquality.equal(values[i], header));
            if (holds != all) {
                // all: one failure decides; any: one success decides
                return holds;
            }
        }
        return all;
    }
}
