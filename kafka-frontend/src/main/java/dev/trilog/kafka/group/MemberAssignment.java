package dev.trilog.kafka.group;

/**
 * Where one member of a consumer group stands in KIP-848's reconciliation: its epoch (and the one
 * before, which a heartbeat whose answer was lost may still carry), the partitions it holds, and
 * those it was asked to give up but has not yet confirmed giving up.
 *
 * @param state               how far the member is from its target
 * @param memberEpoch         the epoch the member runs at; -2 while a static member is away
 * @param previousMemberEpoch the epoch before the last bump
 * @param assigned            what the member holds and was told it holds
 * @param pendingRevocation   what it must give up before it may have more (still counted as owned)
 */
record MemberAssignment(State state, int memberEpoch, int previousMemberEpoch, TopicPartitions assigned,
        TopicPartitions pendingRevocation) {

    /** KIP-848's member states (Kafka's {@code MemberState}). */
    enum State {
        /** Holds its whole target, or all of it there is for now. */
        STABLE,
        /** Was asked to revoke partitions; stays at its epoch until a heartbeat no longer lists them. */
        UNREVOKED_PARTITIONS,
        /** Holds what it can; partitions of its target are still held (or being revoked) by others. */
        UNRELEASED_PARTITIONS
    }

    /** A member that joins (or rejoins after losing its partitions): epoch 0, nothing held. */
    static final MemberAssignment JOINING = new MemberAssignment(State.STABLE, 0, 0, TopicPartitions.NONE,
            TopicPartitions.NONE);

    MemberAssignment withEpoch(int epoch) {
        return new MemberAssignment(state, epoch, epoch == memberEpoch ? previousMemberEpoch : memberEpoch,
                assigned, pendingRevocation);
    }
}
