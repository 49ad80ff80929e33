package dev.trilog.compare.measure;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A latency histogram many threads record into without locks (HdrHistogram's {@link Recorder}),
 * in microseconds from 1 µs to one hour at 3 significant digits. Values are kept only while a
 * measuring window is open, so warm-up and the drain after a run are left out.
 */
public final class LatencyRecorder {

    static final long HIGHEST_MICROS = 3_600_000_000L;

    private final Recorder recorder = new Recorder(HIGHEST_MICROS, 3);
    private final Histogram total = new Histogram(HIGHEST_MICROS, 3);
    private volatile boolean open;

    /** Records one latency in nanoseconds if the window is open. Values are clamped to 1 µs .. 1 h. */
    public void recordNanos(long nanos) {
        if (!open) {
            return;
        }
        long micros = Math.max(1, Math.min(HIGHEST_MICROS, nanos / 1000));
        recorder.recordValue(micros);
    }

    /** Starts a window: whatever was recorded before is dropped. */
    public synchronized void open() {
        recorder.getIntervalHistogram();
        total.reset();
        open = true;
    }

    /** Ends the window. */
    public synchronized void close() {
        open = false;
        total.add(recorder.getIntervalHistogram());
    }

    /** Everything recorded in the window so far (callable while it is open, e.g. for progress). */
    public synchronized Histogram snapshot() {
        total.add(recorder.getIntervalHistogram());
        return total.copy();
    }

    /** Merges histograms (e.g. of several readers) into one; the inputs are unchanged. */
    public static Histogram merge(Iterable<Histogram> parts) {
        Histogram merged = new Histogram(HIGHEST_MICROS, 3);
        for (Histogram part : parts) {
            merged.add(part);
        }
        return merged;
    }
}
