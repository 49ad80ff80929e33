package dev.trilog.kafka.admin;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.ErrorMapping;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import dev.trilog.log.OffsetOutOfRangeException;
import dev.trilog.log.PartitionLog;
import dev.trilog.log.UnknownTopicException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.apache.kafka.common.requests.DeleteRecordsResponse;

/**
 * DeleteRecords: moves each partition's log start offset (its low watermark) up to the offset
 * given, -1 meaning the high watermark. An offset past the high watermark is OFFSET_OUT_OF_RANGE;
 * a topic whose cleanup policy does not include {@code delete} refuses, as in Kafka.
 */
final class DeleteRecordsHandler implements ApiHandler {

    private final KafkaContext context;

    DeleteRecordsHandler(KafkaContext context) {
        this.context = context;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        DeleteRecordsRequestData data = ((DeleteRecordsRequest) request.body()).data();
        DeleteRecordsResponseData response = new DeleteRecordsResponseData();
        for (DeleteRecordsTopic topic : data.topics()) {
            DeleteRecordsTopicResult topicResult = new DeleteRecordsTopicResult().setName(topic.name());
            response.topics().add(topicResult);
            for (DeleteRecordsPartition partition : topic.partitions()) {
                topicResult.partitions().add(delete(new TopicPartition(topic.name(), partition.partitionIndex()),
                        partition.offset()));
            }
        }
        return CompletableFuture.completedFuture(Reply.of(new DeleteRecordsResponse(response)));
    }

    private DeleteRecordsPartitionResult delete(TopicPartition tp, long offset) {
        DeleteRecordsPartitionResult result = new DeleteRecordsPartitionResult().setPartitionIndex(tp.partition())
                .setLowWatermark(DeleteRecordsResponse.INVALID_LOW_WATERMARK);
        PartitionLog log = context.engine().partition(tp);
        if (log == null) {
            return result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
        if (!context.routing().leadsHere(tp)) {
            return result.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
        }
        if (!log.config().delete()) {
            return result.setErrorCode(Errors.POLICY_VIOLATION.code());
        }
        try {
            long target = offset == DeleteRecordsRequest.HIGH_WATERMARK ? log.highWatermark() : offset;
            return result.setErrorCode(Errors.NONE.code())
                    .setLowWatermark(context.engine().deleteRecordsBefore(tp, target));
        } catch (OffsetOutOfRangeException e) {
            return result.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
        } catch (UnknownTopicException e) { // deleted meanwhile
            return result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        } catch (IOException | RuntimeException e) {
            return result.setErrorCode(ErrorMapping.toError(e).code());
        }
    }
}
