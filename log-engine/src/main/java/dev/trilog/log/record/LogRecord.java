package dev.trilog.log.record;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * One record decoded from the log, for consumers that need records rather than bytes
 * (queues, compaction, offset-by-time). Key and value are read-only views or null.
 */
public record LogRecord(long offset, long timestamp, ByteBuffer key, ByteBuffer value, List<Header> headers) {

    /** A record header: a string key and a byte value that may be null. */
    public record Header(String key, byte[] value) {
    }

    public LogRecord {
        headers = List.copyOf(headers);
    }

    public boolean tombstone() {
        return value == null;
    }
}
