package dev.trilog.kafka.data;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import dev.trilog.log.PartitionLog;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;

/**
 * OffsetForLeaderEpoch, which consumers use to detect log truncation. Trilog never truncates:
 * one node never changes leader (its epoch is 0), and in a cluster a replica holds only what the
 * Raft group committed, the same on every node. So the end offset of any epoch asked about is
 * the log end offset. A current leader epoch other than the one Metadata gives
 * ({@link dev.trilog.kafka.protocol.ClusterRouting#leaderEpoch}) is fenced (smaller) or unknown
 * (larger), as in Kafka.
 */
final class OffsetForLeaderEpochHandler implements ApiHandler {

    private final KafkaContext context;

    OffsetForLeaderEpochHandler(KafkaContext context) {
        this.context = context;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        OffsetForLeaderEpochRequestData data = ((OffsetsForLeaderEpochRequest) request.body()).data();
        OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData();
        for (OffsetForLeaderTopic topic : data.topics()) {
            OffsetForLeaderTopicResult topicResult = new OffsetForLeaderTopicResult().setTopic(topic.topic());
            response.topics().add(topicResult);
            for (OffsetForLeaderPartition partition : topic.partitions()) {
                topicResult.partitions().add(endOffset(topic.topic(), partition));
            }
        }
        return CompletableFuture.completedFuture(Reply.of(new OffsetsForLeaderEpochResponse(response)));
    }

    private EpochEndOffset endOffset(String topic, OffsetForLeaderPartition asked) {
        EpochEndOffset result = new EpochEndOffset().setPartition(asked.partition())
                .setLeaderEpoch(OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH)
                .setEndOffset(OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH_OFFSET);
        PartitionLog log = context.engine().partition(new TopicPartition(topic, asked.partition()));
        if (log == null) {
            return result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
        if (!context.routing().leadsHere(log.topicPartition())) {
            return result.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
        }
        int leaderEpoch = context.routing().leaderEpoch(log.topicPartition());
        int current = asked.currentLeaderEpoch();
        if (current != -1 && current < leaderEpoch) {
            return result.setErrorCode(Errors.FENCED_LEADER_EPOCH.code());
        }
        if (current > leaderEpoch) {
            return result.setErrorCode(Errors.UNKNOWN_LEADER_EPOCH.code());
        }
        if (asked.leaderEpoch() < 0) {
            return result.setErrorCode(Errors.NONE.code());
        }
        return result.setErrorCode(Errors.NONE.code()).setLeaderEpoch(leaderEpoch).setEndOffset(log.logEndOffset());
    }
}
