package dev.trilog.replication;

import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * Has this node's replica of a group learn of a commit at once when a write made through it waits
 * for it. A write completes once this node applied it ({@link GroupWriter}); the leader's answer to
 * a write this node forwarded proves the entry committed, but a follower learns of a commit only
 * from the leader's next appendEntries, and with Ratis' commit-index entries off
 * ({@link ReplicatedNode}) an idle group sends the next one only with its heartbeat — a quarter to
 * half an election timeout later (125–250 ms here). So when the answer comes before this node
 * applied the entry, the node asks its own server for a read index: the server asks the leader,
 * which sends every follower a heartbeat at once (carrying its commit index) and answers once a
 * majority heard it; the server passes the answer on once it applied that far, which the waiting
 * write is then too. Only writes made through a node that does not lead the group ask; the
 * leader answers its own once it applied them.
 *
 * <p>One read index at a time per group: a write that waits meanwhile may be beyond what the
 * one asking returns, so once it is answered the nudge asks again while some write still waits.
 * A failed ask (no leader, the node stopping) is not repeated: the write then waits for the
 * leader's next heartbeat, or fails as it would have.
 */
final class CommitNudge {

    private final Supplier<CompletableFuture<?>> readIndex;
    private final LongFunction<CompletableFuture<Void>> appliedThrough;
    /** The highest entry a write waits for; guarded by {@code this}. */
    private long wanted = -1;
    /** A read index asked and not answered yet; guarded by {@code this}. */
    private boolean asking;

    /**
     * {@code readIndex} asks this node's server of the group for a read index, completing once this
     * node applied that far; {@code appliedThrough} completes once this node applied the entry at an index.
     */
    CommitNudge(Supplier<CompletableFuture<?>> readIndex, LongFunction<CompletableFuture<Void>> appliedThrough) {
        this.readIndex = readIndex;
        this.appliedThrough = appliedThrough;
    }

    /** Completes once this node applied the committed entry at {@code index}, asking as above when it has not yet. */
    CompletableFuture<Void> appliedThrough(long index) {
        CompletableFuture<Void> applied = appliedThrough.apply(index);
        if (!applied.isDone()) {
            synchronized (this) {
                wanted = Math.max(wanted, index);
                if (asking) {
                    return applied;
                }
                asking = true;
            }
            ask();
        }
        return applied;
    }

    private void ask() {
        CompletableFuture<?> answered;
        try {
            answered = readIndex.get();
        } catch (RuntimeException e) {
            answered = CompletableFuture.failedFuture(e);
        }
        answered.whenComplete((index, failure) -> {
            synchronized (this) {
                if (failure != null || appliedThrough.apply(wanted).isDone()) {
                    asking = false;
                    return;
                }
            }
            ask(); // a write came while this one was asked, for an entry beyond what it returned
        });
    }
}
