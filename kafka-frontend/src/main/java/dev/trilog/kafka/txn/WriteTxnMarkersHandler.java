package dev.trilog.kafka.txn;

import dev.trilog.kafka.KafkaBroker;
import dev.trilog.kafka.api.ApiHandler;
import dev.trilog.kafka.api.ErrorMapping;
import dev.trilog.kafka.api.KafkaRequest;
import dev.trilog.kafka.api.Reply;
import dev.trilog.log.record.TxnMarker;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarker;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarkerTopic;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData.WritableTxnMarkerResult;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;

/**
 * WriteTxnMarkers: between Kafka brokers the coordinator's way to end a transaction on a
 * partition leader; here (one node, the coordinator appends markers itself) it serves
 * {@code Admin.abortTransaction} / {@code kafka-transactions.sh abort}, which ends a hanging
 * transaction the coordinator no longer knows by writing its marker directly. A marker of an
 * older epoch than the partition knows for the producer is refused (INVALID_PRODUCER_EPOCH).
 */
final class WriteTxnMarkersHandler implements ApiHandler {

    private final KafkaBroker broker;

    WriteTxnMarkersHandler(KafkaBroker broker) {
        this.broker = broker;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        WriteTxnMarkersResponseData response = new WriteTxnMarkersResponseData();
        for (WritableTxnMarker marker : ((WriteTxnMarkersRequest) request.body()).data().markers()) {
            WritableTxnMarkerResult result = new WritableTxnMarkerResult().setProducerId(marker.producerId());
            response.markers().add(result);
            TxnMarker type = marker.transactionResult() ? TxnMarker.COMMIT : TxnMarker.ABORT;
            for (WritableTxnMarkerTopic topic : marker.topics()) {
                WritableTxnMarkerTopicResult topicResult = new WritableTxnMarkerTopicResult().setName(topic.name());
                result.topics().add(topicResult);
                for (int index : topic.partitionIndexes()) {
                    topicResult.partitions().add(new WritableTxnMarkerPartitionResult().setPartitionIndex(index)
                            .setErrorCode(write(new TopicPartition(topic.name(), index), marker, type).code()));
                }
            }
        }
        return CompletableFuture.completedFuture(Reply.of(new WriteTxnMarkersResponse(response)));
    }

    private Errors write(TopicPartition tp, WritableTxnMarker marker, TxnMarker type) {
        try {
            broker.engine().appender().appendTransactionMarker(tp, marker.producerId(), marker.producerEpoch(), type,
                    marker.coordinatorEpoch()).join();
            return Errors.NONE;
        } catch (Exception e) {
            return ErrorMapping.toError(e);
        }
    }
}
