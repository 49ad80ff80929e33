package dev.trilog.kafka.share;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import dev.trilog.log.LogEngine;
import dev.trilog.log.Topic;
import java.util.ArrayList;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ShareGroupDescribeResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ShareGroupDescribeRequest;
import org.apache.kafka.common.requests.ShareGroupDescribeResponse;

/**
 * ShareGroupDescribe ({@code Admin.describeShareGroups}, {@code kafka-share-groups.sh --describe
 * --members}): each group's state, epoch and members with their subscriptions and assignments.
 * An unknown group is GROUP_ID_NOT_FOUND, as in Kafka.
 */
final class ShareGroupDescribeHandler implements ApiHandler {

    /** Kafka's name for the assignor that gives every member every partition it may. */
    static final String ASSIGNOR = "simple";

    private final ShareGroups groups;
    private final LogEngine engine;

    ShareGroupDescribeHandler(ShareGroups groups, LogEngine engine) {
        this.groups = groups;
        this.engine = engine;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        var data = ((ShareGroupDescribeRequest) request.body()).data();
        ShareGroupDescribeResponseData response = new ShareGroupDescribeResponseData();
        for (String groupId : data.groupIds()) {
            ShareGroupDescribeResponseData.DescribedGroup described = new ShareGroupDescribeResponseData.DescribedGroup()
                    .setGroupId(groupId);
            Optional<ShareGroups.ShareGroupView> group = groups.describe(groupId);
            if (group.isEmpty()) {
                described.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                        .setErrorMessage("Group " + groupId + " not found.");
            } else {
                described.setGroupState(group.get().state()).setGroupEpoch(group.get().epoch())
                        .setAssignmentEpoch(group.get().epoch()).setAssignorName(ASSIGNOR);
                for (ShareGroups.MemberView m : group.get().members()) {
                    ShareGroupDescribeResponseData.Assignment assignment = new ShareGroupDescribeResponseData.Assignment();
                    m.assignment().forEach((topicId, partitions) -> assignment.topicPartitions().add(
                            new ShareGroupDescribeResponseData.TopicPartitions().setTopicId(topicId)
                                    .setTopicName(engine.topicById(topicId).map(Topic::name).orElse(""))
                                    .setPartitions(new ArrayList<>(partitions))));
                    described.members().add(new ShareGroupDescribeResponseData.Member().setMemberId(m.id())
                            .setRackId(m.rackId()).setMemberEpoch(m.epoch()).setClientId(m.clientId())
                            .setClientHost(m.clientHost()).setSubscribedTopicNames(new ArrayList<>(m.subscribedTopics()))
                            .setAssignment(assignment));
                }
            }
            response.groups().add(described);
        }
        return CompletableFuture.completedFuture(Reply.of(new ShareGroupDescribeResponse(response)));
    }
}
