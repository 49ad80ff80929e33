package dev.trilog.kafka.group;

import dev.trilog.log.CommittedOffset;
import dev.trilog.log.GroupOffsetStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator of this broker for classic (JoinGroup/SyncGroup) groups: membership in
 * memory, one lock per group; committed offsets durable in the engine's {@link GroupOffsetStore}.
 * A restart forgets the members, who simply rejoin, and keeps every committed offset.
 *
 * <p>Answers are Kafka's generated message classes; the API handlers wrap them into the
 * version-specific responses. Answers that wait for other members (JoinGroup, SyncGroup) are
 * futures, completed by whichever request or timeout ends the wait.
 */
public final class GroupCoordinator {

    private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);

    /** Kafka's offset.metadata.max.bytes. */
    public static final int MAX_OFFSET_METADATA_LENGTH = 4096;

    /** What ListGroups reports as the type of every group here (KIP-848 "consumer" groups do not exist yet). */
    public static final String GROUP_TYPE = "classic";

    private final GroupOffsetStore offsets;
    private final GroupSettings settings;
    private final GroupTimer timer;
    private final Membership membership;
    private final ConcurrentMap<String, ClassicGroup> groups = new ConcurrentHashMap<>();

    public GroupCoordinator(GroupOffsetStore offsets, GroupSettings settings, GroupTimer timer) {
        this.offsets = offsets;
        this.settings = settings;
        this.timer = timer;
        this.membership = new Membership(settings);
        for (String groupId : offsets.groups()) {
            groups.put(groupId, new ClassicGroup(groupId, timer));
        }
    }

    /** The group if it has members or committed offsets; null otherwise. */
    private ClassicGroup existing(String groupId) {
        ClassicGroup group = groups.get(groupId);
        if (group == null && !offsets.fetchAll(groupId).isEmpty()) {
            group = groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, timer));
        }
        return group;
    }

    private ClassicGroup getOrCreate(String groupId) {
        return groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, timer));
    }

    private static boolean invalidGroupId(String groupId) {
        return groupId == null || groupId.isEmpty();
    }

    /**
     * Runs a request under its group's lock; a bug becomes a failed answer (which the connection
     * logs and turns into the API's error response) instead of a client waiting forever.
     */
    private static <T> CompletableFuture<T> answer(ClassicGroup group, CompletableFuture<T> future, Runnable action) {
        try {
            group.locked(action);
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
        }
        return future;
    }

    private static <T> T locked(ClassicGroup group, Supplier<T> action) {
        return group.locked(action);
    }

    // ---- membership

    /** JoinGroup; the answer comes when the join phase completes (or at once for errors and MEMBER_ID_REQUIRED). */
    public CompletableFuture<JoinGroupResponseData> joinGroup(String clientId, String clientHost, short apiVersion,
            JoinGroupRequestData request) {
        String memberId = request.memberId();
        if (invalidGroupId(request.groupId())) {
            return CompletableFuture.completedFuture(ClassicGroup.joinError(Errors.INVALID_GROUP_ID, memberId));
        }
        if (request.sessionTimeoutMs() < settings.minSessionTimeoutMs()
                || request.sessionTimeoutMs() > settings.maxSessionTimeoutMs()) {
            return CompletableFuture.completedFuture(ClassicGroup.joinError(Errors.INVALID_SESSION_TIMEOUT, memberId));
        }
        if (request.rebalanceTimeoutMs() < 0) {
            request.setRebalanceTimeoutMs(request.sessionTimeoutMs()); // v0 has no rebalance timeout
        }
        ClassicGroup group = memberId.isEmpty() ? getOrCreate(request.groupId()) : existing(request.groupId());
        if (group == null) {
            return CompletableFuture.completedFuture(ClassicGroup.joinError(Errors.UNKNOWN_MEMBER_ID, memberId));
        }
        Membership.Client client = new Membership.Client(clientId, clientHost, apiVersion);
        CompletableFuture<JoinGroupResponseData> response = new CompletableFuture<>();
        return answer(group, response, () -> membership.join(group, client, request, response));
    }

    /** SyncGroup; followers' answers wait for the leader's assignment. */
    public CompletableFuture<SyncGroupResponseData> syncGroup(SyncGroupRequestData request) {
        ClassicGroup group = invalidGroupId(request.groupId()) ? null : existing(request.groupId());
        if (group == null) {
            Errors error = invalidGroupId(request.groupId()) ? Errors.INVALID_GROUP_ID : Errors.UNKNOWN_MEMBER_ID;
            return CompletableFuture.completedFuture(new SyncGroupResponseData().setErrorCode(error.code()));
        }
        CompletableFuture<SyncGroupResponseData> response = new CompletableFuture<>();
        return answer(group, response, () -> membership.sync(group, request, response));
    }

    public Errors heartbeat(HeartbeatRequestData request) {
        if (invalidGroupId(request.groupId())) {
            return Errors.INVALID_GROUP_ID;
        }
        ClassicGroup group = existing(request.groupId());
        return group == null ? Errors.UNKNOWN_MEMBER_ID : locked(group, () -> membership.heartbeat(group, request));
    }

    /** LeaveGroup for one or more members (v3+ batches; older versions name one member). */
    public LeaveGroupResponseData leaveGroup(String groupId, List<MemberIdentity> leaving) {
        if (invalidGroupId(groupId)) {
            return new LeaveGroupResponseData().setErrorCode(Errors.INVALID_GROUP_ID.code());
        }
        ClassicGroup group = existing(groupId);
        if (group == null) {
            return new LeaveGroupResponseData().setErrorCode(Errors.UNKNOWN_MEMBER_ID.code());
        }
        return locked(group, () -> {
            if (group.is(GroupState.DEAD)) {
                return new LeaveGroupResponseData().setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code());
            }
            List<MemberResponse> members = membership.leave(group, leaving);
            return new LeaveGroupResponseData().setMembers(members);
        });
    }

    // ---- offsets

    /**
     * OffsetCommit. A member of a group commits with its generation; a consumer that assigns
     * partitions itself commits with generation -1 and no member id ("simple" commit), allowed
     * while the group has no members. The offsets are stored durably, all or none.
     *
     * @param commits     the offsets (the commit time is set here)
     * @param apiVersion  from v9, a commit to an unknown group with a generation gets GROUP_ID_NOT_FOUND
     * @return the error of each partition
     */
    public Map<TopicPartition, Errors> commitOffsets(String groupId, String memberId, String groupInstanceId,
            int generationId, short apiVersion, Map<TopicPartition, CommittedOffset> commits) {
        if (invalidGroupId(groupId)) {
            return allFailed(commits.keySet(), Errors.INVALID_GROUP_ID);
        }
        ClassicGroup group = existing(groupId);
        if (group == null) {
            if (generationId >= 0) {
                return allFailed(commits.keySet(), apiVersion >= 9 ? Errors.GROUP_ID_NOT_FOUND : Errors.ILLEGAL_GENERATION);
            }
            group = getOrCreate(groupId);
        }
        ClassicGroup target = group;
        return locked(target, () -> {
            try {
                target.validateOffsetCommit(memberId == null ? "" : memberId, groupInstanceId, generationId);
            } catch (ApiException e) {
                return allFailed(commits.keySet(), Errors.forException(e));
            }
            Map<TopicPartition, Errors> result = new LinkedHashMap<>();
            Map<TopicPartition, CommittedOffset> valid = new LinkedHashMap<>();
            long now = target.nowMs();
            commits.forEach((tp, commit) -> {
                if (commit.metadata().length() > MAX_OFFSET_METADATA_LENGTH) {
                    result.put(tp, Errors.OFFSET_METADATA_TOO_LARGE);
                } else {
                    valid.put(tp, new CommittedOffset(commit.offset(), commit.leaderEpoch(), commit.metadata(), now));
                    result.put(tp, Errors.NONE);
                }
            });
            if (!valid.isEmpty()) {
                try {
                    offsets.commit(groupId, valid);
                } catch (IOException e) {
                    log.warn("Storing offsets of group {} failed: {}", groupId, e.toString());
                    valid.keySet().forEach(tp -> result.put(tp, Errors.COORDINATOR_NOT_AVAILABLE));
                }
            }
            return result;
        });
    }

    /**
     * TxnOffsetCommit's check of the consumer a transactional producer commits for (KIP-447):
     * a producer that names no member and no generation is not checked; one that does must name
     * a current member of the group's current generation. A rebalance in progress is no reason
     * to refuse: the transaction, not the group, decides whether the offsets count.
     */
    public Errors validateTransactionalCommit(String groupId, String memberId, String groupInstanceId, int generationId) {
        if (invalidGroupId(groupId)) {
            return Errors.INVALID_GROUP_ID;
        }
        String member = memberId == null ? "" : memberId;
        if (generationId < 0 && member.isEmpty() && groupInstanceId == null) {
            return Errors.NONE;
        }
        ClassicGroup group = existing(groupId);
        if (group == null) {
            return Errors.ILLEGAL_GENERATION;
        }
        return locked(group, () -> {
            try {
                group.validateTransactionalOffsetCommit(member, groupInstanceId, generationId);
                return Errors.NONE;
            } catch (ApiException e) {
                return Errors.forException(e);
            }
        });
    }

    private static Map<TopicPartition, Errors> allFailed(Collection<TopicPartition> partitions, Errors error) {
        Map<TopicPartition, Errors> result = new LinkedHashMap<>();
        partitions.forEach(tp -> result.put(tp, error));
        return result;
    }

    /** The committed offsets of the given partitions (those without one are absent), or of all when {@code partitions} is null. */
    public Map<TopicPartition, CommittedOffset> fetchOffsets(String groupId, Collection<TopicPartition> partitions) {
        if (partitions == null) {
            return offsets.fetchAll(groupId);
        }
        Map<TopicPartition, CommittedOffset> result = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            offsets.fetch(groupId, tp).ifPresent(committed -> result.put(tp, committed));
        }
        return result;
    }

    /** The outcome of OffsetDelete: an error for the whole group, or one per partition. */
    public record OffsetDeletion(Errors groupError, Map<TopicPartition, Errors> partitions) {
    }

    /**
     * OffsetDelete: forgets committed offsets of topics no member is subscribed to
     * (GROUP_SUBSCRIBED_TO_TOPIC for the others); a group with members of another protocol type
     * than "consumer" must be empty.
     */
    public OffsetDeletion deleteOffsets(String groupId, Collection<TopicPartition> partitions) {
        if (invalidGroupId(groupId)) {
            return new OffsetDeletion(Errors.INVALID_GROUP_ID, Map.of());
        }
        ClassicGroup group = existing(groupId);
        if (group == null) {
            return new OffsetDeletion(Errors.GROUP_ID_NOT_FOUND, Map.of());
        }
        return locked(group, () -> {
            if (group.is(GroupState.DEAD)) {
                return new OffsetDeletion(Errors.GROUP_ID_NOT_FOUND, Map.of());
            }
            if (!group.is(GroupState.EMPTY) && !group.usesConsumerProtocol()) {
                return new OffsetDeletion(Errors.NON_EMPTY_GROUP, Map.of());
            }
            Map<TopicPartition, Errors> result = new LinkedHashMap<>();
            List<TopicPartition> deletable = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                if (group.isSubscribedToTopic(tp.topic())) {
                    result.put(tp, Errors.GROUP_SUBSCRIBED_TO_TOPIC);
                } else {
                    result.put(tp, Errors.NONE);
                    deletable.add(tp);
                }
            }
            try {
                offsets.delete(groupId, deletable);
            } catch (IOException e) {
                log.warn("Deleting offsets of group {} failed: {}", groupId, e.toString());
                return new OffsetDeletion(Errors.COORDINATOR_NOT_AVAILABLE, Map.of());
            }
            return new OffsetDeletion(Errors.NONE, result);
        });
    }

    // ---- administration

    /** Lists groups of another kind (share groups) in ListGroups, type and state filters applied here. */
    @FunctionalInterface
    public interface GroupLister {
        List<ListedGroup> list();
    }

    private final List<GroupLister> otherKinds = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Adds {@code lister}'s groups to ListGroups' answer. */
    public void listAlso(GroupLister lister) {
        otherKinds.add(lister);
    }

    /**
     * ListGroups, filtered by state names and group types (both case-insensitive; empty filters
     * match all). Every group here is of type "classic".
     */
    public List<ListedGroup> listGroups(Collection<String> statesFilter, Collection<String> typesFilter) {
        Set<String> states = lowerCase(statesFilter);
        Set<String> types = lowerCase(typesFilter);
        List<ListedGroup> result = new ArrayList<>();
        for (GroupLister lister : otherKinds) {
            for (ListedGroup listed : lister.list()) {
                if ((types.isEmpty() || types.contains(listed.groupType().toLowerCase(Locale.ROOT)))
                        && (states.isEmpty() || states.contains(listed.groupState().toLowerCase(Locale.ROOT)))) {
                    result.add(listed);
                }
            }
        }
        if (!types.isEmpty() && !types.contains(GROUP_TYPE)) {
            result.sort((a, b) -> a.groupId().compareTo(b.groupId()));
            return result;
        }
        Set<String> ids = new HashSet<>(groups.keySet());
        ids.addAll(offsets.groups());
        for (String groupId : ids) {
            ClassicGroup group = existing(groupId);
            if (group == null) {
                continue;
            }
            ListedGroup listed = locked(group, () -> group.is(GroupState.DEAD) ? null
                    : new ListedGroup().setGroupId(groupId)
                            .setProtocolType(group.protocolType() == null ? "" : group.protocolType())
                            .setGroupState(group.state().kafkaName()).setGroupType(GROUP_TYPE));
            if (listed != null && (states.isEmpty() || states.contains(listed.groupState().toLowerCase(Locale.ROOT)))) {
                result.add(listed);
            }
        }
        result.sort((a, b) -> a.groupId().compareTo(b.groupId()));
        return result;
    }

    private static Set<String> lowerCase(Collection<String> values) {
        Set<String> result = new HashSet<>();
        if (values != null) {
            values.forEach(value -> result.add(value.toLowerCase(Locale.ROOT)));
        }
        return result;
    }

    /**
     * DescribeGroups for one group. A stable group shows each member's metadata and assignment;
     * other states show the members only, as Kafka does. An unknown group is "Dead", with
     * GROUP_ID_NOT_FOUND from v6.
     */
    public DescribedGroup describeGroup(String groupId, short apiVersion) {
        ClassicGroup group = invalidGroupId(groupId) ? null : existing(groupId);
        DescribedGroup notFound = apiVersion >= 6
                ? DescribeGroupsResponse.groupError(groupId, Errors.GROUP_ID_NOT_FOUND, "Group " + groupId + " not found.")
                : new DescribedGroup().setGroupId(groupId).setGroupState(GroupState.DEAD.kafkaName());
        if (group == null) {
            return notFound;
        }
        return locked(group, () -> {
            if (group.is(GroupState.DEAD)) {
                return notFound;
            }
            boolean stable = group.is(GroupState.STABLE);
            List<DescribedGroupMember> members = new ArrayList<>();
            for (GroupMember member : group.members()) {
                members.add(new DescribedGroupMember().setMemberId(member.memberId())
                        .setGroupInstanceId(member.groupInstanceId())
                        .setClientId(member.clientId()).setClientHost(member.clientHost())
                        .setMemberMetadata(stable ? member.metadata(group.protocolName()) : new byte[0])
                        .setMemberAssignment(stable ? member.assignment() : new byte[0]));
            }
            return new DescribedGroup().setGroupId(groupId).setGroupState(group.state().kafkaName())
                    .setProtocolType(group.protocolType() == null ? "" : group.protocolType())
                    .setProtocolData(stable ? group.protocolName() : "")
                    .setMembers(members);
        });
    }

    /** DeleteGroups for one group: only a group without members can go, with all its offsets. */
    public Errors deleteGroup(String groupId) {
        if (invalidGroupId(groupId)) {
            return Errors.INVALID_GROUP_ID;
        }
        ClassicGroup group = existing(groupId);
        if (group == null) {
            return Errors.GROUP_ID_NOT_FOUND;
        }
        return locked(group, () -> {
            if (group.is(GroupState.DEAD)) {
                return Errors.GROUP_ID_NOT_FOUND;
            }
            if (!group.is(GroupState.EMPTY)) {
                return Errors.NON_EMPTY_GROUP;
            }
            try {
                offsets.deleteGroup(groupId);
            } catch (IOException e) {
                log.warn("Deleting group {} failed: {}", groupId, e.toString());
                return Errors.COORDINATOR_NOT_AVAILABLE;
            }
            group.transitionTo(GroupState.DEAD);
            group.cancelAllTimeouts();
            groups.remove(groupId, group);
            log.info("Group {} deleted", groupId);
            return Errors.NONE;
        });
    }

    /** The state of a group, if it exists (for tests and the admin console). */
    public Optional<GroupState> state(String groupId) {
        ClassicGroup group = existing(groupId);
        return group == null ? Optional.empty() : Optional.of(locked(group, group::state));
    }
}
