package dev.trilog.log.partition;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.log.Batches;
import dev.trilog.log.LogConfig;
import dev.trilog.log.record.AppendRules;
import dev.trilog.log.record.PreparedAppend;
import dev.trilog.log.record.RecordFormat;
import dev.trilog.log.segment.Segment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {

    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final List<Segment> made = new ArrayList<>();

    @AfterEach
    void close() {
        made.forEach(Segment::close);
    }

    /** One segment per timestamp, each holding one batch of 3 records at that time; the last is active. */
    private LogSegments segmentsAt(long... timestamps) throws IOException {
        long next = 0;
        for (long timestamp : timestamps) {
            Segment segment = Segment.create(dir, next, 1 << 16, 4096);
            PreparedAppend prepared = RecordFormat.prepareAppend(Batches.of(3, timestamp), AppendRules.permissive(1 << 20),
                    next, timestamp);
            segment.append(prepared, timestamp);
            next = prepared.lastOffset() + 1;
            made.add(segment);
        }
        return new LogSegments(made);
    }

    private static LogConfig config(String... overrides) {
        Map<String, String> map = new java.util.HashMap<>();
        for (int i = 0; i < overrides.length; i += 2) {
            map.put(overrides[i], overrides[i + 1]);
        }
        return LogConfig.defaults().withOverrides(map);
    }

    @Test
    void timeStopsAtTheFirstSegmentStillWithinRetentionEvenIfOlderOnesFollow() throws IOException {
        LogSegments segments = segmentsAt(T0, T0 + 500, T0, T0 + 1000);

        List<Segment> expired = Retention.expired(segments, config("retention.ms", "100"), T0 + 200);

        assertThat(expired).containsExactly(made.get(0));
    }

    @Test
    void timeTakesTheActiveSegmentWhenEverythingHasExpired() throws IOException {
        LogSegments segments = segmentsAt(T0, T0 + 10);

        List<Segment> expired = Retention.expired(segments, config("retention.ms", "100"), T0 + 1000);

        assertThat(expired).containsExactly(made.get(0), made.get(1));
    }

    @Test
    void sizeCountsOnlyWhatTimeLeftAndNeverTakesTheActiveSegment() throws IOException {
        LogSegments segments = segmentsAt(T0, T0 + 500, T0 + 500, T0 + 500);
        int one = made.get(0).size();

        // time takes the first; without the second the remaining two are still 2 segments >= 2 * one
        List<Segment> expired = Retention.expired(segments,
                config("retention.ms", "100", "retention.bytes", Integer.toString(2 * one)), T0 + 200);
        List<Segment> bySizeAlone = Retention.expired(segments, config("retention.bytes", "0"), T0 + 200);

        assertThat(expired).containsExactly(made.get(0), made.get(1));
        assertThat(bySizeAlone).containsExactly(made.get(0), made.get(1), made.get(2));
    }

    @Test
    void deleteRecordsTakesOnlySegmentsWhollyBelowTheNewStart() throws IOException {
        LogSegments segments = segmentsAt(T0, T0, T0); // offsets 0-2, 3-5, 6-8

        assertThat(Retention.below(segments, 5)).containsExactly(made.get(0));
        assertThat(Retention.below(segments, 6)).containsExactly(made.get(0), made.get(1));
        assertThat(Retention.below(segments, 9)).containsExactly(made.get(0), made.get(1));
    }
}
