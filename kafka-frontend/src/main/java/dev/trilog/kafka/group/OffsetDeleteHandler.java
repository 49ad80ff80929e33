package dev.trilog.kafka.group;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.NamedTopic;
import dev.trilog.kafka.protocol.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetDeleteRequest;
import org.apache.kafka.common.requests.OffsetDeleteResponse;

/**
 * OffsetDelete: forgets a group's committed offsets for partitions of topics no active member
 * subscribes to (GROUP_SUBSCRIBED_TO_TOPIC otherwise). Unknown topics are
 * UNKNOWN_TOPIC_OR_PARTITION; an unknown group is GROUP_ID_NOT_FOUND for the whole request.
 */
final class OffsetDeleteHandler implements ApiHandler {

    private final KafkaContext context;
    private final GroupCoordinator coordinator;

    OffsetDeleteHandler(KafkaContext context, GroupCoordinator coordinator) {
        this.context = context;
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        OffsetDeleteRequestData data = ((OffsetDeleteRequest) request.body()).data();
        OffsetDeleteResponseData response = new OffsetDeleteResponseData();
        List<TopicPartition> known = new ArrayList<>();
        for (OffsetDeleteRequestTopic topic : data.topics()) {
            NamedTopic existing = context.topics().byName(topic.name());
            OffsetDeleteResponseTopic topicResponse = new OffsetDeleteResponseTopic().setName(topic.name());
            response.topics().add(topicResponse);
            for (OffsetDeleteRequestPartition partition : topic.partitions()) {
                int index = partition.partitionIndex();
                Errors unknown = existing.check(index);
                if (unknown != Errors.NONE) {
                    topicResponse.partitions().add(new OffsetDeleteResponsePartition().setPartitionIndex(index)
                            .setErrorCode(unknown.code()));
                } else {
                    known.add(existing.partition(index));
                }
            }
        }
        GroupCoordinator.OffsetDeletion deletion = coordinator.deleteOffsets(data.groupId(), known);
        if (deletion.groupError() != Errors.NONE) {
            return CompletableFuture.completedFuture(Reply.of(new OffsetDeleteResponse(
                    new OffsetDeleteResponseData().setErrorCode(deletion.groupError().code()))));
        }
        deletion.partitions().forEach((tp, error) -> response.topics().find(tp.topic()).partitions()
                .add(new OffsetDeleteResponsePartition().setPartitionIndex(tp.partition()).setErrorCode(error.code())));
        return CompletableFuture.completedFuture(Reply.of(new OffsetDeleteResponse(response)));
    }
}
