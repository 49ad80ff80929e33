package dev.trilog.log.record;

import java.util.List;

/** A record to be written: what a producer gives, before the log assigns it an offset. */
public record RecordData(long timestamp, byte[] key, byte[] value, List<LogRecord.Header> headers) {

    public RecordData {
        headers = List.copyOf(headers);
    }

    public static RecordData of(long timestamp, byte[] key, byte[] value) {
        return new RecordData(timestamp, key, value, List.of());
    }
}
