package dev.trilog.kafka.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** KIP-848's reconciliation of one member: revoke first, then assign what others have released. */
class ReconciliationTest {

    private static final Uuid T = new Uuid(0, 7);
    private static final Reconciliation.Ownership NOBODY = (topic, partition) -> -1;

    private static TopicPartitions partitions(Integer... ps) {
        return new TopicPartitions(Map.of(T, Set.of(ps)));
    }

    private static MemberAssignment stable(int epoch, TopicPartitions assigned) {
        return new MemberAssignment(MemberAssignment.State.STABLE, epoch, epoch - 1, assigned, TopicPartitions.NONE);
    }

    @Test
    void aJoiningMemberGetsItsFreeTargetAtTheTargetEpoch() {
        MemberAssignment next = Reconciliation.next(MemberAssignment.JOINING, 3, partitions(0, 1), NOBODY,
                TopicPartitions.NONE);
        assertThat(next.state()).isEqualTo(MemberAssignment.State.STABLE);
        assertThat(next.memberEpoch()).isEqualTo(3);
        assertThat(next.assigned()).isEqualTo(partitions(0, 1));
    }

    @Test
    void aStableMemberAtTheTargetEpochStaysAsItIs() {
        MemberAssignment member = stable(3, partitions(0));
        assertThat(Reconciliation.next(member, 3, partitions(0, 1), NOBODY, null)).isSameAs(member);
    }

    @Test
    void partitionsAreRevokedBeforeTheEpochMoves() {
        MemberAssignment member = stable(3, partitions(0, 1, 2));
        MemberAssignment revoking = Reconciliation.next(member, 4, partitions(0), NOBODY, partitions(0, 1, 2));
        assertThat(revoking.state()).isEqualTo(MemberAssignment.State.UNREVOKED_PARTITIONS);
        assertThat(revoking.memberEpoch()).isEqualTo(3);
        assertThat(revoking.assigned()).isEqualTo(partitions(0));
        assertThat(revoking.pendingRevocation()).isEqualTo(partitions(1, 2));

        // a heartbeat that still owns one of them changes nothing
        assertThat(Reconciliation.next(revoking, 4, partitions(0), NOBODY, partitions(0, 1))).isSameAs(revoking);
        // nor does one that leaves the owned partitions out
        assertThat(Reconciliation.next(revoking, 4, partitions(0), NOBODY, null)).isSameAs(revoking);

        MemberAssignment done = Reconciliation.next(revoking, 4, partitions(0), NOBODY, partitions(0));
        assertThat(done.state()).isEqualTo(MemberAssignment.State.STABLE);
        assertThat(done.memberEpoch()).isEqualTo(4);
        assertThat(done.previousMemberEpoch()).isEqualTo(3);
        assertThat(done.pendingRevocation().isEmpty()).isTrue();
    }

    @Test
    void aPartitionStillOwnedByAnotherMemberWaitsUntilReleased() {
        Reconciliation.Ownership otherHoldsOne = (topic, partition) -> partition == 1 ? 2 : -1;
        MemberAssignment waiting = Reconciliation.next(stable(2, partitions(0)), 3, partitions(0, 1), otherHoldsOne,
                partitions(0));
        assertThat(waiting.state()).isEqualTo(MemberAssignment.State.UNRELEASED_PARTITIONS);
        assertThat(waiting.memberEpoch()).isEqualTo(3);
        assertThat(waiting.assigned()).isEqualTo(partitions(0));

        MemberAssignment released = Reconciliation.next(waiting, 3, partitions(0, 1), NOBODY, partitions(0));
        assertThat(released.state()).isEqualTo(MemberAssignment.State.STABLE);
        assertThat(released.assigned()).isEqualTo(partitions(0, 1));
    }

    @Test
    void aMemberThatAlreadyDroppedWhatIsRevokedMovesOnAtOnce() {
        MemberAssignment next = Reconciliation.next(stable(3, partitions(0, 1)), 4, partitions(2), NOBODY,
                TopicPartitions.NONE);
        assertThat(next.state()).isEqualTo(MemberAssignment.State.STABLE);
        assertThat(next.memberEpoch()).isEqualTo(4);
        assertThat(next.assigned()).isEqualTo(partitions(2));
    }
}
