package dev.trilog.log.producer;

import java.util.concurrent.CompletableFuture;

/**
 * Producer ids of a cluster node, from blocks the cluster hands out (Kafka's KIP-730,
 * AllocateProducerIds): each block is granted once, by a counter every node keeps alike, so no
 * two nodes — and no node before and after its data directory was lost — hand out the same id.
 * The next block is asked for while a tenth of the current one is left, so producers wait for a
 * grant only when ids are taken faster than a grant comes.
 */
public final class ProducerIdBlocks {

    /** How many ids a grant holds. */
    public static final int BLOCK = 1000;
    private static final int ASK_AHEAD_AT = BLOCK / 10;

    /** Where blocks come from: the first id of a fresh block of {@code size}, none of them granted before. */
    @FunctionalInterface
    public interface Grants {
        CompletableFuture<Long> grant(int size);
    }

    private final Grants grants;
    private long next;
    private long end;
    /** A block granted while the current one still had ids; -1: none. */
    private long spare = -1;
    /** The last grant asked for, completing once it is {@link #spare}; null: none yet. */
    private CompletableFuture<Void> coming;

    public ProducerIdBlocks(Grants grants) {
        this.grants = grants;
    }

    /** The next id of this node's block, once there is one; a grant that failed fails it (the next call asks again). */
    public CompletableFuture<Long> allocate() {
        CompletableFuture<Void> arrival;
        synchronized (this) {
            if (next >= end && spare >= 0) {
                next = spare;
                end = spare + BLOCK;
                spare = -1;
            }
            if (next < end) {
                long id = next++;
                if (end - next <= ASK_AHEAD_AT && spare < 0) {
                    ask();
                }
                return CompletableFuture.completedFuture(id);
            }
            arrival = ask();
        }
        return arrival.thenCompose(granted -> allocate());
    }

    /** The grant on its way, asked for now unless one is (one that came, or failed, is no longer on its way). */
    private CompletableFuture<Void> ask() {
        if (coming == null || coming.isDone()) {
            CompletableFuture<Long> granted;
            try {
                granted = grants.grant(BLOCK);
            } catch (RuntimeException e) {
                granted = CompletableFuture.failedFuture(e);
            }
            coming = granted.thenAccept(first -> {
                synchronized (this) {
                    spare = first;
                }
            });
        }
        return coming;
    }
}
