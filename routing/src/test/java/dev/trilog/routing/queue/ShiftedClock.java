package dev.trilog.routing.queue;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** Wall-clock time plus a shift a test moves forward: delays and expiry without sleeping. */
final class ShiftedClock implements InstantSource {

    private final AtomicLong shift = new AtomicLong();

    void advance(long ms) {
        shift.addAndGet(ms);
    }

    @Override
    public long millis() {
        return System.currentTimeMillis() + shift.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }
}
