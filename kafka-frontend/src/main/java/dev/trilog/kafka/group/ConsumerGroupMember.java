package dev.trilog.kafka.group;

import java.util.List;

/**
 * One member of a {@link ConsumerGroup}, as its ConsumerGroupHeartbeats describe it. A heartbeat
 * leaves out what did not change since the last one, so the fields hold the latest values sent.
 * Guarded by the group's lock.
 */
final class ConsumerGroupMember {

    final String memberId;
    String instanceId;
    String rackId;
    String clientId;
    String clientHost;
    int rebalanceTimeoutMs;
    /** The topics named in the subscription. */
    List<String> subscribedTopicNames = List.of();
    /** KIP-848's RE2J regular expression subscription (topics it matches count too), or null. */
    String subscribedTopicRegex;
    /** The assignor the member asked for, or null for the group's default. */
    String serverAssignor;
    MemberAssignment assignment = MemberAssignment.JOINING;
    /**
     * For a member that speaks the classic protocol (JoinGroup, SyncGroup, Heartbeat) in a
     * consumer group — one that was in the classic group it was upgraded from, or joined it since:
     * its session timeout and the protocols it offered; null for a ConsumerGroupHeartbeat member.
     */
    ClassicProtocol classic;

    /** What a member speaking the classic protocol sent in its last JoinGroup. */
    record ClassicProtocol(int sessionTimeoutMs, List<GroupMember.Protocol> protocols) {

        /** The protocol (client-side assignor name) its JoinGroup and SyncGroup answers name: its first. */
        GroupMember.Protocol preferred() {
            return protocols.get(0);
        }

        boolean supports(String protocolName) {
            return protocols.stream().anyMatch(p -> p.name().equals(protocolName));
        }
    }

    ConsumerGroupMember(String memberId) {
        this.memberId = memberId;
    }

    /** A restarted static member takes over its predecessor's place, partitions and settings under a new id. */
    ConsumerGroupMember replacing(ConsumerGroupMember previous) {
        instanceId = previous.instanceId;
        rackId = previous.rackId;
        rebalanceTimeoutMs = previous.rebalanceTimeoutMs;
        subscribedTopicNames = previous.subscribedTopicNames;
        subscribedTopicRegex = previous.subscribedTopicRegex;
        serverAssignor = previous.serverAssignor;
        // Epoch 0, but holding what it held: reconciliation gives it back what is still its target.
        assignment = new MemberAssignment(MemberAssignment.State.STABLE, 0, 0, previous.assignment.assigned(),
                TopicPartitions.NONE);
        return this;
    }

    boolean usesClassicProtocol() {
        return classic != null;
    }

    int epoch() {
        return assignment.memberEpoch();
    }

    /** The key range assignment orders members by, so a restarted static member keeps its ranges. */
    String sortKey() {
        return instanceId != null ? instanceId : memberId;
    }
}
