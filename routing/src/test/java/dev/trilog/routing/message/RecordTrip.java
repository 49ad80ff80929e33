package dev.trilog.routing.message;

import dev.trilog.log.record.LogRecord;
import dev.trilog.log.record.RecordData;
import dev.trilog.log.record.RecordFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Takes messages and records through a real Kafka v2 batch, as the log stores them. */
final class RecordTrip {

    private RecordTrip() {
    }

    /** Message → RecordData → batch bytes → LogRecord → Message. */
    static Message roundTrip(Message message) {
        return MessageMapping.fromRecord(throughBatch(MessageMapping.toRecord(message), "none"));
    }

    static LogRecord throughBatch(RecordData record, String compression) {
        ByteBuffer batch = RecordFormat.build(0, compression, List.of(record));
        List<LogRecord> records = RecordFormat.decode(batch, 0);
        if (records.size() != 1) {
            throw new AssertionError("one record in, " + records.size() + " out");
        }
        return records.get(0);
    }

    /** The record's header of that name (the last one), as UTF-8 text; null when absent. */
    static String headerText(LogRecord record, String name) {
        String text = null;
        for (LogRecord.Header h : record.headers()) {
            if (h.key().equals(name)) {
                text = h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
            }
        }
        return text;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
