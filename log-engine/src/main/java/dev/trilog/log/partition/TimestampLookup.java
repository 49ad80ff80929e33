package dev.trilog.log.partition;

import dev.trilog.log.TimestampedOffset;
import dev.trilog.log.record.BatchHeader;
import dev.trilog.log.record.LogRecord;
import dev.trilog.log.record.RecordFormat;
import dev.trilog.log.segment.Segment;
import java.io.IOException;
import java.util.Optional;

/**
 * ListOffsets by time across a partition's segments. A segment whose largest timestamp is below
 * the target is skipped whole; in the others the {@link dev.trilog.log.segment.TimeIndex} names
 * the batch to scan from, and only batches whose largest timestamp reaches the target are read.
 * Takes no lock: each segment is retained while it is read.
 */
public final class TimestampLookup {

    private TimestampLookup() {
    }

    /**
     * ListOffsets "by time": the first record at or after {@code logStartOffset} with a timestamp
     * at or after {@code timestamp}.
     */
    public static Optional<TimestampedOffset> firstAtOrAfter(LogSegments segments, long logStartOffset, long timestamp)
            throws IOException {
        long start = logStartOffset;
        for (Segment segment : segments.all()) {
            if (segment.maxTimestamp() < timestamp || segment.nextOffset() <= start || !segment.tryRetain()) {
                continue;
            }
            try {
                Segment.BatchPosition found = segment.find(Math.max(segment.timeIndexStart(timestamp), start),
                        segment.size());
                if (found == null) {
                    continue;
                }
                // the index names a batch's last offset; its earlier records may match too
                long from = Math.max(found.header().baseOffset(), start);
                int position = found.position();
                while (position + BatchHeader.SIZE <= segment.size()) {
                    BatchHeader header = segment.headerAt(position);
                    if (!header.control() && header.maxTimestamp() >= timestamp) {
                        LogRecord record = RecordFormat.firstAtOrAfter(segment.read(position, header.sizeInBytes()),
                                from, timestamp);
                        if (record != null) {
                            return Optional.of(new TimestampedOffset(record.offset(), record.timestamp()));
                        }
                    }
                    position += header.sizeInBytes();
                }
            } finally {
                segment.release();
            }
        }
        return Optional.empty();
    }

    /** ListOffsets MAX_TIMESTAMP: the record with the largest timestamp (the earliest such record). */
    public static Optional<TimestampedOffset> maxTimestamp(LogSegments segments) throws IOException {
        Segment best = null;
        for (Segment segment : segments.all()) {
            if (segment.maxTimestamp() != RecordFormat.NO_TIMESTAMP
                    && (best == null || segment.maxTimestamp() > best.maxTimestamp())) {
                best = segment;
            }
        }
        if (best == null || !best.tryRetain()) {
            return Optional.empty();
        }
        try {
            Segment.BatchPosition found = best.find(best.offsetOfMaxTimestamp(), best.size());
            if (found == null) {
                return Optional.empty();
            }
            LogRecord record = RecordFormat.maxTimestampRecord(best.read(found.position(),
                    found.header().sizeInBytes()));
            return record == null ? Optional.empty()
                    : Optional.of(new TimestampedOffset(record.offset(), record.timestamp()));
        } finally {
            best.release();
        }
    }
}
