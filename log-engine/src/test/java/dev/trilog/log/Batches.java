package dev.trilog.log;

import dev.trilog.log.record.LogRecord;
import dev.trilog.log.record.RecordData;
import dev.trilog.log.record.RecordFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds producer-style batches for tests. */
public final class Batches {
    private Batches() {
    }

    /** One uncompressed batch of {@code count} records "k<i>" → "v<i>", all at {@code timestamp}. */
    public static ByteBuffer of(int count, long timestamp) {
        return of(count, timestamp, 0);
    }

    public static ByteBuffer of(int count, long timestamp, int firstIndex) {
        List<RecordData> records = new ArrayList<>();
        for (int i = firstIndex; i < firstIndex + count; i++) {
            records.add(RecordData.of(timestamp, bytes("k" + i), bytes("v" + i)));
        }
        return RecordFormat.build(0, "none", records);
    }

    public static ByteBuffer keyed(long timestamp, String key, String value) {
        return RecordFormat.build(0, "none", List.of(RecordData.of(timestamp, bytes(key),
                value == null ? null : bytes(value))));
    }

    public static ByteBuffer withValueSize(int valueBytes, long timestamp) {
        return RecordFormat.build(0, "none", List.of(RecordData.of(timestamp, null, new byte[valueBytes])));
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static String text(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer copy = buffer.duplicate();
        byte[] b = new byte[copy.remaining()];
        copy.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    public static List<String> values(List<LogRecord> records) {
        return records.stream().map(r -> text(r.value())).toList();
    }
}
