package dev.trilog.replication;

import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;

/**
 * What every group's state machine on this node shares: each committed {@link LogCommand} is
 * applied once — entries at or below the index recorded before the last restart
 * ({@link #appliedBeforeStart}) were applied already and are skipped, the others applied, then
 * recorded — and whoever waits for an entry to be applied here ({@link #appliedThrough}) goes on.
 */
abstract class AppliedOnceStateMachine extends BaseStateMachine {

    /** The last entry applied here (in log order, on Ratis' apply thread), and who waits for one. */
    protected final AppliedProgress progress = new AppliedProgress();
    /** The index recorded as applied when this node started (-1: none). */
    protected long appliedBeforeStart = -1;
    /**
     * Held while an entry is applied, while a snapshot is taken and while an installed snapshot
     * replaces the state, so they never interleave: an entry of this node's own log still being
     * applied when its leader's snapshot arrives is either applied before the state is replaced or
     * skipped after, and a snapshot of this node's is never of a state half replaced.
     */
    protected final Object applying = new Object();

    /** Applies the command of a committed entry: its reply, or the failure every replica reaches alike. */
    protected abstract CompletableFuture<byte[]> apply(LogCommand command, long term);

    /** Records {@code index} as applied, so a restart skips it. */
    protected abstract void recordApplied(long index);

    /** Where another replica fetching this one's snapshot is answered from ({@link SnapshotFetch}). */
    protected abstract SnapshotCheckpoints checkpoints();

    /**
     * A read-only request: an empty one is a read-index barrier ({@link LeaderSubmission#readIndex}),
     * which Ratis passes on only once this replica applied everything its leader had committed
     * when asked, so its answer carries nothing; any other is another replica fetching this one's
     * checkpoint ({@link SnapshotFetch}).
     */
    @Override
    public final CompletableFuture<Message> query(Message request) {
        if (request.getContent().isEmpty()) {
            return CompletableFuture.completedFuture(Message.EMPTY);
        }
        try {
            return CompletableFuture.completedFuture(Message.valueOf(checkpoints().answer(request.getContent())));
        } catch (java.io.IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        long index = entry.getIndex();
        CompletableFuture<byte[]> reply;
        synchronized (applying) {
            if (index <= progress.last()) { // a snapshot installed meanwhile holds it
                return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(LogCommand.encodeFailure(
                        new IllegalStateException("entry " + index + " is in the snapshot installed here")))));
            }
            if (index <= appliedBeforeStart) {
                reply = CompletableFuture.completedFuture(LogCommand.encodeFailure(
                        new IllegalStateException("entry " + index + " was applied before this restart")));
            } else {
                LogCommand command = LogCommand.decode(entry.getStateMachineLogEntry().getLogData());
                reply = command instanceof LogCommand.Appends many ? applyEach(many, entry.getTerm())
                        : apply(command, entry.getTerm());
                recordApplied(index);
            }
            updateLastAppliedTermIndex(entry.getTerm(), index);
            progress.applied(index);
        }
        return reply.thenApply(bytes -> Message.valueOf(ByteString.copyFrom(bytes)));
    }

    /** Replaces a state machine's state with a snapshot's ({@link #installUnlessAppliedAsFar}). */
    @FunctionalInterface
    protected interface Install<E extends Exception> {
        void run() throws java.io.IOException, E;
    }

    /**
     * Runs {@code install}, which replaces the state with a fetched snapshot's at {@code index},
     * under the lock entries are applied under, and records {@code index} as applied — unless this
     * node applied as far by itself meanwhile (its own log went on while the snapshot was
     * fetched): the snapshot would then take back entries applied since, and is not installed.
     * Returns whether it was.
     */
    protected final <E extends Exception> boolean installUnlessAppliedAsFar(long index, Install<E> install)
            throws java.io.IOException, E {
        synchronized (applying) {
            if (index <= progress.last()) {
                return false;
            }
            install.run();
            progress.applied(index);
            return true;
        }
    }

    /** Each append of the entry in turn, as if each were an entry of its own; their replies together. */
    private CompletableFuture<byte[]> applyEach(LogCommand.Appends many, long term) {
        java.util.List<CompletableFuture<byte[]>> replies = new java.util.ArrayList<>(many.appends().size());
        for (LogCommand.Append append : many.appends()) {
            replies.add(apply(append, term));
        }
        return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new))
                .thenApply(all -> LogCommand.encodeReplies(replies.stream().map(CompletableFuture::join).toList()));
    }

    /**
     * Completes once the entry at {@code index} is applied on this node (appended to its engine,
     * where this node's readers and stores see it): a write made through another node's leader
     * is read back here only after that.
     */
    CompletableFuture<Void> appliedThrough(long index) {
        return progress.through(index);
    }

    long lastApplied() {
        return progress.last();
    }

    /** Ratis pauses the state machine before it reloads an installed snapshot ({@link #reinitialize}). */
    @Override
    public void pause() {
        moveFrom(LifeCycle.State.RUNNING, LifeCycle.State.PAUSING, LifeCycle.State.PAUSED);
    }

    /** After an install: the state is in place already (the group's install put it there); running again. */
    @Override
    public void reinitialize() {
        moveFrom(LifeCycle.State.PAUSED, LifeCycle.State.STARTING, LifeCycle.State.RUNNING);
    }

    private void moveFrom(LifeCycle.State from, LifeCycle.State through, LifeCycle.State to) {
        if (getLifeCycle().getCurrentState() == from) {
            getLifeCycle().transition(through);
            getLifeCycle().transition(to);
        }
    }
}
