package dev.trilog.kafka.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** The server-side assignors: every partition to one subscriber, balance, stickiness, co-partitioning. */
class ServerAssignorTest {

    private static final Uuid A = new Uuid(0, 1);
    private static final Uuid B = new Uuid(0, 2);

    private static ServerAssignor.Member member(String id, Uuid... topics) {
        return new ServerAssignor.Member(id, id, Set.of(topics));
    }

    private static ServerAssignor.Spec spec(Map<Uuid, Integer> partitions, Map<String, TopicPartitions> current,
            ServerAssignor.Member... members) {
        return new ServerAssignor.Spec(List.of(members), partitions, current);
    }

    /** Every partition of every topic is assigned exactly once, to a member subscribed to its topic. */
    private static void assertComplete(ServerAssignor.Spec spec, Map<String, TopicPartitions> assignment) {
        Map<String, Set<Uuid>> subscriptions = new HashMap<>();
        spec.members().forEach(m -> subscriptions.put(m.memberId(), m.topics()));
        List<String> seen = new ArrayList<>();
        assignment.forEach((member, partitions) -> partitions.forEach((topic, p) -> {
            assertThat(subscriptions.get(member)).contains(topic);
            seen.add(topic + "-" + p);
        }));
        int expected = 0;
        for (Map.Entry<Uuid, Integer> e : spec.partitions().entrySet()) {
            if (spec.members().stream().anyMatch(m -> m.topics().contains(e.getKey()))) {
                expected += e.getValue();
            }
        }
        assertThat(seen).doesNotHaveDuplicates().hasSize(expected);
    }

    @Test
    void uniformSpreadsPartitionsEvenly() {
        ServerAssignor.Spec spec = spec(Map.of(A, 7, B, 3), Map.of(), member("m1", A, B), member("m2", A, B),
                member("m3", A, B));
        Map<String, TopicPartitions> assignment = new UniformAssignor().assign(spec);
        assertComplete(spec, assignment);
        assertThat(assignment.values()).extracting(TopicPartitions::size).containsExactlyInAnyOrder(4, 3, 3);
    }

    @Test
    void uniformMovesOnlyWhatANewMemberNeeds() {
        ServerAssignor.Spec first = spec(Map.of(A, 6), Map.of(), member("m1", A), member("m2", A));
        Map<String, TopicPartitions> before = new UniformAssignor().assign(first);
        ServerAssignor.Spec second = spec(Map.of(A, 6), before, member("m1", A), member("m2", A), member("m3", A));
        Map<String, TopicPartitions> after = new UniformAssignor().assign(second);
        assertComplete(second, after);
        assertThat(after.get("m3").size()).isEqualTo(2);
        // each old member keeps two of the three it had: only two partitions move
        assertThat(before.get("m1").byTopic().get(A)).containsAll(after.get("m1").byTopic().get(A));
        assertThat(before.get("m2").byTopic().get(A)).containsAll(after.get("m2").byTopic().get(A));
    }

    @Test
    void uniformGivesALeavingMembersPartitionsToTheOthers() {
        ServerAssignor.Spec first = spec(Map.of(A, 6), Map.of(), member("m1", A), member("m2", A), member("m3", A));
        Map<String, TopicPartitions> before = new UniformAssignor().assign(first);
        ServerAssignor.Spec second = spec(Map.of(A, 6), before, member("m1", A), member("m2", A));
        Map<String, TopicPartitions> after = new UniformAssignor().assign(second);
        assertComplete(second, after);
        assertThat(after.get("m1").size()).isEqualTo(3);
        assertThat(after.get("m1").byTopic().get(A)).containsAll(before.get("m1").byTopic().get(A));
    }

    @Test
    void uniformWithDifferentSubscriptionsGivesEachTopicOnlyToItsSubscribers() {
        ServerAssignor.Spec spec = spec(Map.of(A, 4, B, 4), Map.of(), member("m1", A), member("m2", A, B),
                member("m3", B));
        Map<String, TopicPartitions> assignment = new UniformAssignor().assign(spec);
        assertComplete(spec, assignment);
        assertThat(assignment.values()).allSatisfy(p -> assertThat(p.size()).isBetween(2, 3));
    }

    @Test
    void rangeGivesContiguousRangesAndCoPartitions() {
        ServerAssignor.Spec spec = spec(Map.of(A, 5, B, 5), Map.of(), member("m2", A, B), member("m1", A, B));
        Map<String, TopicPartitions> assignment = new RangeAssignor().assign(spec);
        assertComplete(spec, assignment);
        assertThat(assignment.get("m1").byTopic()).isEqualTo(Map.of(A, Set.of(0, 1, 2), B, Set.of(0, 1, 2)));
        assertThat(assignment.get("m2").byTopic()).isEqualTo(Map.of(A, Set.of(3, 4), B, Set.of(3, 4)));
    }

    @Test
    void rangeOrdersStaticMembersByInstanceId() {
        ServerAssignor.Spec spec = new ServerAssignor.Spec(List.of(new ServerAssignor.Member("zz", "instance-1", Set.of(A)),
                new ServerAssignor.Member("aa", "instance-2", Set.of(A))), Map.of(A, 2), Map.of());
        Map<String, TopicPartitions> assignment = new RangeAssignor().assign(spec);
        assertThat(assignment.get("zz").byTopic()).isEqualTo(Map.of(A, Set.of(0)));
        assertThat(assignment.get("aa").byTopic()).isEqualTo(Map.of(A, Set.of(1)));
    }

    @Test
    void aMemberWithoutSubscribedTopicsGetsNothing() {
        ServerAssignor.Spec spec = spec(Map.of(A, 2), Map.of(), member("m1", A), member("m2"));
        for (ServerAssignor assignor : List.of(new UniformAssignor(), new RangeAssignor())) {
            Map<String, TopicPartitions> assignment = assignor.assign(spec);
            assertComplete(spec, assignment);
            assertThat(assignment.get("m2").isEmpty()).isTrue();
        }
        assertThat(new HashSet<>(List.of(ServerAssignor.named("uniform").name(), ServerAssignor.named("range").name())))
                .containsExactlyInAnyOrder("uniform", "range");
        assertThat(ServerAssignor.named("sticky")).isNull();
    }
}
