package dev.trilog.kafka.group;

import dev.trilog.log.Topic;
import java.util.ArrayList;
import java.util.TreeMap;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.DescribedGroup;

/**
 * What ConsumerGroupDescribe shows of a consumer group ({@code Admin.describeConsumerGroups},
 * {@code kafka-consumer-groups.sh --describe}): state, epochs, assignor, and each member with its
 * subscription, current and target assignment. Built under the group's lock.
 */
final class ConsumerGroupDescription {

    /** ConsumerGroupDescribe v1's MemberType of a member that speaks the consumer protocol, and of one that speaks the classic one. */
    private static final byte CONSUMER_MEMBER = 1;
    private static final byte CLASSIC_MEMBER = 0;

    private ConsumerGroupDescription() {
    }

    static DescribedGroup of(ConsumerGroup group, TopicCatalog topics) {
        DescribedGroup described = new DescribedGroup().setGroupId(group.groupId()).setGroupState(group.state())
                .setGroupEpoch(group.groupEpoch()).setAssignmentEpoch(group.assignmentEpoch())
                .setAssignorName(group.assignorName() == null ? "" : group.assignorName());
        for (ConsumerGroupMember m : group.members()) {
            described.members().add(new ConsumerGroupDescribeResponseData.Member().setMemberId(m.memberId)
                    .setInstanceId(m.instanceId).setRackId(m.rackId).setMemberEpoch(m.epoch())
                    .setClientId(m.clientId).setClientHost(m.clientHost)
                    .setSubscribedTopicNames(new ArrayList<>(m.subscribedTopicNames))
                    .setSubscribedTopicRegex(m.subscribedTopicRegex)
                    .setAssignment(assignment(m.assignment.assigned(), topics))
                    .setTargetAssignment(assignment(group.targetOf(m.memberId), topics))
                    .setMemberType(m.usesClassicProtocol() ? CLASSIC_MEMBER : CONSUMER_MEMBER));
        }
        return described;
    }

    private static ConsumerGroupDescribeResponseData.Assignment assignment(TopicPartitions partitions, TopicCatalog topics) {
        ConsumerGroupDescribeResponseData.Assignment assignment = new ConsumerGroupDescribeResponseData.Assignment();
        new TreeMap<>(partitions.byTopic()).forEach((id, ps) -> assignment.topicPartitions().add(
                new ConsumerGroupDescribeResponseData.TopicPartitions().setTopicId(id)
                        .setTopicName(topics.topic(id).map(Topic::name).orElse(""))
                        .setPartitions(ps.stream().sorted().toList())));
        return assignment;
    }
}
