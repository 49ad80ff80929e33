package dev.trilog.kafka.data;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import dev.trilog.log.PartitionLog;
import dev.trilog.log.TimestampedOffset;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;

/**
 * ListOffsets: earliest (-2, and earliest-local -4), latest (-1, and latest-tiered -5), the
 * record with the largest timestamp (-3), or the first record at or after a time. A time past
 * every record answers offset -1, timestamp -1, as Kafka does.
 */
final class ListOffsetsHandler implements ApiHandler {

    private final KafkaContext context;

    ListOffsetsHandler(KafkaContext context) {
        this.context = context;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        ListOffsetsRequestData data = ((ListOffsetsRequest) request.body()).data();
        ListOffsetsResponseData response = new ListOffsetsResponseData();
        for (ListOffsetsRequestData.ListOffsetsTopic topic : data.topics()) {
            ListOffsetsTopicResponse topicResponse = new ListOffsetsTopicResponse().setName(topic.name());
            response.topics().add(topicResponse);
            for (ListOffsetsRequestData.ListOffsetsPartition asked : topic.partitions()) {
                ListOffsetsPartitionResponse answer = answer(topic.name(), asked,
                        data.isolationLevel() == IsolationLevel.READ_COMMITTED.id());
                if (request.version() >= 4) {
                    // the field exists from v4 on; older versions refuse a non-default
                    answer.setLeaderEpoch(context.routing().leaderEpoch(
                            new TopicPartition(topic.name(), asked.partitionIndex())));
                }
                topicResponse.partitions().add(answer);
            }
        }
        return CompletableFuture.completedFuture(Reply.of(new ListOffsetsResponse(response)));
    }

    /** With read_committed (v2+) "latest" is the last stable offset, as in Kafka. */
    private ListOffsetsPartitionResponse answer(String topic, ListOffsetsRequestData.ListOffsetsPartition asked,
            boolean readCommitted) {
        ListOffsetsPartitionResponse result = new ListOffsetsPartitionResponse()
                .setPartitionIndex(asked.partitionIndex());
        PartitionLog log = context.engine().partition(new TopicPartition(topic, asked.partitionIndex()));
        if (log == null) {
            return result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()).setOffset(-1).setTimestamp(-1);
        }
        if (!context.routing().leadsHere(log.topicPartition())) {
            return result.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code()).setOffset(-1).setTimestamp(-1);
        }
        long timestamp = asked.timestamp();
        try {
            if (timestamp == ListOffsetsRequest.EARLIEST_TIMESTAMP || timestamp == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
                return result.setOffset(log.logStartOffset()).setTimestamp(-1);
            }
            if (timestamp == ListOffsetsRequest.LATEST_TIMESTAMP || timestamp == ListOffsetsRequest.LATEST_TIERED_TIMESTAMP) {
                return result.setOffset(readCommitted ? log.lastStableOffset() : log.highWatermark()).setTimestamp(-1);
            }
            Optional<TimestampedOffset> found = timestamp == ListOffsetsRequest.MAX_TIMESTAMP
                    ? log.maxTimestampOffset() : log.offsetForTimestamp(timestamp);
            if (timestamp < 0 && timestamp != ListOffsetsRequest.MAX_TIMESTAMP) {
                return result.setErrorCode(Errors.UNSUPPORTED_VERSION.code()).setOffset(-1).setTimestamp(-1);
            }
            return found.map(f -> result.setOffset(f.offset()).setTimestamp(f.timestamp()))
                    .orElseGet(() -> result.setOffset(-1).setTimestamp(-1));
        } catch (IOException e) {
            return result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code()).setOffset(-1).setTimestamp(-1);
        }
    }
}
