package dev.trilog.log;

/** The answer to a lookup by time: a record's offset and its timestamp. */
public record TimestampedOffset(long offset, long timestamp) {
}
