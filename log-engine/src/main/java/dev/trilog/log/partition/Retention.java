package dev.trilog.log.partition;

import dev.trilog.log.LogConfig;
import dev.trilog.log.segment.Segment;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which segments leave a partition's log from the front, by Kafka's rules: whole segments only,
 * oldest first, so the log start offset only moves forward. The partition removes what this
 * names, under its write lock, and moves its log start offset.
 *
 * <ul>
 *   <li>Time ({@code retention.ms}, {@code cleanup.policy=delete}): every segment from the oldest
 *       on whose newest record is older than retention.ms, stopping at the first that is not (or
 *       is empty). The active segment is among them when it has expired as a whole; the
 *       partition rolls it before removing it.</li>
 *   <li>Size ({@code retention.bytes}): then the oldest remaining segments, as long as the log
 *       without each is still at least retention.bytes; never the active segment.</li>
 *   <li>DeleteRecords: the segments wholly below the new log start offset; never the active
 *       segment.</li>
 * </ul>
 */
public final class Retention {

    private Retention() {
    }

    /** The segments retention.ms and then retention.bytes remove at {@code now}, oldest first. */
    public static List<Segment> expired(LogSegments segments, LogConfig config, long now) throws IOException {
        List<Segment> all = new ArrayList<>(segments.all());
        Segment active = segments.active();
        List<Segment> expired = new ArrayList<>();
        if (config.retentionMs() >= 0) {
            for (Segment segment : all) {
                if (segment.isEmpty() || now - segment.largestTimestamp() <= config.retentionMs()) {
                    break;
                }
                expired.add(segment);
            }
        }
        if (config.retentionBytes() >= 0) {
            List<Segment> remaining = all.subList(expired.size(), all.size());
            long excess = -config.retentionBytes();
            for (Segment segment : remaining) {
                excess += segment.size();
            }
            for (Segment segment : remaining) {
                if (segment == active || excess < segment.size()) {
                    break;
                }
                excess -= segment.size();
                expired.add(segment);
            }
        }
        return expired;
    }

    /** DeleteRecords to {@code logStartOffset}: the segments wholly below it, oldest first, never the active one. */
    public static List<Segment> below(LogSegments segments, long logStartOffset) {
        List<Segment> below = new ArrayList<>();
        Segment active = segments.active();
        for (Segment segment : segments.all()) {
            long next = segments.nextBaseOffset(segment.baseOffset());
            if (segment == active || next < 0 || next > logStartOffset) {
                break;
            }
            below.add(segment);
        }
        return below;
    }
}
