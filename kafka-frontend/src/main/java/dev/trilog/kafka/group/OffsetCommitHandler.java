package dev.trilog.kafka.group;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.NamedTopic;
import dev.trilog.kafka.protocol.Reply;
import dev.trilog.log.CommittedOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;

/**
 * OffsetCommit, every version: topics by name (v2-9) or by ID (v10). Partitions of unknown
 * topics are refused; the rest go to the coordinator, which checks the member and generation
 * (or accepts a "simple" commit with generation -1) and stores them in one durable write.
 */
final class OffsetCommitHandler implements ApiHandler {

    private final KafkaContext context;
    private final GroupCoordinator coordinator;

    OffsetCommitHandler(KafkaContext context, GroupCoordinator coordinator) {
        this.context = context;
        this.coordinator = coordinator;
    }

    /** Where a partition's answer goes in the response. */
    private record Address(Uuid topicId, String topicName, int partition) {
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        OffsetCommitRequestData data = ((OffsetCommitRequest) request.body()).data();
        boolean byId = OffsetCommitResponse.useTopicIds(request.version());
        OffsetCommitResponse.Builder response = OffsetCommitResponse.newBuilder(byId);
        Map<TopicPartition, CommittedOffset> commits = new LinkedHashMap<>();
        Map<TopicPartition, Address> addresses = new HashMap<>();
        for (OffsetCommitRequestTopic topicData : data.topics()) {
            NamedTopic topic = context.topics().resolve(byId, topicData.name(), topicData.topicId());
            for (OffsetCommitRequestPartition partition : topicData.partitions()) {
                Errors unknown = topic.check(partition.partitionIndex());
                if (unknown != Errors.NONE) {
                    response.addPartition(topicData.topicId(), topicData.name(), partition.partitionIndex(), unknown);
                    continue;
                }
                TopicPartition tp = topic.partition(partition.partitionIndex());
                commits.put(tp, new CommittedOffset(partition.committedOffset(), partition.committedLeaderEpoch(),
                        partition.committedMetadata(), -1));
                addresses.put(tp, new Address(topicData.topicId(), topicData.name(), partition.partitionIndex()));
            }
        }
        if (!commits.isEmpty()) {
            Map<TopicPartition, Errors> results = coordinator.commitOffsets(data.groupId(), data.memberId(),
                    data.groupInstanceId(), data.generationIdOrMemberEpoch(), request.version(), commits);
            results.forEach((tp, error) -> {
                Address address = addresses.get(tp);
                response.addPartition(address.topicId(), address.topicName(), address.partition(), error);
            });
        }
        return CompletableFuture.completedFuture(Reply.of(response.build()));
    }
}
