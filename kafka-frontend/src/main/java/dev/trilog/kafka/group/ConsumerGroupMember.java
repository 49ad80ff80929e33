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

    int epoch() {
        return assignment.memberEpoch();
    }

    /** The key range assignment orders members by, so a restarted static member keeps its ranges. */
    String sortKey() {
        return instanceId != null ? instanceId : memberId;
    }
}
