package dev.trilog.kafka.group;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import dev.trilog.log.CommittedOffset;
import dev.trilog.log.Topic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;

/**
 * OffsetFetch, every version: one group (v1-7) or many (v8+), topics by name (v1-9) or ID (v10),
 * given partitions or all the group committed (null topics). A partition without a commit
 * answers offset -1 with no error, as Kafka does. kafka-clients' response builder writes the
 * one-group layout for versions before 8. With RequireStable (v7+, read_committed consumers) a
 * partition whose offset an open transaction is about to commit answers UNSTABLE_OFFSET_COMMIT,
 * and the consumer asks again. From v9 a member of a KIP-848 consumer group names itself and its
 * epoch: an unknown member is UNKNOWN_MEMBER_ID, an old epoch STALE_MEMBER_EPOCH, for the group.
 */
final class OffsetFetchHandler implements ApiHandler {

    private final KafkaContext context;
    private final GroupCoordinator coordinator;

    OffsetFetchHandler(KafkaContext context, GroupCoordinator coordinator) {
        this.context = context;
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        OffsetFetchRequest body = (OffsetFetchRequest) request.body();
        boolean byId = OffsetFetchRequest.useTopicIds(request.version());
        List<OffsetFetchResponseGroup> groups = new ArrayList<>();
        for (OffsetFetchRequestGroup group : body.groups()) {
            Errors memberError = request.version() >= 9
                    ? coordinator.validateOffsetFetch(group.groupId(), group.memberId(), group.memberEpoch()) : Errors.NONE;
            if (memberError != Errors.NONE) {
                groups.add(new OffsetFetchResponseGroup().setGroupId(group.groupId()).setErrorCode(memberError.code()));
                continue;
            }
            OffsetFetchResponseGroup result = OffsetFetchRequest.requestAllOffsets(group) ? all(group.groupId(), byId)
                    : asked(group.groupId(), group.topics(), byId);
            if (body.requireStable()) {
                markUnstable(result);
            }
            groups.add(result);
        }
        return CompletableFuture.completedFuture(Reply.of(new OffsetFetchResponse.Builder(groups).build(request.version())));
    }

    private OffsetFetchResponseGroup asked(String groupId, List<OffsetFetchRequestTopics> topics, boolean byId) {
        OffsetFetchResponseGroup result = new OffsetFetchResponseGroup().setGroupId(groupId);
        for (OffsetFetchRequestTopics asked : topics) {
            OffsetFetchResponseTopics topicResult = new OffsetFetchResponseTopics().setName(asked.name()).setTopicId(asked.topicId());
            result.topics().add(topicResult);
            Optional<String> name = byId ? context.engine().topicById(asked.topicId()).map(Topic::name) : Optional.of(asked.name());
            List<TopicPartition> partitions = new ArrayList<>();
            name.ifPresent(n -> asked.partitionIndexes().forEach(p -> partitions.add(new TopicPartition(n, p))));
            Map<TopicPartition, CommittedOffset> committed = coordinator.fetchOffsets(groupId, partitions);
            for (int partition : asked.partitionIndexes()) {
                if (name.isEmpty()) {
                    topicResult.partitions().add(none(partition).setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()));
                } else {
                    CommittedOffset offset = committed.get(new TopicPartition(name.get(), partition));
                    topicResult.partitions().add(offset == null ? none(partition) : of(partition, offset));
                }
            }
        }
        return result;
    }

    private OffsetFetchResponseGroup all(String groupId, boolean byId) {
        OffsetFetchResponseGroup result = new OffsetFetchResponseGroup().setGroupId(groupId);
        Map<String, Map<Integer, CommittedOffset>> byTopic = new TreeMap<>();
        coordinator.fetchOffsets(groupId, null).forEach((tp, offset) ->
                byTopic.computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(), offset));
        byTopic.forEach((topic, partitions) -> {
            Uuid id = context.engine().topic(topic).map(Topic::id).orElse(null);
            if (byId && id == null) {
                return; // a deleted topic has no ID to name it by
            }
            OffsetFetchResponseTopics topicResult = new OffsetFetchResponseTopics().setName(topic)
                    .setTopicId(id == null ? Uuid.ZERO_UUID : id);
            partitions.forEach((partition, offset) -> topicResult.partitions().add(of(partition, offset)));
            result.topics().add(topicResult);
        });
        return result;
    }

    private void markUnstable(OffsetFetchResponseGroup group) {
        for (OffsetFetchResponseTopics topic : group.topics()) {
            String name = topic.name() == null || topic.name().isEmpty()
                    ? context.engine().topicById(topic.topicId()).map(Topic::name).orElse(null) : topic.name();
            for (OffsetFetchResponsePartitions partition : topic.partitions()) {
                if (name != null && partition.errorCode() == Errors.NONE.code() && context.engine().groupOffsets()
                        .hasPending(group.groupId(), new TopicPartition(name, partition.partitionIndex()))) {
                    partition.setErrorCode(Errors.UNSTABLE_OFFSET_COMMIT.code());
                }
            }
        }
    }

    private static OffsetFetchResponsePartitions none(int partition) {
        return new OffsetFetchResponsePartitions().setPartitionIndex(partition)
                .setCommittedOffset(OffsetFetchResponse.INVALID_OFFSET).setCommittedLeaderEpoch(-1)
                .setMetadata(OffsetFetchResponse.NO_METADATA);
    }

    private static OffsetFetchResponsePartitions of(int partition, CommittedOffset offset) {
        return new OffsetFetchResponsePartitions().setPartitionIndex(partition)
                .setCommittedOffset(offset.offset()).setCommittedLeaderEpoch(offset.leaderEpoch())
                .setMetadata(offset.metadata());
    }
}
