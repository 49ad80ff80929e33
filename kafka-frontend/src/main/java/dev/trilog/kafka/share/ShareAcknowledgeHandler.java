package dev.trilog.kafka.share;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ShareAcknowledgeRequestData;
import org.apache.kafka.common.message.ShareAcknowledgeResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ShareAcknowledgeRequest;
import org.apache.kafka.common.requests.ShareAcknowledgeResponse;

/**
 * ShareAcknowledge: acknowledgements outside a fetch (KafkaShareConsumer.commitSync/commitAsync,
 * and on close with epoch −1, which ends the session and gives back what is left). Needs an open
 * share session: epoch 0 is INVALID_SHARE_SESSION_EPOCH, as in Kafka.
 */
final class ShareAcknowledgeHandler implements ApiHandler {

    private final KafkaContext context;
    private final ShareSessions sessions;
    private final ShareSources sources;
    private final GroupConfigs configs;

    ShareAcknowledgeHandler(KafkaContext context, ShareSessions sessions, ShareSources sources,
            GroupConfigs configs) {
        this.context = context;
        this.sessions = sessions;
        this.sources = sources;
        this.configs = configs;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        ShareAcknowledgeRequestData data = ((ShareAcknowledgeRequest) request.body()).data();
        if (data.groupId() == null || data.groupId().isEmpty() || data.memberId() == null
                || data.memberId().isEmpty()) {
            return error(Errors.INVALID_REQUEST);
        }
        ShareSessions.Lookup lookup = sessions.lookup(data.groupId(), data.memberId(), data.shareSessionEpoch(),
                false);
        if (lookup.error() != Errors.NONE) {
            return error(lookup.error());
        }
        ShareSession session = lookup.session();
        Map<SharePartition, List<ShareAcknowledgements.Batch>> acks = new LinkedHashMap<>();
        for (ShareAcknowledgeRequestData.AcknowledgeTopic topic : data.topics()) {
            for (ShareAcknowledgeRequestData.AcknowledgePartition p : topic.partitions()) {
                List<ShareAcknowledgements.Batch> batches = new ArrayList<>();
                for (ShareAcknowledgeRequestData.AcknowledgementBatch b : p.acknowledgementBatches()) {
                    batches.add(new ShareAcknowledgements.Batch(b.firstOffset(), b.lastOffset(), b.acknowledgeTypes()));
                }
                acks.put(new SharePartition(topic.topicId(), p.partitionIndex()), batches);
            }
        }
        long now = context.engine().settings().clock().millis();
        int lockMs = configs.of(data.groupId()).recordLockDurationMs();
        return ShareAcknowledgements.apply(session, sources, acks, lockMs, data.isRenewAck(), now)
                .thenApply(errors -> {
                    if (data.shareSessionEpoch() == -1) {
                        sessions.close(session);
                    }
                    return reply(acks, errors, lockMs);
                });
    }

    private Reply reply(Map<SharePartition, List<ShareAcknowledgements.Batch>> acks,
            Map<SharePartition, Errors> errors, int lockMs) {
        var placement = context.routing().placement();
        Map<Uuid, ShareAcknowledgeResponseData.ShareAcknowledgeTopicResponse> topics = new LinkedHashMap<>();
        for (SharePartition partition : acks.keySet()) {
            topics.computeIfAbsent(partition.topicId(), id -> new ShareAcknowledgeResponseData
                    .ShareAcknowledgeTopicResponse().setTopicId(id)).partitions()
                    .add(new ShareAcknowledgeResponseData.PartitionData().setPartitionIndex(partition.partition())
                            .setErrorCode(errors.getOrDefault(partition, Errors.NONE).code())
                            .setCurrentLeader(new ShareAcknowledgeResponseData.LeaderIdAndEpoch()
                                    .setLeaderId(placement.leader()).setLeaderEpoch(placement.leaderEpoch())));
        }
        ShareAcknowledgeResponseData response = new ShareAcknowledgeResponseData()
                .setAcquisitionLockTimeoutMs(lockMs);
        topics.values().forEach(response.responses()::add);
        return Reply.of(new ShareAcknowledgeResponse(response));
    }

    private static CompletableFuture<Reply> error(Errors error) {
        return CompletableFuture.completedFuture(Reply.of(new ShareAcknowledgeResponse(
                new ShareAcknowledgeResponseData().setErrorCode(error.code()).setErrorMessage(error.message()))));
    }
}
