package dev.trilog.kafka.group;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
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
 * The classic protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) spoken by members of a
 * KIP-848 consumer group — the members of a classic group that was upgraded, and classic
 * consumers joining a consumer group that has members — as Kafka 4.x's
 * {@code GroupMetadataManager} serves them: the assignment is the server's, as for every member;
 * a JoinGroup is the member's reconciliation step, with what it still owns taken from its
 * subscription (an eager consumer owns nothing when it rejoins); SyncGroup hands the member the
 * partitions it holds; a Heartbeat answers REBALANCE_IN_PROGRESS when the member must rejoin
 * to move on (the group epoch moved, it has partitions to give up, or what it waited for was
 * released). The generation of such a member is its member epoch. Each step runs under the
 * group's lock.
 */
final class ClassicProtocolMembers {

    private static final Logger log = LoggerFactory.getLogger(ClassicProtocolMembers.class);

    /** A member told to rejoin must, within its rebalance timeout, or it is removed (its partitions move on). */
    static final String JOIN_TIMEOUT = "classic-join-";

    private final ConsumerMembership membership;
    private final EmbeddedConsumerProtocol protocol;
    private final ReplacementListener onReplacement;

    /** Hears of a static member replaced by one joining over the classic protocol, under the group's lock. */
    @FunctionalInterface
    interface ReplacementListener {
        /** The replacement is done and the newcomer reconciled; only classic members may be left (a downgrade may follow). */
        void replaced(ConsumerGroup group, ConsumerGroupMember previous);
    }

    ClassicProtocolMembers(ConsumerMembership membership, EmbeddedConsumerProtocol protocol,
            ReplacementListener onReplacement) {
        this.membership = membership;
        this.protocol = protocol;
        this.onReplacement = onReplacement;
    }

    /** JoinGroup to a consumer group with members (Kafka's classicGroupJoinToConsumerGroup); answered at once. */
    JoinGroupResponseData join(ConsumerGroup group, Membership.Client client, JoinGroupRequestData request) {
        String memberId = request.memberId();
        List<GroupMember.Protocol> protocols = GroupMember.protocolsOf(request.protocols());
        if (group.isDead()) {
            return ClassicGroup.joinError(Errors.COORDINATOR_NOT_AVAILABLE, memberId);
        }
        Optional<ConsumerPartitionAssignor.Subscription> subscription = protocols.isEmpty() ? Optional.empty()
                : EmbeddedConsumerProtocol.subscription(protocols.get(0).metadata());
        if (!group.supportsClassicProtocols(request.protocolType(), protocols) || subscription.isEmpty()) {
            return ClassicGroup.joinError(Errors.INCONSISTENT_GROUP_PROTOCOL, memberId);
        }
        ConsumerGroupMember member;
        ConsumerGroupMember replaced = null;
        if (memberId.isEmpty()) {
            String newMemberId = (request.groupInstanceId() != null ? request.groupInstanceId() : client.clientId())
                    + "-" + UUID.randomUUID();
            if (group.size() >= membership.settings().maxSize()) {
                return ClassicGroup.joinError(Errors.GROUP_MAX_SIZE_REACHED, memberId); // Kafka's order: a full group refuses replacements too
            }
            if (request.groupInstanceId() == null && JoinGroupRequest.requiresKnownMemberId(client.apiVersion())) {
                // as for a classic group: the id first, so a retried join leaves no ghost member
                return ClassicGroup.joinError(Errors.MEMBER_ID_REQUIRED, newMemberId);
            }
            replaced = request.groupInstanceId() == null ? null : group.staticMember(request.groupInstanceId());
            // a static member restarted: as in Kafka, it replaces the one holding its instance id, whichever
            // protocol that one speaks, and takes over its partitions (no release needed first)
            member = replaced != null ? membership.replaceStatic(group, replaced, newMemberId)
                    : new ConsumerGroupMember(newMemberId);
        } else {
            member = group.member(memberId);
            if (member == null) {
                if (request.groupInstanceId() != null || group.size() >= membership.settings().maxSize()) {
                    return ClassicGroup.joinError(request.groupInstanceId() != null ? Errors.UNKNOWN_MEMBER_ID
                            : Errors.GROUP_MAX_SIZE_REACHED, memberId);
                }
                member = new ConsumerGroupMember(memberId); // the id MEMBER_ID_REQUIRED handed out
            } else if (!member.usesClassicProtocol()) {
                return ClassicGroup.joinError(Errors.UNKNOWN_MEMBER_ID, memberId);
            }
        }
        if (request.groupInstanceId() != null) {
            ConsumerGroupMember owner = group.staticMember(request.groupInstanceId());
            if (owner != null && owner != member) {
                // a known member id that is not the instance's holder: an old incarnation, fenced as in Kafka
                return ClassicGroup.joinError(Errors.FENCED_INSTANCE_ID, memberId);
            }
        }
        ConsumerPartitionAssignor.Subscription wanted = subscription.get();
        boolean subscriptionChanged = !wanted.topics().equals(member.subscribedTopicNames) || member.serverAssignor != null;
        member.instanceId = request.groupInstanceId();
        member.rackId = wanted.rackId().orElse(null);
        member.rebalanceTimeoutMs = request.rebalanceTimeoutMs();
        member.serverAssignor = null; // the classic protocol names client-side assignors: the group's default applies
        member.subscribedTopicNames = List.copyOf(wanted.topics());
        member.subscribedTopicRegex = null;
        member.clientId = client.clientId();
        member.clientHost = client.clientHost();
        member.classic = new ConsumerGroupMember.ClassicProtocol(request.sessionTimeoutMs(), protocols);
        // what the member owns as it rejoins: an eager consumer gave up everything first
        membership.advance(group, member, subscriptionChanged, protocol.byId(wanted.ownedPartitions()));
        membership.scheduleSession(group, member);
        group.cancel(JOIN_TIMEOUT + member.memberId);
        log.debug("Member {} of consumer group {} (classic protocol) joined at epoch {}", member.memberId,
                group.groupId(), member.epoch());
        JoinGroupResponseData answer = new JoinGroupResponseData().setMemberId(member.memberId).setGenerationId(member.epoch())
                .setProtocolType(ConsumerProtocol.PROTOCOL_TYPE).setProtocolName(member.classic.preferred().name())
                .setLeader("").setMembers(new ArrayList<>());
        if (replaced != null) {
            onReplacement.replaced(group, replaced); // last: the group may stop being a consumer group here
        }
        return answer;
    }

    /** SyncGroup from a member speaking the classic protocol: the partitions it holds now. */
    SyncGroupResponseData sync(ConsumerGroup group, SyncGroupRequestData request) {
        try {
            ConsumerGroupMember member = classicMember(group, request.memberId(), request.groupInstanceId());
            ConsumerGroup.validateGeneration(member, request.generationId());
            if ((request.protocolType() != null && !ConsumerProtocol.PROTOCOL_TYPE.equals(request.protocolType()))
                    || (request.protocolName() != null
                            && !request.protocolName().equals(member.classic.preferred().name()))) {
                throw Errors.INCONSISTENT_GROUP_PROTOCOL.exception();
            }
            if (group.groupEpoch() > member.epoch()
                    && member.assignment.state() != MemberAssignment.State.UNREVOKED_PARTITIONS) {
                expectRejoin(group, member);
                throw Errors.REBALANCE_IN_PROGRESS.exception("A new rebalance is triggered in group " + group.groupId()
                        + " and member " + member.memberId + " should rejoin to catch up.");
            }
            membership.scheduleSession(group, member);
            return new SyncGroupResponseData().setProtocolType(ConsumerProtocol.PROTOCOL_TYPE)
                    .setProtocolName(member.classic.preferred().name())
                    .setAssignment(protocol.serializeAssignment(member.assignment.assigned(),
                            member.classic.preferred().metadata()));
        } catch (org.apache.kafka.common.errors.ApiException e) {
            return new SyncGroupResponseData().setErrorCode(Errors.forException(e).code());
        }
    }

    /** Heartbeat: REBALANCE_IN_PROGRESS when the member must rejoin to move towards its target. */
    Errors heartbeat(ConsumerGroup group, HeartbeatRequestData request) {
        try {
            ConsumerGroupMember member = classicMember(group, request.memberId(), request.groupInstanceId());
            ConsumerGroup.validateGeneration(member, request.generationId());
            membership.scheduleSession(group, member);
            MemberAssignment.State state = member.assignment.state();
            boolean rejoin = member.epoch() < group.groupEpoch()
                    || state == MemberAssignment.State.UNREVOKED_PARTITIONS
                    || state == MemberAssignment.State.UNRELEASED_PARTITIONS && !group.waitsForUnreleasedPartition(member);
            if (!rejoin) {
                return Errors.NONE;
            }
            expectRejoin(group, member);
            return Errors.REBALANCE_IN_PROGRESS;
        } catch (org.apache.kafka.common.errors.ApiException e) {
            return Errors.forException(e);
        }
    }

    /** A member told to rejoin has its rebalance timeout to do so (Kafka's join timeout, started once). */
    private void expectRejoin(ConsumerGroup group, ConsumerGroupMember member) {
        String memberId = member.memberId;
        if (!group.isScheduled(JOIN_TIMEOUT + memberId)) {
            group.schedule(JOIN_TIMEOUT + memberId, Math.max(1, member.rebalanceTimeoutMs), () -> {
                log.info("Member {} of consumer group {} (classic protocol) removed: it did not rejoin within its"
                        + " rebalance timeout", memberId, group.groupId());
                membership.remove(group, memberId);
            });
        }
    }

    /** LeaveGroup of members speaking the classic protocol; each leaves with its partitions freed. */
    List<MemberResponse> leave(ConsumerGroup group, List<MemberIdentity> leaving) {
        List<MemberResponse> answers = new ArrayList<>();
        for (MemberIdentity identity : leaving) {
            String memberId = identity.memberId();
            try {
                ConsumerGroupMember member = identity.groupInstanceId() != null && memberId.isEmpty()
                        ? staticMember(group, identity.groupInstanceId()) // the admin client removes by instance id
                        : classicMember(group, memberId, identity.groupInstanceId());
                if (!member.usesClassicProtocol()) {
                    throw Errors.UNKNOWN_MEMBER_ID.exception();
                }
                membership.remove(group, member.memberId);
                log.info("Member {} left consumer group {} (classic protocol)", member.memberId, group.groupId());
                answers.add(new MemberResponse().setMemberId(member.memberId)
                        .setGroupInstanceId(identity.groupInstanceId()));
            } catch (org.apache.kafka.common.errors.ApiException e) {
                answers.add(new MemberResponse().setMemberId(memberId).setGroupInstanceId(identity.groupInstanceId())
                        .setErrorCode(Errors.forException(e).code()));
            }
        }
        return answers;
    }

    /** The member, checked as Kafka does: known (by instance id too) and speaking the classic protocol, else UNKNOWN_MEMBER_ID. */
    private static ConsumerGroupMember classicMember(ConsumerGroup group, String memberId, String instanceId) {
        ConsumerGroupMember member;
        if (instanceId != null) {
            member = staticMember(group, instanceId);
            if (!member.memberId.equals(memberId)) {
                throw Errors.FENCED_INSTANCE_ID.exception("Static member " + memberId + " with instance id "
                        + instanceId + " was fenced by member " + member.memberId + ".");
            }
        } else {
            member = group.member(memberId);
        }
        if (member == null || !member.usesClassicProtocol()) {
            throw Errors.UNKNOWN_MEMBER_ID.exception("Member " + memberId + " is not a member of group "
                    + group.groupId() + " speaking the classic protocol.");
        }
        return member;
    }

    private static ConsumerGroupMember staticMember(ConsumerGroup group, String instanceId) {
        ConsumerGroupMember member = group.staticMember(instanceId);
        if (member == null) {
            throw Errors.UNKNOWN_MEMBER_ID.exception("Member with instance id " + instanceId
                    + " is not a member of group " + group.groupId() + ".");
        }
        return member;
    }
}
