package dev.trilog.amqp.v091;

import dev.trilog.amqp.v091.codec.ReplyCode;
import dev.trilog.routing.stream.OffsetSpec;
import java.util.Date;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code x-stream-offset} argument of {@code basic.consume}, as RabbitMQ reads it:
 * {@code first}, {@code last}, {@code next} (the default), a number (an offset), a timestamp
 * ({@code T}, the first record at or after it) or an interval such as {@code 10m} (records of
 * the last ten minutes; units {@code Y M D h m s}).
 */
final class StreamOffsets {

    static final String ARGUMENT = "x-stream-offset";

    private static final Pattern INTERVAL = Pattern.compile("(\\d+)([YMDhms])");

    private StreamOffsets() {
    }

    static OffsetSpec parse(Object value, long nowMs) throws AmqpException {
        if (value == null) {
            return OffsetSpec.NEXT;
        }
        if (value instanceof Number n && !(value instanceof Float || value instanceof Double)) {
            if (n.longValue() < 0) {
                throw invalid(value);
            }
            return OffsetSpec.offset(n.longValue());
        }
        if (value instanceof Date d) {
            return OffsetSpec.timestamp(d.getTime());
        }
        String text = value.toString();
        switch (text) {
            case "first":
                return OffsetSpec.FIRST;
            case "last":
                return OffsetSpec.LAST;
            case "next":
                return OffsetSpec.NEXT;
            default:
                break;
        }
        Matcher m = INTERVAL.matcher(text);
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            long unitMs = switch (m.group(2)) {
                case "Y" -> 365L * 86_400_000L;
                case "M" -> 30L * 86_400_000L;
                case "D" -> 86_400_000L;
                case "h" -> 3_600_000L;
                case "m" -> 60_000L;
                default -> 1_000L;
            };
            return OffsetSpec.timestamp(nowMs - amount * unitMs);
        }
        throw invalid(value);
    }

    private static AmqpException invalid(Object value) {
        return AmqpException.of(ReplyCode.PRECONDITION_FAILED, "invalid arg 'x-stream-offset': " + value);
    }
}
