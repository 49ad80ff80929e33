package dev.trilog.kafka.group;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of one classic group — members, generation, leader, chosen protocol — and its
 * timeouts. Everything here is guarded by the group's own monitor: callers enter through
 * {@link #locked}, which also completes, after the lock is released, the JoinGroup and SyncGroup
 * answers that the operation produced, so no client write happens under the lock.
 *
 * <p>The rules follow Kafka's {@code ClassicGroup}; the protocol steps that use them are in
 * {@link Membership}.
 */
final class ClassicGroup extends Group {

    private static final Logger log = LoggerFactory.getLogger(ClassicGroup.class);

    private GroupState state = GroupState.EMPTY;
    private GroupState previousState = GroupState.EMPTY;
    private int generationId;
    private String protocolType;
    private String protocolName;
    private String leaderId;
    private final Map<String, GroupMember> members = new LinkedHashMap<>();
    private final Map<String, String> staticMembers = new HashMap<>();
    private final Set<String> pendingJoinMembers = new HashSet<>();
    private final Set<String> pendingSyncMembers = new HashSet<>();
    private final Map<String, Integer> supportedProtocols = new HashMap<>();
    private int numMembersAwaitingJoin;
    private boolean newMemberAdded;
    private Set<String> subscribedTopics;

    ClassicGroup(String groupId, GroupTimer timer) {
        super(groupId, timer);
    }

    // ---- identity and state

    /** What ListGroups reports as the type of a classic group. */
    static final String GROUP_TYPE = "classic";

    @Override
    boolean isDead() {
        return state == GroupState.DEAD;
    }

    @Override
    void markDead() {
        transitionTo(GroupState.DEAD);
        cancelAllTimeouts();
    }

    @Override
    boolean isEmpty() {
        return state == GroupState.EMPTY;
    }

    @Override
    ListedGroup listed() {
        return new ListedGroup().setGroupId(groupId()).setProtocolType(protocolType == null ? "" : protocolType)
                .setGroupState(state.kafkaName()).setGroupType(GROUP_TYPE);
    }

    GroupState state() {
        return state;
    }

    GroupState previousState() {
        return previousState;
    }

    boolean is(GroupState candidate) {
        return state == candidate;
    }

    void transitionTo(GroupState next) {
        if (!next.validPrevious().contains(state)) {
            throw new IllegalStateException("group " + groupId() + " cannot go from " + state + " to " + next);
        }
        previousState = state;
        state = next;
    }

    boolean canRebalance() {
        return GroupState.PREPARING_REBALANCE.validPrevious().contains(state);
    }

    int generationId() {
        return generationId;
    }

    /** The protocol type of the members ({@code consumer} for consumers); null for a group that only commits offsets. */
    String protocolType() {
        return protocolType;
    }

    /** The protocol chosen for the current generation; null when there is none. */
    String protocolName() {
        return protocolName;
    }

    String leaderId() {
        return leaderId;
    }

    boolean isLeader(String memberId) {
        return memberId.equals(leaderId);
    }

    boolean newMemberAdded() {
        return newMemberAdded;
    }

    void setNewMemberAdded(boolean added) {
        this.newMemberAdded = added;
    }

    // ---- members

    boolean hasMembers() {
        return !members.isEmpty();
    }

    @Override
    int size() {
        return members.size();
    }

    GroupMember member(String memberId) {
        return members.get(memberId);
    }

    Collection<GroupMember> members() {
        return List.copyOf(members.values());
    }

    /** The member id now holding {@code groupInstanceId}; null if none. */
    String staticMemberId(String groupInstanceId) {
        return staticMembers.get(groupInstanceId);
    }

    boolean isPendingMember(String memberId) {
        return pendingJoinMembers.contains(memberId);
    }

    void addPendingMember(String memberId) {
        pendingJoinMembers.add(memberId);
    }

    void removePendingMember(String memberId) {
        pendingJoinMembers.remove(memberId);
    }

    /** Adds a member, with its JoinGroup answer to give once the join phase completes. */
    void add(GroupMember member, CompletableFuture<JoinGroupResponseData> joinFuture) {
        if (member.isStatic()) {
            staticMembers.put(member.groupInstanceId(), member.memberId());
        }
        if (members.isEmpty()) {
            protocolType = member.protocolType();
        }
        members.put(member.memberId(), member);
        countProtocols(member, 1);
        member.awaitJoin(joinFuture);
        if (joinFuture != null) {
            numMembersAwaitingJoin++;
        }
        pendingJoinMembers.remove(member.memberId());
        if (leaderId == null) {
            leaderId = member.memberId();
        }
    }

    /**
     * Removes a member. A JoinGroup or SyncGroup it still waits on is answered UNKNOWN_MEMBER_ID,
     * so no request is left unanswered; the leader passes to another member.
     */
    void remove(String memberId) {
        GroupMember removed = members.remove(memberId);
        if (removed != null) {
            countProtocols(removed, -1);
            if (removed.isAwaitingJoin()) {
                numMembersAwaitingJoin--;
                complete(removed.awaitingJoin(), joinError(Errors.UNKNOWN_MEMBER_ID, ""));
                removed.awaitJoin(null);
            }
            if (removed.isAwaitingSync()) {
                complete(removed.awaitingSync(), new SyncGroupResponseData().setErrorCode(Errors.UNKNOWN_MEMBER_ID.code()));
                removed.awaitSync(null);
            }
            if (removed.isStatic()) {
                staticMembers.remove(removed.groupInstanceId(), memberId);
            }
        }
        if (isLeader(memberId)) {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
        pendingJoinMembers.remove(memberId);
        pendingSyncMembers.remove(memberId);
    }

    /**
     * A static member that restarted takes over under a new member id: the old id is fenced (any
     * answer it waits for is FENCED_INSTANCE_ID), the assignment and leadership carry over.
     */
    GroupMember replaceStaticMember(String groupInstanceId, String oldMemberId, String newMemberId) {
        GroupMember old = members.remove(oldMemberId);
        if (old == null) {
            throw new IllegalStateException("no member " + oldMemberId + " for instance " + groupInstanceId);
        }
        if (old.isAwaitingJoin()) {
            numMembersAwaitingJoin--;
            complete(old.awaitingJoin(), joinError(Errors.FENCED_INSTANCE_ID, oldMemberId));
            old.awaitJoin(null);
        }
        if (old.isAwaitingSync()) {
            complete(old.awaitingSync(), new SyncGroupResponseData().setErrorCode(Errors.FENCED_INSTANCE_ID.code()));
            old.awaitSync(null);
        }
        GroupMember replacement = old.withMemberId(newMemberId);
        members.put(newMemberId, replacement);
        if (isLeader(oldMemberId)) {
            leaderId = newMemberId;
        }
        staticMembers.put(groupInstanceId, newMemberId);
        pendingSyncMembers.remove(oldMemberId);
        return replacement;
    }

    /** New protocols and timeouts for a rejoining member, and the JoinGroup answer it now waits for (or none). */
    void updateMember(GroupMember member, List<GroupMember.Protocol> protocols, int rebalanceTimeoutMs,
            int sessionTimeoutMs, CompletableFuture<JoinGroupResponseData> joinFuture) {
        countProtocols(member, -1);
        member.update(protocols, rebalanceTimeoutMs, sessionTimeoutMs);
        countProtocols(member, 1);
        if (member.isAwaitingJoin()) {
            // A second JoinGroup replaces the first, which still gets an answer to retry on.
            complete(member.awaitingJoin(), joinError(Errors.REBALANCE_IN_PROGRESS, member.memberId()));
            numMembersAwaitingJoin--;
        }
        member.awaitJoin(joinFuture);
        if (joinFuture != null) {
            numMembersAwaitingJoin++;
        }
    }

    /**
     * The classic group a consumer group becomes when its last consumer-protocol member left
     * (Kafka's downgrade): its members, each with its assignment in the consumer protocol, at
     * the group epoch as generation, Stable — the caller then starts a rebalance, so that every
     * member rejoins and the leader assigns again.
     */
    static ClassicGroup downgraded(String groupId, GroupTimer timer, int generation, List<GroupMember> members) {
        ClassicGroup group = new ClassicGroup(groupId, timer);
        members.forEach(member -> group.add(member, null));
        group.generationId = generation;
        group.protocolName = group.selectProtocol();
        group.subscribedTopics = group.computeSubscribedTopics();
        group.previousState = GroupState.COMPLETING_REBALANCE;
        group.state = GroupState.STABLE;
        return group;
    }

    /** Answers every pending JoinGroup and SyncGroup with {@code error} (the group is upgraded: they join again). */
    void answerEveryoneWaiting(Errors error) {
        for (GroupMember member : members.values()) {
            completeJoin(member, joinError(error, member.memberId()));
            completeSync(member, new SyncGroupResponseData().setErrorCode(error.code()));
        }
    }

    /** Answers the member's pending JoinGroup, if any. */
    void completeJoin(GroupMember member, JoinGroupResponseData response) {
        if (member.isAwaitingJoin()) {
            complete(member.awaitingJoin(), response);
            member.awaitJoin(null);
            numMembersAwaitingJoin--;
        }
    }

    /** Answers the member's pending SyncGroup, if any; true if there was one. */
    boolean completeSync(GroupMember member, SyncGroupResponseData response) {
        if (member.isAwaitingSync()) {
            complete(member.awaitingSync(), response);
            member.awaitSync(null);
            return true;
        }
        return false;
    }

    boolean hasAllMembersJoined() {
        return members.size() == numMembersAwaitingJoin && pendingJoinMembers.isEmpty();
    }

    /** The longest rebalance timeout of the members: how long a rebalance may wait for them. */
    int rebalanceTimeoutMs() {
        int max = 0;
        for (GroupMember member : members.values()) {
            max = Math.max(max, member.rebalanceTimeoutMs());
        }
        return max;
    }

    // ---- the SyncGroup barrier

    void addPendingSyncMember(String memberId) {
        pendingSyncMembers.add(memberId);
    }

    void removePendingSyncMember(String memberId) {
        pendingSyncMembers.remove(memberId);
    }

    boolean hasReceivedSyncFromAllMembers() {
        return pendingSyncMembers.isEmpty();
    }

    Set<String> pendingSyncMembers() {
        return Set.copyOf(pendingSyncMembers);
    }

    // ---- protocols and generations

    private void countProtocols(GroupMember member, int delta) {
        for (GroupMember.Protocol protocol : member.protocols()) {
            supportedProtocols.merge(protocol.name(), delta, Integer::sum);
        }
    }

    /** Whether a member of this type offering these protocols could join: the first member sets the type. */
    boolean supportsProtocols(String memberProtocolType, List<GroupMember.Protocol> memberProtocols) {
        if (members.isEmpty()) {
            return memberProtocolType != null && !memberProtocolType.isEmpty() && !memberProtocols.isEmpty();
        }
        if (!memberProtocolType.equals(protocolType)) {
            return false;
        }
        for (GroupMember.Protocol protocol : memberProtocols) {
            if (supportedProtocols.getOrDefault(protocol.name(), 0) == members.size()) {
                return true;
            }
        }
        return false;
    }

    /** The protocol every member supports that most members prefer (ties: the first to get that count). */
    String selectProtocol() {
        Set<String> candidates = new HashSet<>();
        supportedProtocols.forEach((name, count) -> {
            if (count == members.size()) {
                candidates.add(name);
            }
        });
        Map<String, Integer> votes = new LinkedHashMap<>();
        String winner = null;
        int best = 0;
        for (GroupMember member : members.values()) {
            String vote = member.vote(candidates);
            int count = votes.merge(vote, 1, Integer::sum);
            if (count > best) {
                best = count;
                winner = vote;
            }
        }
        return winner;
    }

    /** When the leader did not rejoin, another member that did becomes leader; false if none did. */
    boolean maybeElectNewJoinedLeader() {
        if (leaderId == null) {
            return false;
        }
        GroupMember leader = members.get(leaderId);
        if (leader != null && leader.isAwaitingJoin()) {
            return true;
        }
        for (GroupMember member : members.values()) {
            if (member.isAwaitingJoin()) {
                leaderId = member.memberId();
                return true;
            }
        }
        return false;
    }

    /** Starts the next generation: CompletingRebalance with a protocol, or Empty when nobody is left. */
    void initNextGeneration() {
        generationId++;
        if (!members.isEmpty()) {
            protocolName = selectProtocol();
            subscribedTopics = computeSubscribedTopics();
            transitionTo(GroupState.COMPLETING_REBALANCE);
        } else {
            protocolName = null;
            subscribedTopics = computeSubscribedTopics();
            transitionTo(GroupState.EMPTY);
        }
        pendingSyncMembers.clear();
    }

    /** What the leader gets in its JoinGroup answer: every member with its metadata for the chosen protocol. */
    List<JoinGroupResponseMember> membersForLeader() {
        List<JoinGroupResponseMember> result = new ArrayList<>(members.size());
        for (GroupMember member : members.values()) {
            result.add(new JoinGroupResponseMember().setMemberId(member.memberId())
                    .setGroupInstanceId(member.groupInstanceId()).setMetadata(member.metadata(protocolName)));
        }
        return result;
    }

    /**
     * Checks that {@code memberId} (and, for a static member, its instance id) is a current
     * member: UNKNOWN_MEMBER_ID if not, FENCED_INSTANCE_ID if the instance id now belongs to
     * another member id.
     */
    void validateMember(String memberId, String groupInstanceId) {
        if (groupInstanceId != null) {
            String current = staticMembers.get(groupInstanceId);
            if (current == null) {
                throw Errors.UNKNOWN_MEMBER_ID.exception("instance " + groupInstanceId + " is not a member of " + groupId());
            }
            if (!current.equals(memberId)) {
                throw Errors.FENCED_INSTANCE_ID.exception("instance " + groupInstanceId + " is now member " + current);
            }
        } else if (!members.containsKey(memberId)) {
            throw Errors.UNKNOWN_MEMBER_ID.exception("member " + memberId + " is not in group " + groupId());
        }
    }

    /**
     * Whether an OffsetCommit from this member at this generation may be stored. A generation
     * below 0 from no member is a "simple" commit, allowed while the group has no members.
     */
    @Override
    void validateOffsetCommit(String memberId, String groupInstanceId, int generation, short apiVersion)
            throws ApiException {
        if (state == GroupState.DEAD) {
            throw Errors.COORDINATOR_NOT_AVAILABLE.exception();
        }
        if (generation < 0 && state == GroupState.EMPTY) {
            return;
        }
        if (generation >= 0 || !memberId.isEmpty() || groupInstanceId != null) {
            validateMember(memberId, groupInstanceId);
            if (generation != generationId) {
                throw Errors.ILLEGAL_GENERATION.exception();
            }
        } else if (state != GroupState.EMPTY) {
            throw Errors.UNKNOWN_MEMBER_ID.exception("the group has members; a commit must name one");
        }
        if (state == GroupState.COMPLETING_REBALANCE) {
            throw Errors.REBALANCE_IN_PROGRESS.exception();
        }
    }

    /** The member must be current and the generation this group's (TxnOffsetCommit, KIP-447). */
    @Override
    void validateTransactionalOffsetCommit(String memberId, String groupInstanceId, int generation) throws ApiException {
        if (state == GroupState.DEAD) {
            throw Errors.COORDINATOR_NOT_AVAILABLE.exception();
        }
        validateMember(memberId, groupInstanceId);
        if (generation != generationId) {
            throw Errors.ILLEGAL_GENERATION.exception();
        }
    }

    // ---- subscriptions (OffsetDelete)

    boolean usesConsumerProtocol() {
        return ConsumerProtocol.PROTOCOL_TYPE.equals(protocolType);
    }

    /** The topics the members subscribe to; null when unknown (not a consumer group, or unreadable). */
    private Set<String> computeSubscribedTopics() {
        if (!usesConsumerProtocol()) {
            return null;
        }
        if (members.isEmpty()) {
            return Set.of();
        }
        if (protocolName == null) {
            return null;
        }
        Set<String> topics = new HashSet<>();
        try {
            for (GroupMember member : members.values()) {
                topics.addAll(ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(member.metadata(protocolName))).topics());
            }
        } catch (RuntimeException e) {
            return null; // not the consumer protocol's format after all
        }
        return topics;
    }

    @Override
    Errors validateOffsetDelete() {
        // members of another protocol than "consumer" have subscriptions this broker cannot read
        return state == GroupState.EMPTY || usesConsumerProtocol() ? Errors.NONE : Errors.NON_EMPTY_GROUP;
    }

    @Override
    boolean isSubscribedToTopic(String topic) {
        return subscribedTopics == null ? usesConsumerProtocol() : subscribedTopics.contains(topic);
    }

    static JoinGroupResponseData joinError(Errors error, String memberId) {
        return new JoinGroupResponseData().setErrorCode(error.code()).setMemberId(memberId)
                .setGenerationId(-1).setProtocolName(null).setLeader("");
    }
}
