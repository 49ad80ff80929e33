package dev.trilog.replication;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * How far one group's state machine has applied its log on this node, and who waits for an
 * entry to be applied (a writer on this node reads its own write only once it is). Each of the
 * node's groups has its own: the metadata group's and every partition group's logs are indexed
 * independently.
 */
final class AppliedProgress {

    /** The last entry applied here (advanced in log order, on the group's apply thread). */
    private volatile long last = -1;
    private final ConcurrentSkipListMap<Long, CompletableFuture<Void>> waiters = new ConcurrentSkipListMap<>();

    long last() {
        return last;
    }

    /** Entry {@code index} and every one before it are applied: whoever waits for them goes on. */
    void applied(long index) {
        last = index;
        var due = waiters.headMap(index, true);
        due.values().forEach(waiter -> waiter.complete(null));
        due.clear();
    }

    /** Completes once the entry at {@code index} is applied on this node. */
    CompletableFuture<Void> through(long index) {
        if (last >= index) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> waiter = waiters.computeIfAbsent(index, i -> new CompletableFuture<>());
        if (last >= index) { // applied between the check and the registration
            waiters.remove(index);
            waiter.complete(null);
        }
        return waiter;
    }
}
