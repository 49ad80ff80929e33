package dev.trilog.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.log.AppendResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.statemachine.TransactionContext;
import org.junit.jupiter.api.Test;

/**
 * The two races between a group's apply thread and a snapshot install on this node: an entry of
 * the node's own log reaching the apply thread after an install that holds it, and a fetched
 * snapshot no newer than what the node went on applying by itself while it was fetched.
 */
class AppliedOnceStateMachineTest {

    /** Records the entries it applies and the snapshots it installs. */
    private static final class Recording extends AppliedOnceStateMachine {
        final List<LogCommand> applied = new ArrayList<>();
        final List<Long> recorded = new ArrayList<>();
        final List<Long> installed = new ArrayList<>();

        @Override
        protected CompletableFuture<byte[]> apply(LogCommand command, long term) {
            applied.add(command);
            return CompletableFuture.completedFuture(LogCommand.encodeResult(new AppendResult(0, -1, -1, -1, 0,
                    CompletableFuture.completedFuture(null))));
        }

        @Override
        protected void recordApplied(long index) {
            recorded.add(index);
        }

        @Override
        protected SnapshotCheckpoints checkpoints() {
            throw new AssertionError("no snapshot is fetched from this one");
        }

        boolean install(long index) throws java.io.IOException {
            return installUnlessAppliedAsFar(index, () -> installed.add(index));
        }

        byte[] applyEntry(long index) throws Exception {
            LogEntryProto entry = LogEntryProto.newBuilder().setIndex(index).setTerm(1)
                    .setStateMachineLogEntry(StateMachineLogEntryProto.newBuilder()
                            .setLogData(LogCommand.encode(new LogCommand.AllocateProducerIds(0, 1))))
                    .build();
            TransactionContext trx = TransactionContext.newBuilder().setStateMachine(this)
                    .setServerRole(RaftPeerRole.FOLLOWER).setLogEntry(entry).build();
            return applyTransaction(trx).get(10, TimeUnit.SECONDS).getContent().toByteArray();
        }
    }

    @Test
    void anEntryOfItsOwnLogThatASnapshotInstalledMeanwhileHoldsIsSkippedNotAppliedAgain() throws Exception {
        Recording machine = new Recording();
        machine.applyEntry(1);
        assertThat(machine.install(10)).isTrue();

        byte[] reply = machine.applyEntry(7); // queued on the apply thread before the install overtook it
        assertThatThrownBy(() -> LogCommand.decodeReply(reply)).hasMessageContaining("entry 7 is in the snapshot");
        assertThat(machine.applied).hasSize(1);
        assertThat(machine.recorded).containsExactly(1L);
        assertThat(machine.lastApplied()).isEqualTo(10);

        machine.applyEntry(11); // the log goes on from the snapshot
        assertThat(machine.applied).hasSize(2);
        assertThat(machine.lastApplied()).isEqualTo(11);
    }

    @Test
    void aFetchedSnapshotNoNewerThanWhatTheNodeAppliedByItselfIsNotInstalled() throws Exception {
        Recording machine = new Recording();
        for (long i = 1; i <= 5; i++) {
            machine.applyEntry(i);
        }

        assertThat(machine.install(3)).as("older than what was applied").isFalse();
        assertThat(machine.install(5)).as("as far as what was applied").isFalse();
        assertThat(machine.installed).isEmpty();
        assertThat(machine.lastApplied()).isEqualTo(5);

        assertThat(machine.install(8)).isTrue();
        assertThat(machine.installed).containsExactly(8L);
        assertThat(machine.lastApplied()).isEqualTo(8);
    }

    @Test
    void anEmptyQueryIsABarrierAnsweredWithNothing() throws Exception {
        Recording machine = new Recording(); // its checkpoints() fails the test if a fetch reached it

        assertThat(machine.query(org.apache.ratis.protocol.Message.EMPTY).get(10, TimeUnit.SECONDS).getContent().isEmpty())
                .isTrue();
    }
}
