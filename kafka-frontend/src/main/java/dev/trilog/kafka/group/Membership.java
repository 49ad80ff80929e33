package dev.trilog.kafka.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic rebalance protocol on one group, as Kafka's group coordinator runs it: JoinGroup
 * (with the MEMBER_ID_REQUIRED round, static members, the initial rebalance delay), the join
 * barrier and its rebalance timeout, SyncGroup (the leader's assignment relayed as opaque bytes),
 * Heartbeat, LeaveGroup, and the session and sync timeouts that remove silent members.
 *
 * <p>Every method runs under the group's lock ({@link ClassicGroup#locked}); timeouts re-enter
 * through it.
 */
final class Membership {

    private static final Logger log = LoggerFactory.getLogger(Membership.class);

    /** How long a new member's first JoinGroup may wait before it is dropped (Kafka's group.new.member.join.timeout.ms). */
    static final int NEW_MEMBER_JOIN_TIMEOUT_MS = 300_000;

    private static final String JOIN_TIMEOUT = "join";
    private static final String SYNC_TIMEOUT = "sync";

    private final GroupSettings settings;

    Membership(GroupSettings settings) {
        this.settings = settings;
    }

    /** Who sent a request: what DescribeGroups shows, and the version some answers depend on. */
    record Client(String clientId, String clientHost, short apiVersion) {
    }

    private static String sessionTimeout(String memberId) {
        return "session-" + memberId;
    }

    // ---- JoinGroup

    void join(ClassicGroup group, Client client, JoinGroupRequestData request,
            CompletableFuture<JoinGroupResponseData> response) {
        String memberId = request.memberId();
        List<GroupMember.Protocol> protocols = GroupMember.protocolsOf(request.protocols());
        if (group.is(GroupState.DEAD)) {
            group.complete(response, ClassicGroup.joinError(Errors.COORDINATOR_NOT_AVAILABLE, memberId));
        } else if (!group.supportsProtocols(request.protocolType(), protocols)) {
            group.complete(response, ClassicGroup.joinError(Errors.INCONSISTENT_GROUP_PROTOCOL, memberId));
        } else if (memberId.isEmpty()) {
            joinNewMember(group, client, request, protocols, response);
        } else {
            joinExistingMember(group, client, request, protocols, response);
        }
    }

    private void joinNewMember(ClassicGroup group, Client client, JoinGroupRequestData request,
            List<GroupMember.Protocol> protocols, CompletableFuture<JoinGroupResponseData> response) {
        String instanceId = request.groupInstanceId();
        String newMemberId = (instanceId != null ? instanceId : client.clientId()) + "-" + UUID.randomUUID();
        if (instanceId != null) {
            String existing = group.staticMemberId(instanceId);
            if (existing != null) {
                replaceStaticMember(group, client, request, protocols, existing, newMemberId, response);
            } else {
                addMemberAndRebalance(group, client, request, protocols, newMemberId, response);
            }
        } else if (JoinGroupRequest.requiresKnownMemberId(client.apiVersion())) {
            // v4+: hand out the id first, so a client that times out and retries does not leave ghost members.
            group.addPendingMember(newMemberId);
            group.schedule(sessionTimeout(newMemberId), request.sessionTimeoutMs(), () -> expireSession(group, newMemberId));
            group.complete(response, ClassicGroup.joinError(Errors.MEMBER_ID_REQUIRED, newMemberId));
        } else {
            addMemberAndRebalance(group, client, request, protocols, newMemberId, response);
        }
    }

    private void joinExistingMember(ClassicGroup group, Client client, JoinGroupRequestData request,
            List<GroupMember.Protocol> protocols, CompletableFuture<JoinGroupResponseData> response) {
        String memberId = request.memberId();
        if (group.isPendingMember(memberId)) {
            if (request.groupInstanceId() != null) {
                group.complete(response, ClassicGroup.joinError(Errors.UNKNOWN_MEMBER_ID, memberId));
            } else {
                addMemberAndRebalance(group, client, request, protocols, memberId, response);
            }
            return;
        }
        try {
            group.validateMember(memberId, request.groupInstanceId());
        } catch (ApiException e) {
            group.complete(response, ClassicGroup.joinError(Errors.forException(e), memberId));
            return;
        }
        GroupMember member = group.member(memberId);
        switch (group.state()) {
            case PREPARING_REBALANCE -> updateMemberAndRebalance(group, member, request, protocols, response);
            case COMPLETING_REBALANCE -> {
                if (member.matches(protocols)) {
                    // The member missed our answer; give it again.
                    group.complete(response, currentGeneration(group, memberId, group.isLeader(memberId), false));
                } else {
                    updateMemberAndRebalance(group, member, request, protocols, response);
                }
            }
            case STABLE -> {
                if (group.isLeader(memberId) || !member.matches(protocols)) {
                    // The leader rejoins to have metadata changes (e.g. new partitions) assigned.
                    updateMemberAndRebalance(group, member, request, protocols, response);
                } else {
                    group.complete(response, currentGeneration(group, memberId, false, false));
                }
            }
            default -> group.complete(response, ClassicGroup.joinError(Errors.UNKNOWN_MEMBER_ID, memberId));
        }
    }

    private void addMemberAndRebalance(ClassicGroup group, Client client, JoinGroupRequestData request,
            List<GroupMember.Protocol> protocols, String memberId, CompletableFuture<JoinGroupResponseData> response) {
        GroupMember member = new GroupMember(memberId, request.groupInstanceId(), client.clientId(), client.clientHost(),
                request.rebalanceTimeoutMs(), request.sessionTimeoutMs(), request.protocolType(), protocols);
        member.setNew(true);
        if (group.is(GroupState.PREPARING_REBALANCE) && group.previousState() == GroupState.EMPTY) {
            group.setNewMemberAdded(true);
        }
        group.add(member, response);
        // A new member cannot heartbeat before its first answer; a bounded wait stands in for the session.
        group.schedule(sessionTimeout(memberId), NEW_MEMBER_JOIN_TIMEOUT_MS, () -> expireSession(group, memberId));
        maybePrepareRebalanceOrCompleteJoin(group);
    }

    private void updateMemberAndRebalance(ClassicGroup group, GroupMember member, JoinGroupRequestData request,
            List<GroupMember.Protocol> protocols, CompletableFuture<JoinGroupResponseData> response) {
        group.updateMember(member, protocols, request.rebalanceTimeoutMs(), request.sessionTimeoutMs(), response);
        maybePrepareRebalanceOrCompleteJoin(group);
    }

    /**
     * A static member restarted (new member id, same instance id): it takes the old member's place.
     * In a stable group whose chosen protocol stays the same, there is no rebalance at all; the
     * member gets the current generation and, from SyncGroup, its old assignment.
     */
    private void replaceStaticMember(ClassicGroup group, Client client, JoinGroupRequestData request,
            List<GroupMember.Protocol> protocols, String oldMemberId, String newMemberId,
            CompletableFuture<JoinGroupResponseData> response) {
        String leaderBefore = group.leaderId();
        group.cancel(sessionTimeout(oldMemberId));
        GroupMember member = group.replaceStaticMember(request.groupInstanceId(), oldMemberId, newMemberId);
        group.updateMember(member, protocols, request.rebalanceTimeoutMs(), request.sessionTimeoutMs(), response);
        scheduleSession(group, member);
        log.info("Static member {} of group {} rejoined as {} (was {})", request.groupInstanceId(), group.groupId(),
                newMemberId, oldMemberId);
        switch (group.state()) {
            case STABLE -> {
                if (group.selectProtocol().equals(group.protocolName())) {
                    boolean leader = group.isLeader(newMemberId);
                    if (JoinGroupRequest.supportsSkippingAssignment(client.apiVersion())) {
                        // v9+: the leader learns the members but keeps the assignment it has.
                        group.completeJoin(member, currentGeneration(group, newMemberId, leader, leader));
                    } else {
                        // Older leaders would reassign; naming the old id as leader makes it a follower.
                        group.completeJoin(member, currentGeneration(group, newMemberId, false, false)
                                .setLeader(leaderBefore));
                    }
                } else {
                    maybePrepareRebalanceOrCompleteJoin(group);
                }
            }
            // The leader may already be assigning to the old member id: start over.
            case COMPLETING_REBALANCE -> prepareRebalance(group);
            case PREPARING_REBALANCE -> maybeCompleteJoinPhase(group);
            default -> throw new IllegalStateException("static member " + request.groupInstanceId()
                    + " rejoined group " + group.groupId() + " in state " + group.state());
        }
    }

    private static JoinGroupResponseData currentGeneration(ClassicGroup group, String memberId, boolean withMembers,
            boolean skipAssignment) {
        return new JoinGroupResponseData()
                .setMembers(withMembers ? group.membersForLeader() : new ArrayList<>())
                .setMemberId(memberId)
                .setGenerationId(group.generationId())
                .setProtocolType(group.protocolType())
                .setProtocolName(group.protocolName())
                .setLeader(group.leaderId())
                .setSkipAssignment(skipAssignment);
    }

    // ---- the join phase

    private void maybePrepareRebalanceOrCompleteJoin(ClassicGroup group) {
        if (group.canRebalance()) {
            prepareRebalance(group);
        } else {
            maybeCompleteJoinPhase(group);
        }
    }

    /**
     * A group just downgraded from a consumer group ({@link GroupMigration}): its members' sessions
     * start; with {@code rebalance}, a rebalance too, so that every member rejoins over the classic
     * protocol (without, the group stays Stable at its generation, each member with what it holds).
     */
    void startDowngraded(ClassicGroup group, boolean rebalance) {
        group.members().forEach(member -> scheduleSession(group, member));
        if (rebalance) {
            prepareRebalance(group);
        }
    }

    /** Starts a rebalance: members waiting for an assignment are told to rejoin, and the join barrier opens. */
    void prepareRebalance(ClassicGroup group) {
        if (group.is(GroupState.COMPLETING_REBALANCE)) {
            resetAndPropagateAssignment(group, Errors.REBALANCE_IN_PROGRESS);
        }
        group.cancel(SYNC_TIMEOUT);
        boolean initial = group.is(GroupState.EMPTY);
        group.transitionTo(GroupState.PREPARING_REBALANCE);
        log.debug("Group {} is rebalancing (generation {})", group.groupId(), group.generationId());
        if (initial) {
            int delay = settings.initialRebalanceDelayMs();
            int remaining = Math.max(group.rebalanceTimeoutMs() - delay, 0);
            group.schedule(JOIN_TIMEOUT, delay, () -> completeInitialRebalanceOrWait(group, delay, remaining));
        } else {
            group.schedule(JOIN_TIMEOUT, group.rebalanceTimeoutMs(), () -> completeJoin(group));
            maybeCompleteJoinPhase(group);
        }
    }

    /** The first rebalance of an empty group waits a little longer while newcomers keep arriving. */
    private void completeInitialRebalanceOrWait(ClassicGroup group, int delayMs, int remainingMs) {
        if (group.newMemberAdded() && remainingMs != 0) {
            group.setNewMemberAdded(false);
            int nextDelay = Math.min(settings.initialRebalanceDelayMs(), remainingMs);
            int nextRemaining = Math.max(remainingMs - delayMs, 0);
            group.schedule(JOIN_TIMEOUT, nextDelay, () -> completeInitialRebalanceOrWait(group, nextDelay, nextRemaining));
        } else {
            completeJoin(group);
        }
    }

    private void maybeCompleteJoinPhase(ClassicGroup group) {
        if (group.is(GroupState.PREPARING_REBALANCE) && group.hasAllMembersJoined()
                && group.previousState() != GroupState.EMPTY) {
            completeJoin(group);
        }
    }

    /**
     * Closes the join barrier (everyone rejoined, or the rebalance timeout passed): dynamic members
     * that did not rejoin are dropped, the next generation starts, and every waiting member gets
     * its answer — the leader with the member list to assign.
     */
    private void completeJoin(ClassicGroup group) {
        group.cancel(JOIN_TIMEOUT);
        if (group.is(GroupState.DEAD)) {
            return;
        }
        for (GroupMember member : group.members()) {
            if (!member.isAwaitingJoin() && !member.isStatic()) {
                log.info("Member {} of group {} did not rejoin in time and is removed", member.memberId(), group.groupId());
                group.cancel(sessionTimeout(member.memberId()));
                group.remove(member.memberId());
            }
        }
        if (!group.maybeElectNewJoinedLeader() && group.hasMembers()) {
            // Only absent static members are left: wait for them (or their session timeouts) once more.
            group.schedule(JOIN_TIMEOUT, group.rebalanceTimeoutMs(), () -> completeJoin(group));
            return;
        }
        group.initNextGeneration();
        if (group.is(GroupState.EMPTY)) {
            log.info("Group {} is empty at generation {}", group.groupId(), group.generationId());
            return;
        }
        log.info("Group {} entered generation {} with {} members, protocol {}", group.groupId(), group.generationId(),
                group.size(), group.protocolName());
        for (GroupMember member : group.members()) {
            boolean leader = group.isLeader(member.memberId());
            group.completeJoin(member, currentGeneration(group, member.memberId(), leader, false));
            scheduleSession(group, member);
            member.setNew(false);
            group.addPendingSyncMember(member.memberId());
        }
        int generation = group.generationId();
        group.schedule(SYNC_TIMEOUT, group.rebalanceTimeoutMs(), () -> expirePendingSync(group, generation));
    }

    // ---- SyncGroup

    void sync(ClassicGroup group, SyncGroupRequestData request, CompletableFuture<SyncGroupResponseData> response) {
        Errors error = validateSync(group, request);
        if (error != Errors.NONE) {
            group.complete(response, new SyncGroupResponseData().setErrorCode(error.code()));
            return;
        }
        String memberId = request.memberId();
        GroupMember member = group.member(memberId);
        switch (group.state()) {
            case PREPARING_REBALANCE -> group.complete(response,
                    new SyncGroupResponseData().setErrorCode(Errors.REBALANCE_IN_PROGRESS.code()));
            case COMPLETING_REBALANCE -> {
                if (member.isAwaitingSync()) {
                    group.completeSync(member, new SyncGroupResponseData().setErrorCode(Errors.REBALANCE_IN_PROGRESS.code()));
                }
                member.awaitSync(response);
                removePendingSyncMember(group, memberId);
                if (group.isLeader(memberId)) {
                    Map<String, byte[]> assignments = new HashMap<>();
                    for (SyncGroupRequestData.SyncGroupRequestAssignment assignment : request.assignments()) {
                        assignments.put(assignment.memberId(), assignment.assignment());
                    }
                    for (GroupMember each : group.members()) {
                        each.assign(assignments.getOrDefault(each.memberId(), GroupMember.EMPTY_ASSIGNMENT));
                    }
                    propagateAssignment(group, Errors.NONE);
                    group.transitionTo(GroupState.STABLE);
                    log.info("Group {} is stable at generation {}", group.groupId(), group.generationId());
                }
            }
            case STABLE -> {
                removePendingSyncMember(group, memberId);
                group.complete(response, new SyncGroupResponseData().setProtocolType(group.protocolType())
                        .setProtocolName(group.protocolName()).setAssignment(member.assignment()));
            }
            default -> group.complete(response, new SyncGroupResponseData().setErrorCode(Errors.UNKNOWN_MEMBER_ID.code()));
        }
    }

    /**
     * What SyncGroup and Heartbeat both require: a live group, a known member (static members
     * by instance id too), and the current generation.
     */
    private static Errors validateGenerationMember(ClassicGroup group, String memberId, String groupInstanceId,
            int generationId) {
        if (group.is(GroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        try {
            group.validateMember(memberId, groupInstanceId);
        } catch (ApiException e) {
            return Errors.forException(e);
        }
        return generationId != group.generationId() ? Errors.ILLEGAL_GENERATION : Errors.NONE;
    }

    private static Errors validateSync(ClassicGroup group, SyncGroupRequestData request) {
        Errors membership = validateGenerationMember(group, request.memberId(), request.groupInstanceId(),
                request.generationId());
        if (membership != Errors.NONE) {
            return membership;
        }
        if (inconsistent(request.protocolType(), group.protocolType())
                || inconsistent(request.protocolName(), group.protocolName())) {
            return Errors.INCONSISTENT_GROUP_PROTOCOL;
        }
        return Errors.NONE;
    }

    private static boolean inconsistent(String requested, String current) {
        return requested != null && current != null && !requested.equals(current);
    }

    private void removePendingSyncMember(ClassicGroup group, String memberId) {
        group.removePendingSyncMember(memberId);
        if (!group.is(GroupState.COMPLETING_REBALANCE) && !group.is(GroupState.STABLE)
                || group.hasReceivedSyncFromAllMembers()) {
            group.cancel(SYNC_TIMEOUT);
        }
    }

    private void resetAndPropagateAssignment(ClassicGroup group, Errors error) {
        for (GroupMember member : group.members()) {
            member.assign(GroupMember.EMPTY_ASSIGNMENT);
        }
        propagateAssignment(group, error);
    }

    /** Answers every waiting SyncGroup, with its assignment or the error; their sessions restart. */
    private void propagateAssignment(ClassicGroup group, Errors error) {
        for (GroupMember member : group.members()) {
            SyncGroupResponseData answer = new SyncGroupResponseData().setErrorCode(error.code())
                    .setAssignment(member.assignment());
            if (error == Errors.NONE) {
                answer.setProtocolType(group.protocolType()).setProtocolName(group.protocolName());
            }
            if (group.completeSync(member, answer)) {
                scheduleSession(group, member);
            }
        }
    }

    /** Members that got their JoinGroup answer but never asked for their assignment are removed. */
    private void expirePendingSync(ClassicGroup group, int generation) {
        if (generation != group.generationId()
                || !(group.is(GroupState.COMPLETING_REBALANCE) || group.is(GroupState.STABLE))
                || group.hasReceivedSyncFromAllMembers()) {
            return;
        }
        for (String memberId : group.pendingSyncMembers()) {
            log.info("Member {} of group {} did not send SyncGroup in time and is removed", memberId, group.groupId());
            group.cancel(sessionTimeout(memberId));
            group.remove(memberId);
        }
        prepareRebalance(group);
    }

    // ---- Heartbeat and sessions

    Errors heartbeat(ClassicGroup group, HeartbeatRequestData request) {
        Errors membership = validateGenerationMember(group, request.memberId(), request.groupInstanceId(),
                request.generationId());
        if (membership != Errors.NONE) {
            return membership;
        }
        GroupMember member = group.member(request.memberId());
        return switch (group.state()) {
            case PREPARING_REBALANCE -> {
                scheduleSession(group, member);
                yield Errors.REBALANCE_IN_PROGRESS;
            }
            case COMPLETING_REBALANCE, STABLE -> {
                scheduleSession(group, member);
                yield Errors.NONE;
            }
            default -> Errors.UNKNOWN_MEMBER_ID;
        };
    }

    private void scheduleSession(ClassicGroup group, GroupMember member) {
        String memberId = member.memberId();
        group.schedule(sessionTimeout(memberId), member.sessionTimeoutMs(), () -> expireSession(group, memberId));
    }

    /** The member's session (or first-join wait) ran out without a heartbeat. */
    private void expireSession(ClassicGroup group, String memberId) {
        if (group.is(GroupState.DEAD)) {
            return;
        }
        if (group.isPendingMember(memberId)) {
            log.info("Pending member {} of group {} never rejoined and is dropped", memberId, group.groupId());
            group.removePendingMember(memberId);
            maybeCompleteJoinPhase(group);
            return;
        }
        GroupMember member = group.member(memberId);
        if (member == null) {
            return;
        }
        // Members parked in JoinGroup or SyncGroup cannot heartbeat; the rebalance deadlines cover them.
        if (!member.isNew() && (member.isAwaitingJoin() || member.isAwaitingSync())) {
            return;
        }
        log.info("Member {} of group {} timed out after {} ms without a heartbeat", memberId, group.groupId(),
                member.isNew() ? NEW_MEMBER_JOIN_TIMEOUT_MS : member.sessionTimeoutMs());
        removeMemberAndUpdateGroup(group, memberId);
    }

    private void removeMemberAndUpdateGroup(ClassicGroup group, String memberId) {
        group.cancel(sessionTimeout(memberId));
        group.remove(memberId);
        switch (group.state()) {
            case STABLE, COMPLETING_REBALANCE -> maybePrepareRebalanceOrCompleteJoin(group);
            case PREPARING_REBALANCE -> maybeCompleteJoinPhase(group);
            default -> {
            }
        }
    }

    // ---- LeaveGroup

    /** Removes each leaving member (by member id, or by instance id alone for administrative removal). */
    List<MemberResponse> leave(ClassicGroup group, List<MemberIdentity> leaving) {
        List<MemberResponse> responses = new ArrayList<>(leaving.size());
        boolean anyLeft = false;
        for (MemberIdentity identity : leaving) {
            MemberResponse response = new MemberResponse().setMemberId(identity.memberId())
                    .setGroupInstanceId(identity.groupInstanceId());
            responses.add(response);
            String memberId = identity.memberId();
            if (memberId.isEmpty()) {
                String current = identity.groupInstanceId() == null ? null : group.staticMemberId(identity.groupInstanceId());
                if (current == null) {
                    response.setErrorCode(Errors.UNKNOWN_MEMBER_ID.code());
                    continue;
                }
                memberId = current;
            } else if (group.isPendingMember(memberId)) {
                group.removePendingMember(memberId);
                group.cancel(sessionTimeout(memberId));
                anyLeft = true;
                continue;
            } else {
                try {
                    group.validateMember(memberId, identity.groupInstanceId());
                } catch (ApiException e) {
                    response.setErrorCode(Errors.forException(e).code());
                    continue;
                }
            }
            log.info("Member {} left group {}{}", memberId, group.groupId(),
                    identity.reason() == null ? "" : " (" + identity.reason() + ")");
            group.cancel(sessionTimeout(memberId));
            group.remove(memberId);
            anyLeft = true;
        }
        if (anyLeft) {
            switch (group.state()) {
                case STABLE, COMPLETING_REBALANCE -> maybePrepareRebalanceOrCompleteJoin(group);
                case PREPARING_REBALANCE -> maybeCompleteJoinPhase(group);
                default -> {
                }
            }
        }
        return responses;
    }
}
