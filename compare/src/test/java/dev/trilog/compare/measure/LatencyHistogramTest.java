package dev.trilog.compare.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void mergingHistogramsGivesThePercentilesOfAllValues() {
        Histogram a = new Histogram(LatencyRecorder.HIGHEST_MICROS, 3);
        Histogram b = new Histogram(LatencyRecorder.HIGHEST_MICROS, 3);
        for (int i = 1; i <= 900; i++) {
            a.recordValue(1000); // 1 ms
        }
        for (int i = 1; i <= 100; i++) {
            b.recordValue(50_000); // 50 ms
        }
        Histogram merged = LatencyRecorder.merge(List.of(a, b));
        LatencySummary s = LatencySummary.of(merged);
        assertThat(s.count()).isEqualTo(1000);
        assertThat(s.p50()).isCloseTo(1.0, within(0.01));
        assertThat(s.p90()).isCloseTo(1.0, within(0.01));
        assertThat(s.p99()).isCloseTo(50.0, within(0.1));
        assertThat(s.max()).isCloseTo(50.0, within(0.1));
        assertThat(s.mean()).isCloseTo(5.9, within(0.05));
        // the inputs are left as they were
        assertThat(a.getTotalCount()).isEqualTo(900);
        assertThat(b.getTotalCount()).isEqualTo(100);
    }

    @Test
    void recordersFromManyThreadsMergeWithoutLosingValues() throws InterruptedException {
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.open();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    recorder.recordNanos(2_000_000); // 2 ms
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        recorder.close();
        Histogram all = recorder.snapshot();
        assertThat(all.getTotalCount()).isEqualTo(40_000);
        assertThat(LatencySummary.of(all).p999()).isCloseTo(2.0, within(0.01));
    }

    @Test
    void onlyTheOpenWindowIsKept() {
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.recordNanos(5_000_000); // before any window: warm-up
        recorder.open();
        recorder.recordNanos(1_000_000);
        assertThat(recorder.snapshot().getTotalCount()).isEqualTo(1);
        recorder.recordNanos(3_000_000);
        recorder.close();
        recorder.recordNanos(9_000_000); // after the window: drain
        Histogram window = recorder.snapshot();
        assertThat(window.getTotalCount()).isEqualTo(2);
        assertThat(window.getMaxValue()).isBetween(2990L, 3010L);
    }

    @Test
    void valuesAreClampedIntoTheTrackableRange() {
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.open();
        recorder.recordNanos(-5);
        recorder.recordNanos(Long.MAX_VALUE);
        recorder.close();
        Histogram h = recorder.snapshot();
        assertThat(h.getTotalCount()).isEqualTo(2);
        assertThat(h.getMinValue()).isEqualTo(1);
    }

    @Test
    void anEmptyHistogramSummarisesToZeroes() {
        LatencySummary s = LatencySummary.of(new Histogram(3));
        assertThat(s.count()).isZero();
        assertThat(s.curve()).isEmpty();
    }

    @Test
    void theCurveRunsFromTheMinimumToTheMaximum() {
        Histogram h = new Histogram(LatencyRecorder.HIGHEST_MICROS, 3);
        for (int i = 1; i <= 10_000; i++) {
            h.recordValue(i);
        }
        List<double[]> curve = LatencySummary.of(h).curve();
        assertThat(curve).hasSize(LatencySummary.CURVE_PERCENTILES.length);
        for (int i = 1; i < curve.size(); i++) {
            assertThat(curve.get(i)[1]).isGreaterThanOrEqualTo(curve.get(i - 1)[1]);
        }
        assertThat(curve.get(curve.size() - 1)[1]).isCloseTo(10.0, within(0.01));
    }
}
