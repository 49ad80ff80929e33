package dev.trilog.kafka.txn;

import dev.trilog.kafka.group.GroupCoordinator;
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
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.TxnOffsetCommitRequest;
import org.apache.kafka.common.requests.TxnOffsetCommitResponse;

/**
 * TxnOffsetCommit (every version; topics by ID from v6): the group coordinator checks the
 * member and generation the producer names (KIP-447), then the transaction coordinator stages
 * the offsets in the open transaction; they are committed when it commits.
 */
final class TxnOffsetCommitHandler implements ApiHandler {

    private final KafkaContext context;
    private final GroupCoordinator groups;
    private final TransactionCoordinator coordinator;

    TxnOffsetCommitHandler(KafkaContext context, GroupCoordinator groups, TransactionCoordinator coordinator) {
        this.context = context;
        this.groups = groups;
        this.coordinator = coordinator;
    }

    /** Where a partition's answer goes in the response. */
    private record Address(Uuid topicId, String topicName, int partition) {
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        TxnOffsetCommitRequestData data = ((TxnOffsetCommitRequest) request.body()).data();
        boolean byId = TxnOffsetCommitResponse.useTopicIds(request.version());
        TxnOffsetCommitResponse.Builder response = TxnOffsetCommitResponse.newBuilder(byId);
        Map<TopicPartition, CommittedOffset> staged = new LinkedHashMap<>();
        Map<TopicPartition, Address> addresses = new HashMap<>();
        for (TxnOffsetCommitRequestTopic topicData : data.topics()) {
            NamedTopic topic = context.topics().resolve(byId, topicData.name(), topicData.topicId());
            for (TxnOffsetCommitRequestPartition partition : topicData.partitions()) {
                int index = partition.partitionIndex();
                Errors unknown = topic.check(index);
                if (unknown != Errors.NONE) {
                    response.addPartition(topicData.topicId(), topicData.name(), index, unknown);
                    continue;
                }
                TopicPartition tp = topic.partition(index);
                String metadata = partition.committedMetadata() == null ? "" : partition.committedMetadata();
                if (metadata.length() > GroupCoordinator.MAX_OFFSET_METADATA_LENGTH) {
                    response.addPartition(topicData.topicId(), topicData.name(), index, Errors.OFFSET_METADATA_TOO_LARGE);
                    continue;
                }
                staged.put(tp, new CommittedOffset(partition.committedOffset(), partition.committedLeaderEpoch(),
                        metadata, -1));
                addresses.put(tp, new Address(topicData.topicId(), topicData.name(), index));
            }
        }
        if (!staged.isEmpty()) {
            Errors error = groups.validateTransactionalCommit(data.groupId(), data.memberId(), data.groupInstanceId(),
                    data.generationIdOrMemberEpoch());
            if (error == Errors.NONE) {
                error = coordinator.commitOffsets(data.transactionalId(), data.producerId(), data.producerEpoch(),
                        data.groupId(), staged);
            }
            Errors result = error;
            addresses.values().forEach(a -> response.addPartition(a.topicId(), a.topicName(), a.partition(), result));
        }
        return CompletableFuture.completedFuture(Reply.of(response.build()));
    }
}
