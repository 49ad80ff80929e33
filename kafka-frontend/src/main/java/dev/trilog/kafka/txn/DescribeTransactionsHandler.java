package dev.trilog.kafka.txn;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData.TopicData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData.TopicDataCollection;
import org.apache.kafka.common.message.DescribeTransactionsResponseData.TransactionState;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeTransactionsRequest;
import org.apache.kafka.common.requests.DescribeTransactionsResponse;

/** DescribeTransactions ({@code kafka-transactions.sh describe}): state, producer, timeout and partitions per id. */
final class DescribeTransactionsHandler implements ApiHandler {

    private final TransactionCoordinator coordinator;

    DescribeTransactionsHandler(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        DescribeTransactionsRequestData data = ((DescribeTransactionsRequest) request.body()).data();
        DescribeTransactionsResponseData response = new DescribeTransactionsResponseData();
        for (String id : data.transactionalIds()) {
            TransactionView view = coordinator.describe(id);
            TransactionState state = new TransactionState().setTransactionalId(id);
            if (view == null) {
                state.setErrorCode(Errors.TRANSACTIONAL_ID_NOT_FOUND.code()).setTransactionState("")
                        .setProducerId(-1).setProducerEpoch((short) -1).setTransactionStartTimeMs(-1);
            } else {
                TopicDataCollection topics = new TopicDataCollection();
                for (TopicPartition tp : view.partitions()) {
                    TopicData topic = topics.find(tp.topic());
                    if (topic == null) {
                        topic = new TopicData().setTopic(tp.topic());
                        topics.add(topic);
                    }
                    topic.partitions().add(tp.partition());
                }
                state.setTransactionState(view.state()).setProducerId(view.producerId())
                        .setProducerEpoch(view.epoch()).setTransactionTimeoutMs(view.timeoutMs())
                        .setTransactionStartTimeMs(view.startTimeMs()).setTopics(topics);
            }
            response.transactionStates().add(state);
        }
        return CompletableFuture.completedFuture(Reply.of(new DescribeTransactionsResponse(response)));
    }
}
