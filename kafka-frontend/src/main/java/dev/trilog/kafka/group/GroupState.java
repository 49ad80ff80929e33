package dev.trilog.kafka.group;

import java.util.EnumSet;
import java.util.Set;

/** The states of a classic group, with the names Kafka gives them on the wire. */
public enum GroupState {
    /** No members; the group may still have committed offsets. */
    EMPTY("Empty"),
    /** A rebalance started: members are (re)joining. */
    PREPARING_REBALANCE("PreparingRebalance"),
    /** Everyone joined; the leader's assignment is awaited. */
    COMPLETING_REBALANCE("CompletingRebalance"),
    /** Members hold their assignment and heartbeat. */
    STABLE("Stable"),
    /** Deleted; a lookup that still holds it retries. */
    DEAD("Dead");

    private final String kafkaName;

    GroupState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    public String kafkaName() {
        return kafkaName;
    }

    /** The states a group may enter this one from, as in Kafka's ClassicGroupState. */
    Set<GroupState> validPrevious() {
        return switch (this) {
            case EMPTY -> EnumSet.of(PREPARING_REBALANCE);
            case PREPARING_REBALANCE -> EnumSet.of(STABLE, COMPLETING_REBALANCE, EMPTY);
            case COMPLETING_REBALANCE -> EnumSet.of(PREPARING_REBALANCE);
            case STABLE -> EnumSet.of(COMPLETING_REBALANCE);
            case DEAD -> EnumSet.allOf(GroupState.class);
        };
    }

    @Override
    public String toString() {
        return kafkaName;
    }
}
