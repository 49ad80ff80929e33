package dev.trilog.kafka.group;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * A KIP-848 server-side assignor: computes a consumer group's target assignment from the
 * members' subscriptions (the client picks one with {@code group.remote.assignor}; the broker
 * offers those of {@code group.consumer.assignors}, the first being the default).
 */
interface ServerAssignor {

    /** The name clients ask for. */
    String name();

    /**
     * Every member's target: each partition of a subscribed topic goes to exactly one member that
     * subscribes to its topic.
     */
    Map<String, TopicPartitions> assign(Spec spec);

    /**
     * What an assignor works from.
     *
     * @param members    the members in a stable order (static members keep their place across restarts)
     * @param partitions the partition count of every subscribed topic, by topic ID
     * @param current    the previous target, for assignors that keep partitions where they were
     */
    record Spec(List<Member> members, Map<Uuid, Integer> partitions, Map<String, TopicPartitions> current) {
    }

    /**
     * One member as an assignor sees it.
     *
     * @param sortKey the instance id of a static member, else its member id: the order range assignment follows
     */
    record Member(String memberId, String sortKey, Set<Uuid> topics) {
    }

    /** The assignors this broker knows, by name. */
    static ServerAssignor named(String name) {
        return switch (name) {
            case UniformAssignor.NAME -> new UniformAssignor();
            case RangeAssignor.NAME -> new RangeAssignor();
            default -> null;
        };
    }
}
