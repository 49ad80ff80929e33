package dev.trilog.kafka.group;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KIP-848's online migration of a group with members between the protocols, with Kafka 4.x's
 * rules ({@code GroupMetadataManager}: validateOnlineUpgrade, convertToConsumerGroup,
 * validateOnlineDowngradeWithFencedMember, convertToClassicGroup) under
 * {@code group.consumer.migration.policy}:
 * <ul>
 * <li><b>Upgrade</b>: a consumer-protocol member joining a classic group with members turns it
 * into a consumer group — if the policy allows upgrades, the group's protocol type is
 * {@code consumer} and it has no more members than {@code group.consumer.max.size}; else the
 * joining member gets GROUP_ID_NOT_FOUND. The classic members keep their partitions and speak the
 * classic protocol on ({@link ClassicProtocolMembers}); their pending JoinGroup and SyncGroup are
 * answered REBALANCE_IN_PROGRESS.</li>
 * <li><b>Downgrade</b>: when a consumer-protocol member leaves (or is fenced) and only classic
 * members remain, the group becomes a classic group again — if the policy allows downgrades —
 * and rebalances, so the classic members rejoin and their leader assigns. So it does when a
 * static member joining over the classic protocol replaces the last consumer-protocol member
 * (Kafka's validateOnlineDowngradeWithReplacedMemberId), without the rebalance.</li>
 * </ul>
 */
final class GroupMigration {

    private static final Logger log = LoggerFactory.getLogger(GroupMigration.class);

    private final ConsumerGroupSettings settings;
    private final EmbeddedConsumerProtocol protocol;
    private final GroupTimer timer;

    GroupMigration(ConsumerGroupSettings settings, EmbeddedConsumerProtocol protocol, GroupTimer timer) {
        this.settings = settings;
        this.protocol = protocol;
        this.timer = timer;
    }

    /**
     * The consumer group that takes over {@code classic} (which has members), which is marked
     * dead; under its lock.
     *
     * @throws ApiException GROUP_ID_NOT_FOUND when the group may not be upgraded
     */
    ConsumerGroup upgrade(ClassicGroup classic) {
        String groupId = classic.groupId();
        if (!settings.migrationPolicy().upgrades()) {
            throw refused(groupId, "the online upgrade is disabled (group.consumer.migration.policy)");
        }
        if (!classic.usesConsumerProtocol()) {
            throw refused(groupId, "the group does not use the consumer embedded protocol");
        }
        if (classic.size() > settings.maxSize()) {
            throw refused(groupId, "the group size exceeds the consumer group maximum size");
        }
        int generation = classic.generationId();
        List<ConsumerGroupMember> adopted = new ArrayList<>();
        for (GroupMember member : classic.members()) {
            String protocolName = classic.protocolName() != null ? classic.protocolName()
                    : member.protocols().get(0).name();
            Optional<ConsumerPartitionAssignor.Subscription> subscription =
                    EmbeddedConsumerProtocol.subscription(member.metadata(protocolName));
            TopicPartitions assigned = protocol.assignment(member.assignment());
            if (subscription.isEmpty() || assigned == null) {
                throw refused(groupId, "the embedded consumer protocol is malformed");
            }
            ConsumerGroupMember adoptedMember = new ConsumerGroupMember(member.memberId());
            adoptedMember.instanceId = member.groupInstanceId();
            adoptedMember.rackId = subscription.get().rackId().orElse(null);
            adoptedMember.clientId = member.clientId();
            adoptedMember.clientHost = member.clientHost();
            adoptedMember.rebalanceTimeoutMs = member.rebalanceTimeoutMs();
            adoptedMember.subscribedTopicNames = List.copyOf(subscription.get().topics());
            adoptedMember.classic = new ConsumerGroupMember.ClassicProtocol(member.sessionTimeoutMs(), member.protocols());
            adoptedMember.assignment = new MemberAssignment(MemberAssignment.State.STABLE, generation, generation,
                    assigned, TopicPartitions.NONE);
            adopted.add(adoptedMember);
        }
        classic.answerEveryoneWaiting(Errors.REBALANCE_IN_PROGRESS);
        classic.markDead();
        ConsumerGroup upgraded = new ConsumerGroup(groupId, timer);
        upgraded.adoptClassicMembers(generation, adopted);
        log.info("Classic group {} with {} members becomes a consumer group (online upgrade) at epoch {}", groupId,
                adopted.size(), generation);
        return upgraded;
    }

    private static ApiException refused(String groupId, String why) {
        log.info("Cannot upgrade classic group {} to a consumer group: {}", groupId, why);
        return Errors.GROUP_ID_NOT_FOUND.exception("Cannot upgrade classic group " + groupId + " to a consumer group: "
                + why + ".");
    }

    /** Whether the group goes back to the classic protocol now that {@code removed} is gone; under its lock. */
    boolean downgrades(ConsumerGroup group, ConsumerGroupMember removed) {
        if (removed.usesClassicProtocol() || !group.onlyClassicMembers()) {
            return false;
        }
        if (!settings.migrationPolicy().downgrades()) {
            log.info("Cannot downgrade consumer group {} to a classic group: the online downgrade is disabled",
                    group.groupId());
            return false;
        }
        return true;
    }

    /** The classic group {@code group} becomes (which is marked dead), each member with what it holds; the caller starts it. */
    ClassicGroup downgrade(ConsumerGroup group) {
        List<GroupMember> members = new ArrayList<>();
        for (ConsumerGroupMember m : group.members()) {
            GroupMember member = new GroupMember(m.memberId, m.instanceId, m.clientId, m.clientHost,
                    m.rebalanceTimeoutMs, m.classic.sessionTimeoutMs(), ConsumerProtocol.PROTOCOL_TYPE,
                    m.classic.protocols());
            members.add(member);
        }
        ClassicGroup classic = ClassicGroup.downgraded(group.groupId(), timer, group.groupEpoch(), members);
        for (GroupMember member : classic.members()) {
            ConsumerGroupMember m = group.member(member.memberId());
            member.assign(protocol.serializeAssignment(m.assignment.assigned(), member.metadata(classic.protocolName())));
        }
        group.markDead();
        log.info("Consumer group {} with {} members, all speaking the classic protocol, becomes a classic group"
                + " (online downgrade) at generation {}", group.groupId(), members.size(), group.groupEpoch());
        return classic;
    }
}
