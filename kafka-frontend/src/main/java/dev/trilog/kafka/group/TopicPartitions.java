package dev.trilog.kafka.group;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;

/**
 * Partitions by topic ID, as KIP-848 names them on the wire: an immutable map of topic ID to
 * partition numbers, without empty entries, so two equal assignments compare equal.
 */
record TopicPartitions(Map<Uuid, Set<Integer>> byTopic) {

    static final TopicPartitions NONE = new TopicPartitions(Map.of());

    TopicPartitions {
        Map<Uuid, Set<Integer>> copy = new HashMap<>();
        byTopic.forEach((topic, partitions) -> {
            if (!partitions.isEmpty()) {
                copy.put(topic, Set.copyOf(partitions));
            }
        });
        byTopic = Map.copyOf(copy);
    }

    /** What a heartbeat says the member owns; null (unchanged since the last heartbeat) stays null. */
    static TopicPartitions ofRequest(List<ConsumerGroupHeartbeatRequestData.TopicPartitions> owned) {
        if (owned == null) {
            return null;
        }
        Map<Uuid, Set<Integer>> map = new HashMap<>();
        owned.forEach(t -> map.computeIfAbsent(t.topicId(), id -> new TreeSet<>()).addAll(t.partitions()));
        return new TopicPartitions(map);
    }

    boolean isEmpty() {
        return byTopic.isEmpty();
    }

    boolean contains(Uuid topic, int partition) {
        return byTopic.getOrDefault(topic, Set.of()).contains(partition);
    }

    Set<Integer> of(Uuid topic) {
        return byTopic.getOrDefault(topic, Set.of());
    }

    /** True if any partition is in both. */
    boolean intersects(TopicPartitions other) {
        for (Map.Entry<Uuid, Set<Integer>> e : byTopic.entrySet()) {
            for (int p : e.getValue()) {
                if (other.contains(e.getKey(), p)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True if every partition here is in {@code other}. */
    boolean isSubsetOf(TopicPartitions other) {
        for (Map.Entry<Uuid, Set<Integer>> e : byTopic.entrySet()) {
            if (!other.of(e.getKey()).containsAll(e.getValue())) {
                return false;
            }
        }
        return true;
    }

    int size() {
        return byTopic.values().stream().mapToInt(Set::size).sum();
    }

    /** Each partition, topics and partitions in no particular order. */
    void forEach(BiConsumer<Uuid, Integer> action) {
        byTopic.forEach((topic, partitions) -> partitions.forEach(p -> action.accept(topic, p)));
    }
}
