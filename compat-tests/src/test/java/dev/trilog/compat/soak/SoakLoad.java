package dev.trilog.compat.soak;

import java.time.Duration;

/**
 * One protocol's clients under the crash loop: they write and read through every kill and
 * restart of the broker, and record what the broker promised (acknowledged, confirmed, deleted,
 * committed) so that {@link #finish} can check it was kept.
 */
interface SoakLoad extends AutoCloseable {

    /** Starts the clients' threads; they run until {@link #finish}. */
    void start() throws Exception;

    /** The broker is dead: note what it had promised, for {@link #restarted} to check. */
    default void killed() {
    }

    /** The broker is back: check that what it promised before the kill survived it. */
    default void restarted() throws Exception {
    }

    /**
     * Stops writing, then reads on until every acknowledged message has been read or
     * {@code patience} has passed, and records what is missing or came back.
     */
    void finish(Duration patience) throws Exception;

    SoakTally tally();
}
