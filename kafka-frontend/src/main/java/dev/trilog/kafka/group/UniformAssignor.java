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
 * KIP-848's {@code uniform} assignor (Kafka's default): spreads all subscribed partitions evenly
 * over the members while moving as few as it can. A member keeps what it had up to its fair
 * share of ⌊P/N⌋ (⌈P/N⌉ for as many members as the division leaves over); what is left goes to
 * the least loaded subscriber of its topic.
 *
 * <p>When every member subscribes to the same topics (the usual case) the result is exactly
 * balanced: every member gets ⌊P/N⌋ or ⌈P/N⌉ partitions. With different subscriptions the
 * greedy pass, most constrained topics first, balances as far as the subscriptions allow in
 * common cases; Kafka's heterogeneous builder solves that case more thoroughly.
 */
final class UniformAssignor implements ServerAssignor {

    static final String NAME = "uniform";

    @Override
    public String name() {
        return NAME;
    }

    /** A partition waiting for an owner. */
    private record Slot(Uuid topic, int partition) {
    }

    @Override
    public Map<String, TopicPartitions> assign(Spec spec) {
        Map<String, Member> members = new HashMap<>();
        spec.members().forEach(m -> members.put(m.memberId(), m));
        int total = totalPartitions(spec);
        int quota = spec.members().isEmpty() ? 0 : total / spec.members().size();
        // Members allowed one partition over ⌊P/N⌋, handed out while keeping partitions.
        int[] extras = {spec.members().isEmpty() ? 0 : total % spec.members().size()};
        Map<String, Map<Uuid, Set<Integer>>> result = new HashMap<>();
        Map<String, Integer> load = new HashMap<>();
        spec.members().forEach(m -> {
            result.put(m.memberId(), new HashMap<>());
            load.put(m.memberId(), 0);
        });
        Set<Slot> taken = new HashSet<>();
        // 1. stickiness: keep previous partitions up to the quota (plus one while extras last)
        for (Member m : spec.members()) {
            TopicPartitions previous = spec.current().getOrDefault(m.memberId(), TopicPartitions.NONE);
            List<Slot> kept = new ArrayList<>();
            previous.forEach((topic, p) -> {
                if (m.topics().contains(topic) && p < spec.partitions().getOrDefault(topic, 0)) {
                    kept.add(new Slot(topic, p));
                }
            });
            kept.sort(Comparator.comparing((Slot s) -> s.topic().toString()).thenComparingInt(Slot::partition));
            int limit = quota;
            if (kept.size() > limit && extras[0] > 0) {
                limit++;
                extras[0]--;
            }
            for (Slot slot : kept.subList(0, Math.min(limit, kept.size()))) {
                give(result, load, taken, m.memberId(), slot);
            }
        }
        // 2. the rest to the least loaded subscriber, the partitions of topics with the fewest subscribers first
        List<Slot> rest = new ArrayList<>();
        spec.partitions().entrySet().stream()
                .sorted(Comparator.comparingInt((Map.Entry<Uuid, Integer> e) -> subscribers(spec, e.getKey()))
                        .thenComparing(e -> e.getKey().toString()))
                .forEach(e -> {
                    for (int p = 0; p < e.getValue(); p++) {
                        Slot slot = new Slot(e.getKey(), p);
                        if (!taken.contains(slot)) {
                            rest.add(slot);
                        }
                    }
                });
        for (Slot slot : rest) {
            Member best = null;
            for (Member m : spec.members()) {
                if (m.topics().contains(slot.topic()) && (best == null || less(m, best, load))) {
                    best = m;
                }
            }
            if (best != null) {
                give(result, load, taken, best.memberId(), slot);
            }
        }
        Map<String, TopicPartitions> assignment = new HashMap<>();
        result.forEach((member, partitions) -> assignment.put(member, new TopicPartitions(partitions)));
        return assignment;
    }

    /** Whether {@code a} should get the next partition before {@code b}: fewer held, then the sort key. */
    private static boolean less(Member a, Member b, Map<String, Integer> load) {
        if (!load.get(a.memberId()).equals(load.get(b.memberId()))) {
            return load.get(a.memberId()) < load.get(b.memberId());
        }
        return a.sortKey().compareTo(b.sortKey()) < 0;
    }

    private static void give(Map<String, Map<Uuid, Set<Integer>>> result, Map<String, Integer> load, Set<Slot> taken,
            String member, Slot slot) {
        result.get(member).computeIfAbsent(slot.topic(), t -> new HashSet<>()).add(slot.partition());
        load.merge(member, 1, Integer::sum);
        taken.add(slot);
    }

    private static int subscribers(Spec spec, Uuid topic) {
        return (int) spec.members().stream().filter(m -> m.topics().contains(topic)).count();
    }

    private static int totalPartitions(Spec spec) {
        int total = 0;
        for (Map.Entry<Uuid, Integer> e : spec.partitions().entrySet()) {
            if (subscribers(spec, e.getKey()) > 0) {
                total += e.getValue();
            }
        }
        return total;
    }
}
