package dev.trilog.frontend;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * A protocol's consumer groups as the admin endpoint lists and resets them: the Kafka frontend's
 * group coordinators, whose membership lives in its memory. Committed offsets themselves are the
 * engine's ({@code LogEngine.groupOffsets()}); what only the coordinator knows is who is a member,
 * and it alone may change an empty group's offsets without racing a member that joins meanwhile.
 */
public interface ConsumerGroups {

    /**
     * One group as ListGroups and DescribeGroups say it.
     *
     * @param type    {@code classic}, {@code consumer} (KIP-848) or {@code share} (Kafka's group types, lower case)
     * @param state   Kafka's state name: {@code Empty}, {@code Stable}, {@code PreparingRebalance}, …
     * @param members how many members it has now
     */
    record Group(String name, String type, String state, int members) {
    }

    /** Every group the coordinators know, classic, consumer and share, sorted by name then type. */
    List<Group> groups();

    /**
     * Sets the committed offsets of {@code group}, which must have no members: what
     * {@code kafka-consumer-groups --reset-offsets --execute} does with an OffsetCommit that names
     * no member. A group that does not exist yet is made, as Kafka's tool makes it.
     *
     * @throws GroupNotEmptyException when the group has members (Kafka's tool refuses then too)
     * @throws IOException when the offsets could not be stored
     */
    void resetOffsets(String group, Map<TopicPartition, Long> offsets) throws GroupNotEmptyException, IOException;

    /** The group of that name and type, if the coordinators know it. */
    default Optional<Group> group(String name, String type) {
        return groups().stream().filter(g -> g.name().equals(name) && g.type().equals(type)).findFirst();
    }

    /** A reset asked of a group that has members. */
    final class GroupNotEmptyException extends Exception {

        public GroupNotEmptyException(String message) {
            super(message);
        }
    }
}
