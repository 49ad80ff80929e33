package dev.trilog.routing.stream;

import java.util.Objects;

/**
 * Where a stream subscription starts, per partition, as RabbitMQ's {@code x-stream-offset} says:
 * the first record kept, the last one written, the next one to be written, an offset, or the
 * first record at or after a time.
 *
 * @param kind  which of the five
 * @param value the offset ({@link Kind#OFFSET}) or epoch milliseconds ({@link Kind#TIMESTAMP}); 0 otherwise
 */
public record OffsetSpec(Kind kind, long value) {

    public enum Kind {
        /** The log start: everything still kept. */
        FIRST,
        /** The last record written (the next one when there is none). */
        LAST,
        /** Only what is written from now on. */
        NEXT,
        /** This offset, clamped to what the log holds. */
        OFFSET,
        /** The first record with a timestamp at or after this time (the next one when none is). */
        TIMESTAMP
    }

    public static final OffsetSpec FIRST = new OffsetSpec(Kind.FIRST, 0);
    public static final OffsetSpec LAST = new OffsetSpec(Kind.LAST, 0);
    public static final OffsetSpec NEXT = new OffsetSpec(Kind.NEXT, 0);

    public OffsetSpec {
        Objects.requireNonNull(kind, "kind");
    }

    public static OffsetSpec offset(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("a stream offset is not negative: " + offset);
        }
        return new OffsetSpec(Kind.OFFSET, offset);
    }

    public static OffsetSpec timestamp(long epochMillis) {
        return new OffsetSpec(Kind.TIMESTAMP, epochMillis);
    }
}
