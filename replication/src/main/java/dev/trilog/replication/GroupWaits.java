package dev.trilog.replication;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The writes this node is waiting on its Raft group for. The node's own client waits for a
 * leader for ever ({@link LeaderWait}), which a running node wants; a node stopping while it
 * cannot reach a majority does not — its start-up writes would keep the stop waiting for a
 * majority that may never come. {@link #abandon} fails every write still waiting, and every
 * later one, so whatever waits on them ends. A write given up may still commit later: the
 * writer was told it failed, as with any time-out, and nothing was acknowledged.
 */
final class GroupWaits {

    private final Set<CompletableFuture<?>> waiting = ConcurrentHashMap.newKeySet();
    private volatile IOException abandoned;

    /** {@code write}, failed at once if the waits were abandoned, or as soon as they are. */
    <T> CompletableFuture<T> track(CompletableFuture<T> write) {
        waiting.add(write);
        write.whenComplete((result, failure) -> waiting.remove(write));
        IOException reason = abandoned;
        if (reason != null) { // read after the add: an abandon that ran before the add is seen here
            write.completeExceptionally(reason);
        }
        return write;
    }

    /** Fails every write waiting now, and every later one, with an {@link IOException} saying {@code why}. */
    void abandon(String why) {
        IOException reason = new IOException(why);
        abandoned = reason;
        waiting.forEach(write -> write.completeExceptionally(reason));
    }
}
