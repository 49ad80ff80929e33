package dev.trilog.kafka.txn;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import dev.trilog.log.ActiveProducer;
import dev.trilog.log.PartitionLog;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.message.DescribeProducersResponseData.PartitionResponse;
import org.apache.kafka.common.message.DescribeProducersResponseData.ProducerState;
import org.apache.kafka.common.message.DescribeProducersResponseData.TopicResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeProducersRequest;
import org.apache.kafka.common.requests.DescribeProducersResponse;

/**
 * DescribeProducers ({@code kafka-transactions.sh describe-producers}, {@code find-hanging}): the
 * idempotent and transactional producers each partition remembers, with the first offset of
 * their open transaction. Coordinator epochs are not kept per partition (one node): -1.
 */
final class DescribeProducersHandler implements ApiHandler {

    private final KafkaContext context;

    DescribeProducersHandler(KafkaContext context) {
        this.context = context;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        DescribeProducersRequestData data = ((DescribeProducersRequest) request.body()).data();
        DescribeProducersResponseData response = new DescribeProducersResponseData();
        for (DescribeProducersRequestData.TopicRequest topic : data.topics()) {
            TopicResponse topicResponse = new TopicResponse().setName(topic.name());
            response.topics().add(topicResponse);
            for (int index : topic.partitionIndexes()) {
                PartitionResponse partition = new PartitionResponse().setPartitionIndex(index);
                topicResponse.partitions().add(partition);
                PartitionLog log = context.engine().partition(new TopicPartition(topic.name(), index));
                if (log == null) {
                    partition.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                    continue;
                }
                for (ActiveProducer producer : log.activeProducers()) {
                    partition.activeProducers().add(new ProducerState().setProducerId(producer.producerId())
                            .setProducerEpoch(producer.epoch()).setLastSequence(producer.lastSequence())
                            .setLastTimestamp(producer.lastTimestamp()).setCoordinatorEpoch(-1)
                            .setCurrentTxnStartOffset(producer.currentTxnStartOffset()));
                }
            }
        }
        return CompletableFuture.completedFuture(Reply.of(new DescribeProducersResponse(response)));
    }
}
