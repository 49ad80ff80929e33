package dev.trilog.kafka.group;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * KIP-848's reconciliation of one member towards its target assignment (Kafka's
 * {@code CurrentAssignmentBuilder}), a pure function of the member's state, the target, who else
 * still owns what, and what the member's heartbeat says it owns.
 *
 * <pre>
 *             target epoch moved on
 *   STABLE ───────────────────────────▶ compute next:
 *                                         keep   = held ∩ target
 *                                         revoke = held − target
 *                                         add    = target − held − (owned by others)
 *     revoke ≠ ∅ and still owned ──────▶ UNREVOKED_PARTITIONS (same epoch, holds only "keep")
 *     else                        ──────▶ STABLE, or UNRELEASED_PARTITIONS while others still own some
 *                                         of "add" (epoch = target epoch, holds keep + add)
 *   UNREVOKED_PARTITIONS: a heartbeat without the revoked partitions ──▶ compute next at epoch + 1
 *   UNRELEASED_PARTITIONS: every heartbeat ──▶ compute next (picks up what was released meanwhile)
 * </pre>
 *
 * A partition thus never has two owners: it is given to its new member only once its old one
 * has confirmed the revocation, or was removed from the group.
 */
final class Reconciliation {

    /** The epoch of the member that owns a partition now (held or pending revocation), -1 if none. */
    @FunctionalInterface
    interface Ownership {
        int ownerEpoch(Uuid topic, int partition);
    }

    private Reconciliation() {
    }

    /**
     * The member's next state.
     *
     * @param owned what the heartbeat says the member owns; null when the heartbeat left it out
     *              (then the member is assumed to still own what it was asked to revoke)
     */
    static MemberAssignment next(MemberAssignment member, int targetEpoch, TopicPartitions target,
            Ownership ownership, TopicPartitions owned) {
        return switch (member.state()) {
            case STABLE -> member.memberEpoch() == targetEpoch ? member
                    : compute(member, member.memberEpoch(), targetEpoch, target, ownership, owned);
            case UNREVOKED_PARTITIONS -> stillOwns(owned, member.pendingRevocation()) ? member
                    : compute(member, member.memberEpoch() + 1, targetEpoch, target, ownership, owned);
            case UNRELEASED_PARTITIONS -> compute(member, member.memberEpoch(), targetEpoch, target, ownership, owned);
        };
    }

    private static boolean stillOwns(TopicPartitions owned, TopicPartitions revoking) {
        return owned == null || owned.intersects(revoking);
    }

    private static MemberAssignment compute(MemberAssignment member, int epochWhileRevoking, int targetEpoch,
            TopicPartitions target, Ownership ownership, TopicPartitions owned) {
        Map<Uuid, Set<Integer>> keep = new HashMap<>();
        Map<Uuid, Set<Integer>> revoke = new HashMap<>();
        Map<Uuid, Set<Integer>> add = new HashMap<>();
        boolean unreleased = false;
        Set<Uuid> topics = new HashSet<>(target.byTopic().keySet());
        topics.addAll(member.assigned().byTopic().keySet());
        for (Uuid topic : topics) {
            Set<Integer> held = member.assigned().of(topic);
            Set<Integer> wanted = target.of(topic);
            for (int p : held) {
                (wanted.contains(p) ? keep : revoke).computeIfAbsent(topic, t -> new HashSet<>()).add(p);
            }
            for (int p : wanted) {
                if (held.contains(p)) {
                    continue;
                }
                if (ownership.ownerEpoch(topic, p) != -1) {
                    unreleased = true; // another member (or this one, revoking it) still has it
                } else {
                    add.computeIfAbsent(topic, t -> new HashSet<>()).add(p);
                }
            }
        }
        TopicPartitions revoking = new TopicPartitions(revoke);
        if (!revoking.isEmpty() && stillOwns(owned, revoking)) {
            return new MemberAssignment(MemberAssignment.State.UNREVOKED_PARTITIONS, epochWhileRevoking,
                    epochWhileRevoking == member.memberEpoch() ? member.previousMemberEpoch() : member.memberEpoch(),
                    new TopicPartitions(keep), revoking);
        }
        add.forEach((topic, partitions) -> keep.computeIfAbsent(topic, t -> new HashSet<>()).addAll(partitions));
        MemberAssignment.State state = unreleased ? MemberAssignment.State.UNRELEASED_PARTITIONS
                : MemberAssignment.State.STABLE;
        MemberAssignment next = new MemberAssignment(state, member.memberEpoch(), member.previousMemberEpoch(),
                new TopicPartitions(keep), TopicPartitions.NONE);
        return next.withEpoch(targetEpoch);
    }
}
