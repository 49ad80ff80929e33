package dev.trilog.replication;

import dev.trilog.log.AppendResult;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * The cluster's producer-id counter (Kafka's KIP-730): every replica of the metadata group
 * applies the same {@link LogCommand.AllocateProducerIds} in the same order, so each grants the
 * same block, and the node that asked takes the leader's answer. Kept in the applied state
 * beside the queues' epoch ({@link EngineStateMachine}), so it is as durable as the applied index
 * and travels in every snapshot: a node that installs one goes on from the counter there, and a
 * wiped node that replays the log from its start counts the same grants again.
 */
final class ProducerIdCounter {

    /**
     * Where the counter starts in state that has none: a new cluster, or one an earlier build
     * wrote. That build had each node hand out {@code n * 16 + node}, n from blocks the node
     * reserved on its own and told no other, so no node knows how far the others got — nor does
     * the replicated state (a producer that got its id and has not written yet is in no
     * partition's producer state). The counter therefore starts far above what those blocks
     * reach in practice — 2^40 is 68 billion InitProducerIds of one node — and a node's own
     * earlier blocks, which it does know, raise it further should they reach higher
     * ({@link LogCommand.AllocateProducerIds#floor}). Kafka's producer ids are 63-bit: plenty left.
     */
    static final long FIRST = 1L << 40;

    /** Read by other threads ({@link EngineStateMachine#nextProducerId}); written on Ratis' apply thread. */
    private volatile long next = FIRST;

    /** Grants the block, answered as an append's result whose first offset is the block's first id. */
    byte[] grant(LogCommand.AllocateProducerIds command) {
        long first = Math.max(next, command.floor());
        next = first + command.size();
        return LogCommand.encodeResult(new AppendResult(first, next - 1, -1, -1, 0,
                CompletableFuture.completedFuture(null)));
    }

    /** The first id of the next block granted. */
    long next() {
        return next;
    }

    /** Takes the counter from the rest of an applied state ({@link #next} written there); {@link #FIRST} if it ends first. */
    void read(ByteBuffer state) {
        next = state.remaining() >= Long.BYTES ? state.getLong() : FIRST;
    }
}
