package dev.trilog.log.share;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Where share cursors keep their durable state: one snapshot per cursor, written with group
 * commit (every cursor whose state changed since the last write goes into the next write, as
 * one batch). Implemented by the engine over an internal compacted log.
 */
public interface StateJournal {

    /** The last snapshot written under {@code key}, or null. */
    byte[] load(String key);

    /**
     * Asks for {@code key}'s snapshot to be written; {@code snapshot} is called at write time, so
     * one write carries every change made until then. Completes once the write is durable; fails
     * when {@code snapshot} gives null there (its cursor was retired) and nothing is written. A
     * quick write may be made on the caller's thread, the future then complete on return, so a
     * caller that holds its cursor's lock may see {@code snapshot} called on its own thread.
     */
    CompletableFuture<Void> write(String key, Supplier<byte[]> snapshot);

    /** Forgets {@code key} (the cursor was deleted). */
    void remove(String key);

    /**
     * A scope on the calling thread whose writes go to the journal together when it closes (one
     * write for a request's several changes). Nothing inside may wait for one of its writes.
     * By default every write goes at once.
     */
    default Batch batch() {
        return () -> { };
    }

    /** An open {@link #batch} scope; closing it hands its writes over. */
    interface Batch extends AutoCloseable {
        @Override
        void close();
    }
}
