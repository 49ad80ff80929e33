package dev.trilog.compare.measure;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Percentiles of one latency histogram, in milliseconds, plus the curve the report charts.
 *
 * @param count number of values recorded
 * @param curve (percentile, milliseconds) points from p0 up to the maximum
 */
public record LatencySummary(long count, double mean, double p50, double p90, double p99, double p999,
                             double max, List<double[]> curve) {

    /** Percentiles the curve is drawn through (the "nines" a latency chart shows). */
    public static final double[] CURVE_PERCENTILES = {0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100};

    /** Reads a histogram recorded in microseconds. */
    public static LatencySummary of(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return new LatencySummary(0, 0, 0, 0, 0, 0, 0, List.of());
        }
        List<double[]> curve = new ArrayList<>();
        for (double p : CURVE_PERCENTILES) {
            curve.add(new double[] {p, ms(micros.getValueAtPercentile(p))});
        }
        return new LatencySummary(micros.getTotalCount(), round(micros.getMean() / 1000.0),
                ms(micros.getValueAtPercentile(50)), ms(micros.getValueAtPercentile(90)),
                ms(micros.getValueAtPercentile(99)), ms(micros.getValueAtPercentile(99.9)),
                ms(micros.getMaxValue()), curve);
    }

    private static double ms(long micros) {
        return round(micros / 1000.0);
    }

    private static double round(double millis) {
        return Math.round(millis * 1000.0) / 1000.0;
    }
}
