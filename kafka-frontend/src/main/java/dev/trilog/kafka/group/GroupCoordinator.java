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
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
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
 * The group coordinator of this broker, for classic (JoinGroup/SyncGroup) groups and KIP-848
 * consumer groups (ConsumerGroupHeartbeat): membership in memory, one lock per group; committed
 * offsets of both kinds durable in the engine's {@link GroupOffsetStore}. A restart forgets the
 * members, who simply rejoin, and keeps every committed offset.
 *
 * <p>A group is of one kind at a time, as in Kafka: an empty group changes kind when a member of
 * the other protocol joins it; a group with members migrates online under
 * {@code group.consumer.migration.policy} ({@link GroupMigration}): a consumer-protocol member
 * joining a classic group upgrades it, and the classic members go on in the consumer group over
 * the classic protocol ({@link ClassicProtocolMembers}), as classic consumers joining a consumer
 * group with members do; when the last consumer-protocol member leaves, it becomes classic again.
 *
 * <p>Answers are Kafka's generated message classes; the API handlers wrap them into the
 * version-specific responses. Answers that wait for other members (JoinGroup, SyncGroup) are
 * futures, completed by whichever request or timeout ends the wait.
 */
public final class GroupCoordinator {

    private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);

    /** Kafka's offset.metadata.max.bytes. */
    public static final int MAX_OFFSET_METADATA_LENGTH = 4096;

    private final GroupOffsetStore offsets;
    private final GroupSettings settings;
    private final GroupTimer timer;
    private final Membership membership;
    private final ConsumerMembership consumerMembership;
    private final ClassicProtocolMembers classicMembers;
    private final GroupMigration migration;
    private final TopicCatalog topics;
    private final ConcurrentMap<String, Group> groups = new ConcurrentHashMap<>();

    public GroupCoordinator(GroupOffsetStore offsets, GroupSettings settings, GroupTimer timer) {
        this(offsets, settings, timer, TopicCatalog.NONE);
    }

    GroupCoordinator(GroupOffsetStore offsets, GroupSettings settings, GroupTimer timer, TopicCatalog topics) {
        this(offsets, settings, timer, topics, ConsumerGroupConfig.Lookup.brokerSettings(settings.consumer()));
    }

    /** @param groupConfigs each consumer group's session timeout and heartbeat interval (its GROUP configs) */
    GroupCoordinator(GroupOffsetStore offsets, GroupSettings settings, GroupTimer timer, TopicCatalog topics,
            ConsumerGroupConfig.Lookup groupConfigs) {
        this.offsets = offsets;
        this.settings = settings;
        this.timer = timer;
        this.topics = topics;
        this.membership = new Membership(settings);
        this.consumerMembership = new ConsumerMembership(settings.consumer(), groupConfigs, topics, this::maybeDowngrade);
        EmbeddedConsumerProtocol protocol = new EmbeddedConsumerProtocol(topics);
        this.classicMembers = new ClassicProtocolMembers(consumerMembership, protocol, this::maybeDowngradeAfterReplacement);
        this.migration = new GroupMigration(settings.consumer(), protocol, timer);
        // A group known only by its offsets comes back as an empty classic group, which either kind may take over.
        for (String groupId : offsets.groups()) {
            groups.put(groupId, new ClassicGroup(groupId, timer));
        }
    }

    /** The group if it has members or committed offsets; null otherwise. */
    private Group existing(String groupId) {
        Group group = groups.get(groupId);
        if (group == null && !offsets.fetchAll(groupId).isEmpty()) {
            group = groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, timer));
        }
        return group;
    }

    /** The classic group of this id, or null when there is none or it is a consumer group. */
    private ClassicGroup existingClassic(String groupId) {
        return existing(groupId) instanceof ClassicGroup classic ? classic : null;
    }

    private Group getOrCreate(String groupId) {
        return groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, timer));
    }

    /**
     * The group a member of {@code kind} may join: the existing one of that kind, a new one, or
     * one that replaces an empty group of the other kind (which keeps its committed offsets).
     *
     * @return null when a group of the other kind has members
     */
    private <G extends Group> G joinable(String groupId, Class<G> kind, java.util.function.Function<String, G> create) {
        while (true) {
            Group group = groups.computeIfAbsent(groupId, create);
            if (kind.isInstance(group)) {
                return kind.cast(group);
            }
            boolean replaced = group.locked(() -> {
                if (group.isDead()) {
                    return true; // deleted or converted meanwhile: look again
                }
                if (!group.isEmpty()) {
                    return false;
                }
                group.markDead();
                groups.replace(groupId, group, create.apply(groupId));
                log.info("Empty group {} becomes a {} group", groupId, kind == ConsumerGroup.class ? "consumer" : "classic");
                return true;
            });
            if (!replaced) {
                return null;
            }
        }
    }

    private static boolean invalidGroupId(String groupId) {
        return groupId == null || groupId.isEmpty();
    }

    /**
     * Runs a request under its group's lock; a bug becomes a failed answer (which the connection
     * logs and turns into the API's error response) instead of a client waiting forever.
     */
    private static <T> CompletableFuture<T> answer(Group group, CompletableFuture<T> future, Runnable action) {
        try {
            group.locked(action);
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
        }
        return future;
    }

    private static <T> T locked(Group group, Supplier<T> action) {
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
        Membership.Client client = new Membership.Client(clientId, clientHost, apiVersion);
        if (existing(request.groupId()) instanceof ConsumerGroup consumerGroup) {
            // a consumer group with members takes classic members in; an empty one becomes classic (below)
            JoinGroupResponseData joined = locked(consumerGroup, () -> consumerGroup.isDead() || consumerGroup.isEmpty()
                    ? null : classicMembers.join(consumerGroup, client, request));
            if (joined != null) {
                return CompletableFuture.completedFuture(joined);
            }
        }
        ClassicGroup group = memberId.isEmpty() || existing(request.groupId()) instanceof ConsumerGroup
                ? joinable(request.groupId(), ClassicGroup.class, id -> new ClassicGroup(id, timer))
                : existingClassic(request.groupId());
        if (group == null) {
            Errors error = existing(request.groupId()) instanceof ConsumerGroup ? Errors.INCONSISTENT_GROUP_PROTOCOL
                    : Errors.UNKNOWN_MEMBER_ID;
            return CompletableFuture.completedFuture(ClassicGroup.joinError(error, memberId));
        }
        CompletableFuture<JoinGroupResponseData> response = new CompletableFuture<>();
        return answer(group, response, () -> membership.join(group, client, request, response));
    }

    /** SyncGroup; followers' answers wait for the leader's assignment. */
    public CompletableFuture<SyncGroupResponseData> syncGroup(SyncGroupRequestData request) {
        if (!invalidGroupId(request.groupId()) && existing(request.groupId()) instanceof ConsumerGroup consumerGroup) {
            return CompletableFuture.completedFuture(locked(consumerGroup, () -> consumerGroup.isDead()
                    ? new SyncGroupResponseData().setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
                    : classicMembers.sync(consumerGroup, request)));
        }
        ClassicGroup group = invalidGroupId(request.groupId()) ? null : existingClassic(request.groupId());
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
        if (existing(request.groupId()) instanceof ConsumerGroup consumerGroup) {
            return locked(consumerGroup, () -> consumerGroup.isDead() ? Errors.COORDINATOR_NOT_AVAILABLE
                    : classicMembers.heartbeat(consumerGroup, request));
        }
        ClassicGroup group = existingClassic(request.groupId());
        return group == null ? Errors.UNKNOWN_MEMBER_ID : locked(group, () -> membership.heartbeat(group, request));
    }

    /** LeaveGroup for one or more members (v3+ batches; older versions name one member). */
    public LeaveGroupResponseData leaveGroup(String groupId, List<MemberIdentity> leaving) {
        if (invalidGroupId(groupId)) {
            return new LeaveGroupResponseData().setErrorCode(Errors.INVALID_GROUP_ID.code());
        }
        if (existing(groupId) instanceof ConsumerGroup consumerGroup) {
            return locked(consumerGroup, () -> consumerGroup.isDead()
                    ? new LeaveGroupResponseData().setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
                    : new LeaveGroupResponseData().setMembers(classicMembers.leave(consumerGroup, leaving)));
        }
        ClassicGroup group = existingClassic(groupId);
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

    // ---- KIP-848 consumer groups

    /**
     * ConsumerGroupHeartbeat: joins, keeps or leaves a member of a consumer group; errors are
     * answered in the response, as Kafka does. A heartbeat at epoch > 0 for a group or member
     * this broker does not know (after a restart, say) is UNKNOWN_MEMBER_ID: the member rejoins.
     */
    public ConsumerGroupHeartbeatResponseData consumerGroupHeartbeat(String clientId, String clientHost,
            ConsumerGroupHeartbeatRequestData request) {
        try {
            consumerMembership.validate(request);
            String groupId = request.groupId();
            int epoch = request.memberEpoch();
            ConsumerGroup group = epoch == 0 ? joinableOrUpgraded(groupId)
                    : existing(groupId) instanceof ConsumerGroup found ? found : null;
            if (group == null) {
                throw epoch == 0 ? Errors.GROUP_ID_NOT_FOUND.exception("Group " + groupId + " is not a consumer group.")
                        : Errors.UNKNOWN_MEMBER_ID.exception("Member " + request.memberId() + " is not a member of group "
                                + groupId + ".");
            }
            ConsumerMembership.Client client = new ConsumerMembership.Client(clientId, clientHost);
            return locked(group, () -> {
                if (group.isDead()) {
                    throw Errors.COORDINATOR_NOT_AVAILABLE.exception("Group " + groupId + " was just deleted.");
                }
                return epoch < 0 ? consumerMembership.leave(group, request)
                        : consumerMembership.heartbeat(group, request, client);
            });
        } catch (ApiException e) {
            return new ConsumerGroupHeartbeatResponseData().setErrorCode(Errors.forException(e).code())
                    .setErrorMessage(e.getMessage());
        }
    }

    /**
     * The consumer group a joining consumer-protocol member goes into: as {@link #joinable}, and a
     * classic group with members is upgraded ({@link GroupMigration#upgrade}, which throws
     * GROUP_ID_NOT_FOUND when it may not be).
     */
    private ConsumerGroup joinableOrUpgraded(String groupId) {
        while (true) {
            ConsumerGroup group = joinable(groupId, ConsumerGroup.class, id -> new ConsumerGroup(id, timer));
            if (group != null) {
                return group;
            }
            if (!(groups.get(groupId) instanceof ClassicGroup classic)) {
                continue; // changed meanwhile: look again
            }
            ConsumerGroup upgraded = locked(classic, () -> {
                if (classic.isDead() || classic.isEmpty()) {
                    return null; // converted, deleted or emptied meanwhile: joinable decides again
                }
                ConsumerGroup converted = migration.upgrade(classic);
                converted.locked(() -> converted.members().forEach(m -> consumerMembership.scheduleSession(converted, m)));
                groups.replace(groupId, classic, converted);
                return converted;
            });
            if (upgraded != null) {
                return upgraded;
            }
        }
    }

    /**
     * Hears of every member removed from a consumer group (under its lock): when only members
     * speaking the classic protocol remain, the group may become a classic group again
     * ({@link GroupMigration#downgrades}), which starts a rebalance for them.
     */
    private boolean maybeDowngrade(ConsumerGroup group, ConsumerGroupMember removed) {
        return downgradeIfOnlyClassicMembersRemain(group, removed, true);
    }

    /**
     * Hears of a static member replaced by a newcomer speaking the classic protocol (under the
     * group's lock): when the one replaced was the last consumer-protocol member, the group becomes
     * a classic group, the newcomer in it with what its predecessor held. As in Kafka there is no
     * rebalance then — unless the group was still reconciling: the members' current assignments are
     * not yet the target, and only a rebalance lets the classic leader settle it.
     */
    private void maybeDowngradeAfterReplacement(ConsumerGroup group, ConsumerGroupMember replaced) {
        downgradeIfOnlyClassicMembersRemain(group, replaced, !group.isReconciled());
    }

    private boolean downgradeIfOnlyClassicMembersRemain(ConsumerGroup group, ConsumerGroupMember gone,
            boolean rebalance) {
        if (!migration.downgrades(group, gone)) {
            return false;
        }
        ClassicGroup classic = migration.downgrade(group);
        classic.locked(() -> membership.startDowngraded(classic, rebalance)); // not seen by anyone before replace
        groups.replace(group.groupId(), group, classic);
        return true;
    }

    /** ConsumerGroupDescribe for one group; a classic or unknown group is GROUP_ID_NOT_FOUND, as in Kafka. */
    public ConsumerGroupDescribeResponseData.DescribedGroup describeConsumerGroup(String groupId) {
        Group group = invalidGroupId(groupId) ? null : existing(groupId);
        if (group instanceof ConsumerGroup consumerGroup) {
            ConsumerGroupDescribeResponseData.DescribedGroup described = locked(consumerGroup, () ->
                    consumerGroup.isDead() ? null : ConsumerGroupDescription.of(consumerGroup, topics));
            if (described != null) {
                return described;
            }
        }
        String message = group == null || group.isDead() ? "Group " + groupId + " not found."
                : "Group " + groupId + " is not a consumer group.";
        return new ConsumerGroupDescribeResponseData.DescribedGroup().setGroupId(groupId)
                .setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage(message);
    }

    /**
     * OffsetFetch v9+'s check of the member that asks (a consumer group's member must name its
     * current epoch, or STALE_MEMBER_EPOCH); anyone may read the offsets of a classic group.
     */
    public Errors validateOffsetFetch(String groupId, String memberId, int memberEpoch) {
        if (!(existing(groupId) instanceof ConsumerGroup group)) {
            return Errors.NONE;
        }
        return locked(group, () -> {
            try {
                group.validateOffsetFetch(memberId, memberEpoch);
                return Errors.NONE;
            } catch (ApiException e) {
                return Errors.forException(e);
            }
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
        Group group = existing(groupId);
        if (group == null) {
            if (generationId >= 0) {
                return allFailed(commits.keySet(), apiVersion >= 9 ? Errors.GROUP_ID_NOT_FOUND : Errors.ILLEGAL_GENERATION);
            }
            group = getOrCreate(groupId);
        }
        Group target = group;
        return locked(target, () -> {
            try {
                target.validateOffsetCommit(memberId == null ? "" : memberId, groupInstanceId, generationId, apiVersion);
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
        Group group = existing(groupId);
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
        Group group = existing(groupId);
        if (group == null) {
            return new OffsetDeletion(Errors.GROUP_ID_NOT_FOUND, Map.of());
        }
        return locked(group, () -> {
            if (group.isDead()) {
                return new OffsetDeletion(Errors.GROUP_ID_NOT_FOUND, Map.of());
            }
            if (group.validateOffsetDelete() != Errors.NONE) {
                return new OffsetDeletion(group.validateOffsetDelete(), Map.of());
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
     * match all): classic and consumer groups, and those of the other kinds added by {@link #listAlso}.
     */
    public List<ListedGroup> listGroups(Collection<String> statesFilter, Collection<String> typesFilter) {
        Set<String> states = lowerCase(statesFilter);
        Set<String> types = lowerCase(typesFilter);
        List<ListedGroup> all = new ArrayList<>();
        for (GroupLister lister : otherKinds) {
            all.addAll(lister.list());
        }
        Set<String> ids = new HashSet<>(groups.keySet());
        ids.addAll(offsets.groups());
        for (String groupId : ids) {
            Group group = existing(groupId);
            if (group != null) {
                ListedGroup listed = locked(group, () -> group.isDead() ? null : group.listed());
                if (listed != null) {
                    all.add(listed);
                }
            }
        }
        List<ListedGroup> result = new ArrayList<>();
        for (ListedGroup listed : all) {
            if ((types.isEmpty() || types.contains(listed.groupType().toLowerCase(Locale.ROOT)))
                    && (states.isEmpty() || states.contains(listed.groupState().toLowerCase(Locale.ROOT)))) {
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
     * GROUP_ID_NOT_FOUND from v6; so is a consumer group, which ConsumerGroupDescribe describes
     * (Kafka answers so: the admin client asks ConsumerGroupDescribe first).
     */
    public DescribedGroup describeGroup(String groupId, short apiVersion) {
        Group found = invalidGroupId(groupId) ? null : existing(groupId);
        String why = found instanceof ConsumerGroup ? "Group " + groupId + " is not a classic group."
                : "Group " + groupId + " not found.";
        DescribedGroup notFound = apiVersion >= 6
                ? DescribeGroupsResponse.groupError(groupId, Errors.GROUP_ID_NOT_FOUND, why)
                : new DescribedGroup().setGroupId(groupId).setGroupState(GroupState.DEAD.kafkaName());
        if (!(found instanceof ClassicGroup group)) {
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

    /** Deletes groups of another kind (share groups) in DeleteGroups. */
    @FunctionalInterface
    public interface GroupDeleter {
        /** The answer for {@code groupId}, or null when it is not a group of this kind. */
        Errors delete(String groupId);
    }

    private final List<GroupDeleter> otherDeleters = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Lets DeleteGroups delete {@code deleter}'s groups, those that are not classic or consumer groups. */
    public void deleteAlso(GroupDeleter deleter) {
        otherDeleters.add(deleter);
    }

    /** DeleteGroups for one group: only a group without members can go, with all its offsets. */
    public Errors deleteGroup(String groupId) {
        if (invalidGroupId(groupId)) {
            return Errors.INVALID_GROUP_ID;
        }
        Group group = existing(groupId);
        if (group == null) {
            for (GroupDeleter deleter : otherDeleters) {
                Errors answer = deleter.delete(groupId);
                if (answer != null) {
                    return answer;
                }
            }
            return Errors.GROUP_ID_NOT_FOUND;
        }
        return locked(group, () -> {
            if (group.isDead()) {
                return Errors.GROUP_ID_NOT_FOUND;
            }
            if (!group.isEmpty()) {
                return Errors.NON_EMPTY_GROUP;
            }
            try {
                offsets.deleteGroup(groupId);
            } catch (IOException e) {
                log.warn("Deleting group {} failed: {}", groupId, e.toString());
                return Errors.COORDINATOR_NOT_AVAILABLE;
            }
            group.markDead();
            groups.remove(groupId, group);
            log.info("Group {} deleted", groupId);
            return Errors.NONE;
        });
    }

    /** How many members a group, classic or consumer, has now; 0 for one that does not exist (the admin endpoint's listing). */
    public int memberCount(String groupId) {
        Group group = existing(groupId);
        return group == null ? 0 : locked(group, group::size);
    }

    /**
     * Sets an empty group's committed offsets, as {@code kafka-consumer-groups --reset-offsets
     * --execute} does: an OffsetCommit naming no member, which the group refuses while it has
     * members, under the group's lock, so a member joining meanwhile cannot race it.
     *
     * @return NONE; an error naming the member check (UNKNOWN_MEMBER_ID, …) when the group has members; COORDINATOR_NOT_AVAILABLE when the
     *         offsets could not be stored; INVALID_GROUP_ID for an empty name
     */
    public Errors resetOffsets(String groupId, Map<TopicPartition, Long> offsets) {
        Map<TopicPartition, CommittedOffset> commits = new LinkedHashMap<>();
        offsets.forEach((tp, offset) -> commits.put(tp, new CommittedOffset(offset, -1, "", 0)));
        return commitOffsets(groupId, "", null, -1, (short) 9, commits).values().stream()
                .filter(e -> e != Errors.NONE).findFirst().orElse(Errors.NONE);
    }

    /** The state of a classic group, if it exists (for tests and the admin console). */
    public Optional<GroupState> state(String groupId) {
        ClassicGroup group = existingClassic(groupId);
        return group == null ? Optional.empty() : Optional.of(locked(group, group::state));
    }
}
