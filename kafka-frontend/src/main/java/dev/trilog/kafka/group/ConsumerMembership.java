package dev.trilog.kafka.group;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.trilog.log.Topic;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The KIP-848 protocol steps on a {@link ConsumerGroup}, each run under the group's lock: a
 * heartbeat joins, keeps or leaves a member, bumps the group epoch when membership, subscriptions
 * or the subscribed topics change, recomputes the target assignment when it lags the group epoch,
 * and reconciles the member towards its target. Kafka's {@code GroupMetadataManager} is the model.
 *
 * <p>Epochs a heartbeat carries: 0 joins (or rejoins, having given everything up), -1 leaves,
 * -2 is a static member leaving for a while (its partitions stay its own until its session
 * expires), anything else must be the member's epoch (or the one before, with no more than it
 * holds — the answer that bumped it may have been lost).
 */
final class ConsumerMembership {

    private static final Logger log = LoggerFactory.getLogger(ConsumerMembership.class);

    static final String SESSION_TIMEOUT = "session-";
    static final String REVOCATION_TIMEOUT = "revocation-";
    static final int LEAVE_EPOCH = -1;
    static final int STATIC_LEAVE_EPOCH = -2;
    private static final int MAX_CACHED_REGEXES = 1_000;
    /**
     * How often a group looks for topics created, deleted or grown under its subscriptions, at
     * most: resolving every member's subscription (regexes against every topic) on every
     * heartbeat would cost members × topics per heartbeat.
     */
    private static final int TOPIC_CHECK_INTERVAL_MS = 500;

    private final ConsumerGroupSettings settings;
    /** Each group's own session timeout and heartbeat interval, read when used: a change applies from the next heartbeat. */
    private final ConsumerGroupConfig.Lookup groupConfigs;
    private final TopicCatalog topics;
    private final Map<String, Pattern> regexes = new ConcurrentHashMap<>();
    private final RemovalListener onRemoval;

    /** Hears of every member removed (left, fenced, timed out), under the group's lock. */
    @FunctionalInterface
    interface RemovalListener {
        /**
         * @return true when the group stopped being a consumer group (it was downgraded): its epoch
         *         stays as it was, since it becomes the classic generation its members hold
         */
        boolean removed(ConsumerGroup group, ConsumerGroupMember member);
    }

    ConsumerMembership(ConsumerGroupSettings settings, ConsumerGroupConfig.Lookup groupConfigs, TopicCatalog topics,
            RemovalListener onRemoval) {
        this.settings = settings;
        this.groupConfigs = groupConfigs;
        this.topics = topics;
        this.onRemoval = onRemoval;
    }

    ConsumerGroupSettings settings() {
        return settings;
    }

    TopicCatalog topics() {
        return topics;
    }

    /** What a heartbeat's request says beyond its data: who sent it. */
    record Client(String clientId, String clientHost) {
    }

    /** Checks what needs no group (Kafka's throwIfConsumerGroupHeartbeatRequestIsInvalid). */
    void validate(ConsumerGroupHeartbeatRequestData request) {
        invalidIf(request.groupId() == null || request.groupId().isEmpty(), "GroupId can't be empty.");
        invalidIf("".equals(request.instanceId()), "InstanceId can't be empty.");
        invalidIf("".equals(request.rackId()), "RackId can't be empty.");
        int epoch = request.memberEpoch();
        if (epoch == 0) {
            invalidIf(request.rebalanceTimeoutMs() == -1, "RebalanceTimeoutMs must be provided in first request.");
            invalidIf(request.topicPartitions() == null || !request.topicPartitions().isEmpty(),
                    "TopicPartitions must be empty when (re-)joining.");
            invalidIf(request.subscribedTopicNames() == null && request.subscribedTopicRegex() == null,
                    "Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.");
        } else if (epoch == STATIC_LEAVE_EPOCH) {
            invalidIf(request.instanceId() == null, "InstanceId can't be null.");
        } else if (epoch < LEAVE_EPOCH) {
            throw Errors.INVALID_REQUEST.exception("MemberEpoch is invalid.");
        }
        invalidIf(request.memberId() == null || request.memberId().isEmpty(), "MemberId can't be empty.");
        if (request.serverAssignor() != null && !settings.assignors().contains(request.serverAssignor())) {
            throw Errors.UNSUPPORTED_ASSIGNOR.exception("ServerAssignor " + request.serverAssignor()
                    + " is not supported. Supported assignors: " + String.join(", ", settings.assignors()) + ".");
        }
        if (request.subscribedTopicRegex() != null && !request.subscribedTopicRegex().isEmpty()) {
            regex(request.subscribedTopicRegex());
        }
    }

    private static void invalidIf(boolean invalid, String message) {
        if (invalid) {
            throw Errors.INVALID_REQUEST.exception(message);
        }
    }

    private Pattern regex(String regex) {
        if (regexes.size() > MAX_CACHED_REGEXES) {
            regexes.clear(); // a bound, not a policy: compiling again is cheap
        }
        try {
            return regexes.computeIfAbsent(regex, Pattern::compile);
        } catch (PatternSyntaxException e) {
            throw Errors.INVALID_REGULAR_EXPRESSION.exception("SubscribedTopicRegex `" + regex + "` is not a valid"
                    + " regular expression: " + e.getMessage() + ".");
        }
    }

    /** A heartbeat of a member that stays or joins (epoch ≥ 0). */
    ConsumerGroupHeartbeatResponseData heartbeat(ConsumerGroup group, ConsumerGroupHeartbeatRequestData request,
            Client client) {
        ConsumerGroupMember member = memberFor(group, request);
        MemberAssignment before = member.assignment;
        boolean subscriptionChanged = update(member, request, client);
        advance(group, member, subscriptionChanged, TopicPartitions.ofRequest(request.topicPartitions()));
        scheduleTimeouts(group, member, before);

        ConsumerGroupHeartbeatResponseData response = new ConsumerGroupHeartbeatResponseData()
                .setMemberId(member.memberId).setMemberEpoch(member.epoch())
                .setHeartbeatIntervalMs(groupConfigs.consumerGroup(group.groupId()).heartbeatIntervalMs());
        // A full request (joining, or after an error) gets its assignment; otherwise only a change is sent.
        boolean full = request.memberEpoch() == 0 || (request.rebalanceTimeoutMs() != -1
                && (request.subscribedTopicNames() != null || request.subscribedTopicRegex() != null)
                && request.topicPartitions() != null);
        if (full || !member.assignment.assigned().equals(before.assigned())) {
            response.setAssignment(wireAssignment(member.assignment.assigned()));
        }
        return response;
    }

    /**
     * The step every join or heartbeat takes, whichever protocol the member speaks: adds a new
     * member, bumps the group epoch when the subscriptions (or the subscribed topics) changed,
     * recomputes the target when it lags, and reconciles the member towards its target.
     *
     * @param owned what the member says it owns (null: it did not say)
     */
    void advance(ConsumerGroup group, ConsumerGroupMember member, boolean subscriptionChanged, TopicPartitions owned) {
        if (group.member(member.memberId) == null) {
            group.add(member);
            subscriptionChanged = true;
        }
        if (subscriptionChanged || topicsCheckDue(group) && subscribedTopicsChanged(group)) {
            group.bumpGroupEpoch();
        }
        if (group.groupEpoch() > group.assignmentEpoch()) {
            computeTarget(group);
        }
        member.assignment = Reconciliation.next(member.assignment, group.assignmentEpoch(),
                group.targetOf(member.memberId), group.ownership(), owned);
    }

    /** Finds, creates or replaces the member a heartbeat is from, checking its epoch (the fencing rules). */
    private ConsumerGroupMember memberFor(ConsumerGroup group, ConsumerGroupHeartbeatRequestData request) {
        String memberId = request.memberId();
        int epoch = request.memberEpoch();
        ConsumerGroupMember member = group.member(memberId);
        if (epoch == 0) {
            if (member == null && group.size() >= settings.maxSize()) {
                throw Errors.GROUP_MAX_SIZE_REACHED.exception("The consumer group has reached its maximum capacity of "
                        + settings.maxSize() + " members.");
            }
            if (request.instanceId() != null) {
                ConsumerGroupMember previous = group.staticMember(request.instanceId());
                if (previous != null && !previous.memberId.equals(memberId)) {
                    // as in Kafka, only an instance held over this protocol must have been released (-2) first
                    if (previous.epoch() != STATIC_LEAVE_EPOCH && !previous.usesClassicProtocol()) {
                        throw Errors.UNRELEASED_INSTANCE_ID.exception("Static member " + memberId + " with instance id "
                                + request.instanceId() + " cannot join the group because the instance id is owned by "
                                + previous.memberId + " member.");
                    }
                    return replaceStatic(group, previous, memberId);
                }
            }
            if (member == null) {
                return new ConsumerGroupMember(memberId);
            }
            member.assignment = MemberAssignment.JOINING; // it gave up all it had (TopicPartitions is empty)
            return member;
        }
        if (request.instanceId() != null) {
            ConsumerGroupMember owner = group.staticMember(request.instanceId());
            if (owner == null) {
                throw Errors.UNKNOWN_MEMBER_ID.exception("Instance id " + request.instanceId() + " is unknown.");
            }
            if (!owner.memberId.equals(memberId)) {
                throw Errors.FENCED_INSTANCE_ID.exception("Static member " + memberId + " with instance id "
                        + request.instanceId() + " was fenced by member " + owner.memberId + ".");
            }
        }
        if (member == null) {
            throw Errors.UNKNOWN_MEMBER_ID.exception("Member " + memberId + " is not a member of group "
                    + group.groupId() + ".");
        }
        checkEpoch(member, epoch, TopicPartitions.ofRequest(request.topicPartitions()));
        return member;
    }

    /**
     * A static member rejoining under a new member id takes its predecessor's place, partitions
     * and target (Kafka replaces it, whichever protocol either speaks); the group epoch stays.
     */
    ConsumerGroupMember replaceStatic(ConsumerGroup group, ConsumerGroupMember previous, String memberId) {
        ConsumerGroupMember successor = new ConsumerGroupMember(memberId).replacing(previous);
        group.replace(previous, successor);
        log.info("Static member {} of group {} rejoined as {}, replacing {}", previous.instanceId, group.groupId(),
                memberId, previous.memberId);
        return successor;
    }

    private static void checkEpoch(ConsumerGroupMember member, int received, TopicPartitions owned) {
        MemberAssignment a = member.assignment;
        if (received > a.memberEpoch()) {
            throw Errors.FENCED_MEMBER_EPOCH.exception("The consumer group member has a greater member epoch ("
                    + received + ") than the one known by the group coordinator (" + a.memberEpoch()
                    + "). The member must abandon all its partitions and rejoin.");
        }
        if (received < a.memberEpoch()
                && (received != a.previousMemberEpoch() || owned == null || !owned.isSubsetOf(a.assigned()))) {
            throw Errors.FENCED_MEMBER_EPOCH.exception("The consumer group member has a smaller member epoch ("
                    + received + ") than the one known by the group coordinator (" + a.memberEpoch()
                    + "). The member must abandon all its partitions and rejoin.");
        }
    }

    /** Takes what the heartbeat changed; true if the subscription (hence maybe the target) changed. */
    private static boolean update(ConsumerGroupMember member, ConsumerGroupHeartbeatRequestData request, Client client) {
        boolean changed = false;
        if (request.instanceId() != null) {
            member.instanceId = request.instanceId();
        }
        if (request.rackId() != null) {
            member.rackId = request.rackId();
        }
        if (request.rebalanceTimeoutMs() != -1) {
            member.rebalanceTimeoutMs = request.rebalanceTimeoutMs();
        }
        if (request.serverAssignor() != null && !request.serverAssignor().equals(member.serverAssignor)) {
            member.serverAssignor = request.serverAssignor();
            changed = true;
        }
        if (request.subscribedTopicNames() != null && !request.subscribedTopicNames().equals(member.subscribedTopicNames)) {
            member.subscribedTopicNames = List.copyOf(request.subscribedTopicNames());
            changed = true;
        }
        // an empty regex is how a member that subscribed by pattern drops it
        String regex = request.subscribedTopicRegex() == null || request.subscribedTopicRegex().isEmpty() ? null
                : request.subscribedTopicRegex();
        if (request.subscribedTopicRegex() != null && !Objects.equals(regex, member.subscribedTopicRegex)) {
            member.subscribedTopicRegex = regex;
            changed = true;
        }
        member.clientId = client.clientId();
        member.clientHost = client.clientHost();
        return changed;
    }

    private static boolean topicsCheckDue(ConsumerGroup group) {
        long now = group.nowMs();
        if (now < group.nextTopicCheckMs()) {
            return false;
        }
        group.setNextTopicCheckMs(now + TOPIC_CHECK_INTERVAL_MS);
        return true;
    }

    /**
     * Whether the subscribed topics' partitions differ from those of the last target: a topic
     * was created (or now matches a regex), deleted, or got more partitions.
     */
    private boolean subscribedTopicsChanged(ConsumerGroup group) {
        Map<Uuid, Integer> now = new HashMap<>();
        for (ConsumerGroupMember m : group.members()) {
            for (Topic t : subscribedTopics(m)) {
                now.put(t.id(), t.partitions());
            }
        }
        return !now.equals(group.subscribedPartitions());
    }

    /** The existing topics a member subscribes to, by name and by regex (internal "__" topics never match a regex). */
    List<Topic> subscribedTopics(ConsumerGroupMember member) {
        Map<String, Topic> result = new TreeMap<>();
        for (String name : member.subscribedTopicNames) {
            topics.topic(name).ifPresent(t -> result.put(t.name(), t));
        }
        if (member.subscribedTopicRegex != null) {
            Pattern pattern = regex(member.subscribedTopicRegex);
            for (Topic t : topics.topics()) {
                if (!t.name().startsWith("__") && pattern.matches(t.name())) {
                    result.put(t.name(), t);
                }
            }
        }
        return new ArrayList<>(result.values());
    }

    /** A new target assignment at the group epoch, by the assignor most members ask for (the default when none do). */
    private void computeTarget(ConsumerGroup group) {
        Map<Uuid, Integer> partitions = new HashMap<>();
        Set<String> names = new HashSet<>();
        List<ServerAssignor.Member> members = new ArrayList<>();
        Map<String, Integer> votes = new TreeMap<>();
        for (ConsumerGroupMember m : group.members()) {
            Set<Uuid> ids = new HashSet<>();
            for (Topic t : subscribedTopics(m)) {
                partitions.put(t.id(), t.partitions());
                names.add(t.name());
                ids.add(t.id());
            }
            members.add(new ServerAssignor.Member(m.memberId, m.sortKey(), ids));
            if (m.serverAssignor != null) {
                votes.merge(m.serverAssignor, 1, Integer::sum);
            }
        }
        members.sort(Comparator.comparing(ServerAssignor.Member::sortKey));
        String assignorName = votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElse(settings.assignors().get(0));
        ServerAssignor assignor = Objects.requireNonNull(ServerAssignor.named(assignorName), assignorName);
        group.setSubscribedPartitions(partitions);
        group.setSubscribedTopicNames(names);
        group.setTarget(assignorName, assignor.assign(new ServerAssignor.Spec(members, partitions, group.target())));
        log.debug("Group {} has a new target assignment at epoch {}", group.groupId(), group.groupEpoch());
    }

    /**
     * The member's session restarts with every heartbeat; a member newly asked to revoke partitions
     * must do so within its rebalance timeout, or it is removed and its partitions move on.
     */
    private void scheduleTimeouts(ConsumerGroup group, ConsumerGroupMember member, MemberAssignment before) {
        String memberId = member.memberId;
        scheduleSession(group, member);
        MemberAssignment now = member.assignment;
        if (now.state() != MemberAssignment.State.UNREVOKED_PARTITIONS) {
            group.cancel(REVOCATION_TIMEOUT + memberId);
        } else if (before.state() != MemberAssignment.State.UNREVOKED_PARTITIONS
                || !before.pendingRevocation().equals(now.pendingRevocation())) {
            group.schedule(REVOCATION_TIMEOUT + memberId, Math.max(1, member.rebalanceTimeoutMs), () -> {
                log.info("Member {} of consumer group {} removed: it did not revoke its partitions within its"
                        + " rebalance timeout", memberId, group.groupId());
                remove(group, memberId);
            });
        }
    }

    /**
     * The member's session starts again: without a heartbeat (of either protocol) for its session
     * timeout — the group's, or the one a classic member's JoinGroup asked for — it is removed.
     */
    void scheduleSession(ConsumerGroup group, ConsumerGroupMember member) {
        String memberId = member.memberId;
        int timeoutMs = member.usesClassicProtocol() ? member.classic.sessionTimeoutMs()
                : groupConfigs.consumerGroup(group.groupId()).sessionTimeoutMs();
        group.schedule(SESSION_TIMEOUT + memberId, timeoutMs, () -> {
            log.info("Member {} of consumer group {} removed: no heartbeat within the session timeout", memberId,
                    group.groupId());
            remove(group, memberId);
        });
    }

    /** A leaving heartbeat: -1 leaves for good, -2 (static members) leaves the partitions held until the session ends. */
    ConsumerGroupHeartbeatResponseData leave(ConsumerGroup group, ConsumerGroupHeartbeatRequestData request) {
        String memberId = request.memberId();
        ConsumerGroupMember member;
        if (request.instanceId() != null) {
            member = group.staticMember(request.instanceId());
            if (member == null) {
                throw Errors.UNKNOWN_MEMBER_ID.exception("Instance id " + request.instanceId() + " is unknown.");
            }
            if (!member.memberId.equals(memberId)) {
                throw Errors.FENCED_INSTANCE_ID.exception("Static member " + memberId + " with instance id "
                        + request.instanceId() + " was fenced by member " + member.memberId + ".");
            }
        } else {
            member = group.member(memberId);
            if (member == null) {
                throw Errors.UNKNOWN_MEMBER_ID.exception("Member " + memberId + " is not a member of group "
                        + group.groupId() + ".");
            }
        }
        if (request.memberEpoch() == STATIC_LEAVE_EPOCH) {
            MemberAssignment a = member.assignment;
            member.assignment = new MemberAssignment(a.state(), STATIC_LEAVE_EPOCH, a.memberEpoch(), a.assigned(),
                    TopicPartitions.NONE);
            group.cancel(REVOCATION_TIMEOUT + memberId);
            log.info("Static member {} of consumer group {} left for now", request.instanceId(), group.groupId());
        } else {
            remove(group, memberId);
            log.info("Member {} left consumer group {}", memberId, group.groupId());
        }
        return new ConsumerGroupHeartbeatResponseData().setMemberId(memberId).setMemberEpoch(request.memberEpoch());
    }

    /** Removes (fences) a member: its partitions are free for the others at the next group epoch. */
    void remove(ConsumerGroup group, String memberId) {
        ConsumerGroupMember member = group.member(memberId);
        if (member != null) {
            group.remove(memberId);
            if (!onRemoval.removed(group, member)) {
                group.bumpGroupEpoch();
            }
        }
    }

    static ConsumerGroupHeartbeatResponseData.Assignment wireAssignment(TopicPartitions partitions) {
        ConsumerGroupHeartbeatResponseData.Assignment assignment = new ConsumerGroupHeartbeatResponseData.Assignment();
        new TreeMap<>(partitions.byTopic()).forEach((topic, ps) -> assignment.topicPartitions().add(
                new ConsumerGroupHeartbeatResponseData.TopicPartitions().setTopicId(topic)
                        .setPartitions(ps.stream().sorted().toList())));
        return assignment;
    }
}
