package dev.trilog.kafka.share;

import dev.trilog.log.LogEngine;
import dev.trilog.log.Topic;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ShareGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * The share-group coordinator: membership by heartbeat (ShareGroupHeartbeat) and the assignment.
 * KIP-932 lets every member fetch every partition, and Trilog does exactly that: each member is
 * assigned every partition of every topic it subscribes to, and the share cursors split the
 * records among them. Membership is kept in memory (as a restart ends every session, members
 * simply join again); what was acquired is in the share cursors, durable.
 *
 * <pre>
 *   heartbeat epoch 0 ──▶ member (epoch = ++group epoch, full assignment)
 *   heartbeat epoch n ──▶ same epoch: alive; a new assignment (topic created, partitions added,
 *                         subscription changed) bumps its epoch
 *   heartbeat epoch -1, or silent for the session timeout ──▶ gone: what it held goes back
 * </pre>
 *
 * <p>Thread-safe: every method locks the coordinator.
 */
final class ShareGroups {

    private final LogEngine engine;
    private final ShareSettings settings;
    private final InstantSource clock;
    /** Told (group, member) when a member leaves or is expired: its sessions end and its records go back. */
    private final BiConsumer<String, String> onLeave;
    private final Map<String, ShareGroup> groups = new HashMap<>();

    ShareGroups(LogEngine engine, ShareSettings settings, BiConsumer<String, String> onLeave) {
        this.engine = engine;
        this.settings = settings;
        this.clock = engine.settings().clock();
        this.onLeave = onLeave;
    }

    /** Answers one heartbeat. */
    ShareGroupHeartbeatResponseData heartbeat(ShareGroupHeartbeatRequestData request, String clientId,
            String clientHost) {
        ShareGroupHeartbeatResponseData response = new ShareGroupHeartbeatResponseData()
                .setMemberId(request.memberId()).setHeartbeatIntervalMs(settings.heartbeatIntervalMs());
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return error(response, Errors.INVALID_REQUEST, "GroupId can't be empty.");
        }
        if (request.memberId() == null || request.memberId().isEmpty()) {
            return error(response, Errors.INVALID_REQUEST, "MemberId can't be empty.");
        }
        if (request.memberEpoch() == 0 && (request.subscribedTopicNames() == null
                || request.subscribedTopicNames().isEmpty())) {
            return error(response, Errors.INVALID_REQUEST, "SubscribedTopicNames must be set in first request.");
        }
        if (request.memberEpoch() < -1) {
            return error(response, Errors.INVALID_REQUEST, "MemberEpoch is invalid.");
        }
        boolean left = false;
        synchronized (this) {
            ShareGroup group = groups.get(request.groupId());
            ShareGroup.Member member = group == null ? null : group.members.get(request.memberId());
            if (request.memberEpoch() == -1) {
                if (member != null) {
                    group.members.remove(member.id);
                    group.epoch++;
                    left = true;
                }
                response.setMemberEpoch(-1);
            } else if (request.memberEpoch() == 0) {
                if (group == null) {
                    group = new ShareGroup(request.groupId());
                    groups.put(group.id, group);
                }
                if (member == null) {
                    member = new ShareGroup.Member(request.memberId(), clientId, clientHost);
                    group.members.put(member.id, member);
                }
                member.subscribedTopics = List.copyOf(request.subscribedTopicNames());
                member.rackId = request.rackId();
                member.assignment = null; // a (re)joining member is sent its assignment, even an empty one
                group.epoch++;
                member.epoch = group.epoch;
                alive(group, member, response);
            } else if (member == null) {
                return error(response, Errors.UNKNOWN_MEMBER_ID, "Member " + request.memberId()
                        + " is not in share group " + request.groupId() + ".");
            } else if (request.memberEpoch() != member.epoch) {
                return error(response, Errors.FENCED_MEMBER_EPOCH, "The member epoch " + request.memberEpoch()
                        + " is not the current " + member.epoch + ".");
            } else {
                if (request.subscribedTopicNames() != null
                        && !request.subscribedTopicNames().equals(member.subscribedTopics)) {
                    member.subscribedTopics = List.copyOf(request.subscribedTopicNames());
                    group.epoch++;
                }
                alive(group, member, response);
            }
        }
        if (left) {
            onLeave.accept(request.groupId(), request.memberId());
        }
        return response;
    }

    /** A member heard from: its epoch, and its assignment when that changed since it was last sent. */
    private void alive(ShareGroup group, ShareGroup.Member member, ShareGroupHeartbeatResponseData response) {
        member.lastHeardMs = clock.millis();
        Map<Uuid, List<Integer>> assignment = assignmentOf(member.subscribedTopics);
        if (!assignment.equals(member.assignment)) {
            if (member.epoch != group.epoch) {
                group.epoch++;
            }
            member.epoch = group.epoch;
            member.assignment = assignment;
            ShareGroupHeartbeatResponseData.Assignment sent = new ShareGroupHeartbeatResponseData.Assignment();
            assignment.forEach((topicId, partitions) -> sent.topicPartitions().add(
                    new ShareGroupHeartbeatResponseData.TopicPartitions().setTopicId(topicId)
                            .setPartitions(new ArrayList<>(partitions))));
            response.setAssignment(sent);
        }
        response.setMemberEpoch(member.epoch);
    }

    /** Every partition of every subscribed topic that exists. */
    private Map<Uuid, List<Integer>> assignmentOf(List<String> topics) {
        Map<Uuid, List<Integer>> assignment = new TreeMap<>();
        for (String name : topics) {
            Optional<Topic> topic = engine.topic(name);
            if (topic.isPresent()) {
                List<Integer> partitions = new ArrayList<>(topic.get().partitions());
                for (int p = 0; p < topic.get().partitions(); p++) {
                    partitions.add(p);
                }
                assignment.put(topic.get().id(), partitions);
            }
        }
        return assignment;
    }

    /** Ends the members not heard from within the session timeout; the timer calls this. */
    void expireMembers() {
        List<String[]> gone = new ArrayList<>();
        synchronized (this) {
            long deadline = clock.millis() - settings.sessionTimeoutMs();
            for (ShareGroup group : groups.values()) {
                int before = group.members.size();
                group.members.values().removeIf(m -> {
                    boolean silent = m.lastHeardMs < deadline;
                    if (silent) {
                        gone.add(new String[] {group.id, m.id});
                    }
                    return silent;
                });
                if (group.members.size() != before) {
                    group.epoch++;
                }
            }
        }
        gone.forEach(g -> onLeave.accept(g[0], g[1]));
    }

    /** Whether {@code member} is in {@code group} now. */
    synchronized boolean isMember(String group, String member) {
        ShareGroup g = groups.get(group);
        return g != null && g.members.containsKey(member);
    }

    /** What ShareGroupDescribe shows of a group, or empty when there is none. */
    synchronized Optional<ShareGroupView> describe(String group) {
        ShareGroup g = groups.get(group);
        return g == null ? Optional.empty() : Optional.of(ShareGroupView.of(g));
    }

    /** Every share group: ListGroups with type SHARE, and the admin's share-group listings. */
    synchronized List<ShareGroupView> all() {
        List<ShareGroupView> views = new ArrayList<>();
        for (ShareGroup g : groups.values()) {
            views.add(ShareGroupView.of(g));
        }
        return views;
    }

    /**
     * Runs {@code change} (a reset or deletion of the group's share state) only while the group
     * has no members, under the coordinator's lock so that none joins meanwhile: Kafka alters and
     * deletes only an empty share group. NON_EMPTY_GROUP, and nothing run, when it has members.
     */
    synchronized Errors whileEmpty(String group, java.util.function.Supplier<Errors> change) {
        ShareGroup g = groups.get(group);
        if (g != null && !g.members.isEmpty()) {
            return Errors.NON_EMPTY_GROUP;
        }
        return change.get();
    }

    /** Forgets a group without members (DeleteGroups); its share state is the caller's to delete. */
    synchronized void forgetIfEmpty(String group) {
        ShareGroup g = groups.get(group);
        if (g != null && g.members.isEmpty()) {
            groups.remove(group);
        }
    }

    private static ShareGroupHeartbeatResponseData error(ShareGroupHeartbeatResponseData response, Errors error,
            String message) {
        return response.setErrorCode(error.code()).setErrorMessage(message).setMemberId(null);
    }

    /** A copy of a group's state, to read outside the coordinator's lock. */
    record ShareGroupView(String id, String state, int epoch, Collection<MemberView> members) {

        static ShareGroupView of(ShareGroup g) {
            List<MemberView> members = new ArrayList<>();
            for (ShareGroup.Member m : g.members.values()) {
                members.add(new MemberView(m.id, m.rackId, m.epoch, m.clientId, m.clientHost, m.subscribedTopics,
                        m.assignment == null ? Map.of() : m.assignment));
            }
            return new ShareGroupView(g.id, g.state(), g.epoch, members);
        }
    }

    /** A copy of one member's state. */
    record MemberView(String id, String rackId, int epoch, String clientId, String clientHost,
            List<String> subscribedTopics, Map<Uuid, List<Integer>> assignment) {
    }
}
