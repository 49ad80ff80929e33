package dev.trilog.kafka.group;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.protocol.Errors;

/**
 * The state of one KIP-848 consumer group: its members, the group epoch (bumped by every change
 * of membership, subscriptions or subscribed topics), the target assignment and the epoch it was
 * computed at. Members move towards their target by {@link Reconciliation}; the protocol steps
 * are in {@link ConsumerMembership}. Guarded by the group's lock, like a {@link ClassicGroup}.
 *
 * <p>Held in memory only: after a restart the members get UNKNOWN_MEMBER_ID and join again,
 * as after a classic group's restart; the committed offsets are durable in the shared store.
 */
final class ConsumerGroup extends Group {

    /** ListGroups' type, and the protocol type DescribeGroups and ListGroups report. */
    static final String GROUP_TYPE = "consumer";

    private final Map<String, ConsumerGroupMember> members = new LinkedHashMap<>();
    private final Map<String, String> staticMembers = new HashMap<>();
    private int groupEpoch;
    private int assignmentEpoch;
    private String assignorName;
    private Map<String, TopicPartitions> target = Map.of();
    /** The partition count of each subscribed topic when the target was computed: a change means a new target. */
    private Map<Uuid, Integer> subscribedPartitions = Map.of();
    /** The names of those topics (by name or regex): OffsetDelete keeps their offsets. */
    private Set<String> subscribedTopicNames = Set.of();
    private long nextTopicCheckMs;
    private boolean dead;

    ConsumerGroup(String groupId, GroupTimer timer) {
        super(groupId, timer);
    }

    // ---- members

    ConsumerGroupMember member(String memberId) {
        return members.get(memberId);
    }

    ConsumerGroupMember staticMember(String instanceId) {
        String memberId = staticMembers.get(instanceId);
        return memberId == null ? null : members.get(memberId);
    }

    Collection<ConsumerGroupMember> members() {
        return List.copyOf(members.values());
    }

    @Override
    int size() {
        return members.size();
    }

    void add(ConsumerGroupMember member) {
        members.put(member.memberId, member);
        if (member.instanceId != null) {
            staticMembers.put(member.instanceId, member.memberId);
        }
    }

    /**
     * Takes over a classic group's members as they are (Kafka's upgrade): each member keeps its
     * assignment at the classic generation, which becomes the group epoch and the target's epoch,
     * so nothing moves until the group epoch moves on (the joining consumer-protocol member does
     * that). The classic members go on speaking the classic protocol.
     */
    void adoptClassicMembers(int generation, List<ConsumerGroupMember> adopted) {
        groupEpoch = generation;
        Map<String, TopicPartitions> assigned = new HashMap<>();
        for (ConsumerGroupMember member : adopted) {
            add(member);
            assigned.put(member.memberId, member.assignment.assigned());
        }
        target = Map.copyOf(assigned);
        assignmentEpoch = generation;
    }

    /** Replaces a static member that restarted; its target moves to the new member id. */
    void replace(ConsumerGroupMember previous, ConsumerGroupMember successor) {
        remove(previous.memberId);
        add(successor);
        TopicPartitions previousTarget = target.get(previous.memberId);
        if (previousTarget != null) {
            Map<String, TopicPartitions> moved = new HashMap<>(target);
            moved.remove(previous.memberId);
            moved.put(successor.memberId, previousTarget);
            target = Map.copyOf(moved);
        }
    }

    void remove(String memberId) {
        ConsumerGroupMember removed = members.remove(memberId);
        if (removed != null && removed.instanceId != null) {
            staticMembers.remove(removed.instanceId, memberId);
        }
        cancel(ConsumerMembership.SESSION_TIMEOUT + memberId);
        cancel(ConsumerMembership.REVOCATION_TIMEOUT + memberId);
        cancel(ClassicProtocolMembers.JOIN_TIMEOUT + memberId);
    }

    // ---- epochs and assignment

    int groupEpoch() {
        return groupEpoch;
    }

    void bumpGroupEpoch() {
        groupEpoch++;
    }

    int assignmentEpoch() {
        return assignmentEpoch;
    }

    String assignorName() {
        return assignorName;
    }

    TopicPartitions targetOf(String memberId) {
        return target.getOrDefault(memberId, TopicPartitions.NONE);
    }

    Map<String, TopicPartitions> target() {
        return target;
    }

    Map<Uuid, Integer> subscribedPartitions() {
        return subscribedPartitions;
    }

    /** When a heartbeat should next look for changed subscribed topics ({@link ConsumerMembership}). */
    long nextTopicCheckMs() {
        return nextTopicCheckMs;
    }

    void setNextTopicCheckMs(long dueMs) {
        nextTopicCheckMs = dueMs;
    }

    void setSubscribedPartitions(Map<Uuid, Integer> partitions) {
        subscribedPartitions = Map.copyOf(partitions);
    }

    /** A new target assignment, as of the current group epoch. */
    void setTarget(String assignor, Map<String, TopicPartitions> assignment) {
        assignorName = assignor;
        target = Map.copyOf(assignment);
        assignmentEpoch = groupEpoch;
    }

    /** Who owns what now (held or being revoked): reconciliation never gives a partition two owners. */
    Reconciliation.Ownership ownership() {
        Map<Uuid, Map<Integer, Integer>> owners = new HashMap<>();
        for (ConsumerGroupMember m : members.values()) {
            int epoch = m.epoch();
            m.assignment.assigned().forEach((topic, p) -> owners.computeIfAbsent(topic, t -> new HashMap<>()).put(p, epoch));
            m.assignment.pendingRevocation().forEach((topic, p) ->
                    owners.computeIfAbsent(topic, t -> new HashMap<>()).put(p, epoch));
        }
        return (topic, partition) -> owners.getOrDefault(topic, Map.of()).getOrDefault(partition, -1);
    }

    /**
     * Kafka's consumer-group states: Empty; Assigning while the target lags the group epoch;
     * Reconciling while a member has not reached its target; else Stable.
     */
    String state() {
        if (dead) {
            return "Dead";
        }
        if (members.isEmpty()) {
            return "Empty";
        }
        if (groupEpoch > assignmentEpoch) {
            return "Assigning";
        }
        for (ConsumerGroupMember m : members.values()) {
            if (m.epoch() != assignmentEpoch || m.assignment.state() != MemberAssignment.State.STABLE) {
                return "Reconciling";
            }
        }
        return "Stable";
    }

    /** Whether every member holds its whole target at the current group epoch (state Stable). */
    boolean isReconciled() {
        return "Stable".equals(state());
    }

    // ---- what the shared APIs ask

    @Override
    boolean isDead() {
        return dead;
    }

    @Override
    void markDead() {
        dead = true;
        cancelAllTimeouts();
    }

    @Override
    boolean isEmpty() {
        return members.isEmpty();
    }

    @Override
    ListedGroup listed() {
        return new ListedGroup().setGroupId(groupId()).setProtocolType(GROUP_TYPE).setGroupState(state())
                .setGroupType(GROUP_TYPE);
    }

    /**
     * Kafka's rules for a consumer group: an epoch below 0 (admin client, manually assigned
     * consumer) commits only while the group is empty; otherwise the member must exist, commit with
     * OffsetCommit v9+ (the first that carries a member epoch) and its current epoch.
     */
    @Override
    void validateOffsetCommit(String memberId, String groupInstanceId, int memberEpoch, short apiVersion) {
        if (dead) {
            throw Errors.COORDINATOR_NOT_AVAILABLE.exception();
        }
        if (memberEpoch < 0 && members.isEmpty()) {
            return;
        }
        ConsumerGroupMember member = existingMember(memberId);
        if (member.usesClassicProtocol()) { // its generation is its member epoch, any version
            validateGeneration(member, memberEpoch);
            return;
        }
        if (apiVersion < 9) {
            throw Errors.UNSUPPORTED_VERSION.exception(
                    "OffsetCommit version 9 or above must be used by members using the consumer group protocol");
        }
        validateEpoch(member, memberEpoch);
    }

    @Override
    void validateTransactionalOffsetCommit(String memberId, String groupInstanceId, int memberEpoch) {
        if (dead) {
            throw Errors.COORDINATOR_NOT_AVAILABLE.exception();
        }
        ConsumerGroupMember member = existingMember(memberId);
        if (member.usesClassicProtocol()) {
            validateGeneration(member, memberEpoch);
        } else {
            validateEpoch(member, memberEpoch);
        }
    }

    /** OffsetFetch v9+ from a member: it must exist and name its current epoch; no member id and epoch -1 is anyone. */
    void validateOffsetFetch(String memberId, int memberEpoch) throws ApiException {
        if (memberId == null && memberEpoch < 0) {
            return;
        }
        validateEpoch(existingMember(memberId), memberEpoch);
    }

    /** A member speaking the classic protocol names its member epoch as its generation: any other is ILLEGAL_GENERATION. */
    static void validateGeneration(ConsumerGroupMember member, int generationId) {
        if (generationId != member.epoch()) {
            throw Errors.ILLEGAL_GENERATION.exception("The generation id " + generationId
                    + " does not match the member epoch " + member.epoch() + " of member " + member.memberId + ".");
        }
    }

    /**
     * Whether a member of a classic JoinGroup with this protocol type and these protocols may be in
     * the group (Kafka's rule): the type is {@code consumer}, and one of its protocols is one every
     * member already speaking the classic protocol offers too.
     */
    boolean supportsClassicProtocols(String protocolType, List<GroupMember.Protocol> protocols) {
        if (!ConsumerProtocol.PROTOCOL_TYPE.equals(protocolType) || protocols.isEmpty()) {
            return false;
        }
        List<ConsumerGroupMember> classic = members.values().stream().filter(ConsumerGroupMember::usesClassicProtocol)
                .toList();
        return protocols.stream().anyMatch(p -> classic.stream().allMatch(m -> m.classic.supports(p.name())));
    }

    /** True when the group has members and all of them speak the classic protocol (a downgrade may follow). */
    boolean onlyClassicMembers() {
        return !members.isEmpty() && members.values().stream().allMatch(ConsumerGroupMember::usesClassicProtocol);
    }

    /** Whether a partition of the member's target is still owned by another member (it waits for it to be released). */
    boolean waitsForUnreleasedPartition(ConsumerGroupMember member) {
        Reconciliation.Ownership owners = ownership();
        TopicPartitions mine = member.assignment.assigned();
        boolean[] waiting = {false};
        targetOf(member.memberId).forEach((topic, p) -> {
            if (!mine.contains(topic, p) && owners.ownerEpoch(topic, p) != -1) {
                waiting[0] = true;
            }
        });
        return waiting[0];
    }

    private ConsumerGroupMember existingMember(String memberId) {
        ConsumerGroupMember member = memberId == null ? null : members.get(memberId);
        if (member == null) {
            throw Errors.UNKNOWN_MEMBER_ID.exception("Member " + memberId + " is not a member of group " + groupId() + ".");
        }
        return member;
    }

    private static void validateEpoch(ConsumerGroupMember member, int memberEpoch) {
        if (memberEpoch != member.epoch()) {
            throw Errors.STALE_MEMBER_EPOCH.exception("The received member epoch " + memberEpoch
                    + " does not match the expected member epoch " + member.epoch() + ".");
        }
    }

    @Override
    Errors validateOffsetDelete() {
        return Errors.NONE; // subscriptions are known: offsets of unsubscribed topics may always go
    }

    void setSubscribedTopicNames(Set<String> names) {
        subscribedTopicNames = Set.copyOf(names);
    }

    @Override
    boolean isSubscribedToTopic(String topic) {
        return subscribedTopicNames.contains(topic);
    }
}
