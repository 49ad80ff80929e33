package dev.trilog.kafka.group;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * KIP-848's {@code range} assignor: per topic, its subscribers in a fixed order each get a
 * contiguous range of partitions, the first ones one more when the count does not divide. Topics
 * with the same partition count and subscribers are thus co-partitioned: partition n of each goes
 * to the same member, which joins and aggregations by key rely on.
 */
final class RangeAssignor implements ServerAssignor {

    static final String NAME = "range";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, TopicPartitions> assign(Spec spec) {
        Map<String, Map<Uuid, Set<Integer>>> result = new HashMap<>();
        spec.members().forEach(m -> result.put(m.memberId(), new HashMap<>()));
        spec.partitions().forEach((topic, count) -> {
            List<Member> subscribers = new ArrayList<>();
            for (Member m : spec.members()) {
                if (m.topics().contains(topic)) {
                    subscribers.add(m);
                }
            }
            if (subscribers.isEmpty()) {
                return;
            }
            subscribers.sort(Comparator.comparing(Member::sortKey).thenComparing(Member::memberId));
            int quota = count / subscribers.size();
            int extra = count % subscribers.size();
            int next = 0;
            for (int i = 0; i < subscribers.size(); i++) {
                int size = quota + (i < extra ? 1 : 0);
                Set<Integer> range = new HashSet<>();
                for (int p = next; p < next + size; p++) {
                    range.add(p);
                }
                next += size;
                result.get(subscribers.get(i).memberId()).put(topic, range);
            }
        });
        Map<String, TopicPartitions> assignment = new HashMap<>();
        result.forEach((member, partitions) -> assignment.put(member, new TopicPartitions(partitions)));
        return assignment;
    }
}
