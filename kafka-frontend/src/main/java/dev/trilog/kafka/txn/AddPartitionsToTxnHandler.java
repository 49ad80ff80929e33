package dev.trilog.kafka.txn;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnResultCollection;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;

/**
 * AddPartitionsToTxn: v0-3 as producers send it (one transaction), v4+ in the batched form
 * brokers use (many transactions, each either adding partitions or, with VerifyOnly, asking
 * whether they are already in the transaction).
 */
final class AddPartitionsToTxnHandler implements ApiHandler {

    private static final short PRODUCER_FENCED_VERSION = 2;
    private static final short BATCHED_VERSION = 4;

    private final TransactionCoordinator coordinator;

    AddPartitionsToTxnHandler(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        AddPartitionsToTxnRequest body = (AddPartitionsToTxnRequest) request.body();
        AddPartitionsToTxnResponseData response = new AddPartitionsToTxnResponseData();
        if (request.version() < BATCHED_VERSION) {
            var data = body.data();
            Map<TopicPartition, Errors> errors = coordinator.addPartitions(data.v3AndBelowTransactionalId(),
                    data.v3AndBelowProducerId(), data.v3AndBelowProducerEpoch(),
                    AddPartitionsToTxnRequest.getPartitions(data.v3AndBelowTopics()),
                    request.version() >= PRODUCER_FENCED_VERSION);
            response.setResultsByTopicV3AndBelow(AddPartitionsToTxnResponse
                    .resultForTransaction(AddPartitionsToTxnResponse.V3_AND_BELOW_TXN_ID, errors).topicResults());
        } else {
            AddPartitionsToTxnResultCollection results = new AddPartitionsToTxnResultCollection();
            for (AddPartitionsToTxnTransaction txn : body.data().transactions()) {
                List<TopicPartition> partitions = AddPartitionsToTxnRequest.getPartitions(txn.topics());
                Map<TopicPartition, Errors> errors = txn.verifyOnly()
                        ? coordinator.verifyPartitions(txn.transactionalId(), txn.producerId(), txn.producerEpoch(), partitions)
                        : coordinator.addPartitions(txn.transactionalId(), txn.producerId(), txn.producerEpoch(),
                                partitions, true);
                results.add(AddPartitionsToTxnResponse.resultForTransaction(txn.transactionalId(), errors));
            }
            response.setResultsByTransaction(results);
        }
        return CompletableFuture.completedFuture(Reply.of(new AddPartitionsToTxnResponse(response)));
    }
}
