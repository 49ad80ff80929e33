package dev.trilog.testsupport;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one clock tests hand the engine ({@code EngineSettings.withClock}) so retention, expiry,
 * delays, visibility and transaction time-outs are tested without sleeping. Two kinds:
 * <ul>
 * <li>{@link #frozenAt}: stands still until {@link #advance} moves it — for logic that must see
 * exactly the times the test sets;</li>
 * <li>{@link #wallPlusShift}: wall-clock time plus what {@link #advance} added — for tests in which
 * real waiting also happens (long polls, pushes on an event loop) and only the long stretches are
 * skipped.</li>
 * </ul>
 */
public final class TestClock implements InstantSource {

    private final boolean followsWallClock;
    /** Milliseconds since the epoch when frozen; the shift added to wall time otherwise. */
    private final AtomicLong millis;

    private TestClock(boolean followsWallClock, long millis) {
        this.followsWallClock = followsWallClock;
        this.millis = new AtomicLong(millis);
    }

    /** A clock that reads {@code startMillis} until moved. */
    public static TestClock frozenAt(long startMillis) {
        return new TestClock(false, startMillis);
    }

    /** A clock that runs with the wall clock, shifted forward by every {@link #advance}. */
    public static TestClock wallPlusShift() {
        return new TestClock(true, 0);
    }

    public void advance(long deltaMillis) {
        millis.addAndGet(deltaMillis);
    }

    public void advance(Duration delta) {
        advance(delta.toMillis());
    }

    @Override
    public long millis() {
        return followsWallClock ? System.currentTimeMillis() + millis.get() : millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }
}
