package dev.trilog.kafka.txn;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddOffsetsToTxnRequest;
import org.apache.kafka.common.requests.AddOffsetsToTxnResponse;

/** AddOffsetsToTxn: the producer's transaction will commit offsets of a consumer group (sendOffsetsToTransaction). */
final class AddOffsetsToTxnHandler implements ApiHandler {

    private static final short PRODUCER_FENCED_VERSION = 2;

    private final TransactionCoordinator coordinator;

    AddOffsetsToTxnHandler(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        AddOffsetsToTxnRequestData data = ((AddOffsetsToTxnRequest) request.body()).data();
        Errors error = coordinator.addOffsets(data.transactionalId(), data.producerId(), data.producerEpoch(),
                data.groupId(), request.version() >= PRODUCER_FENCED_VERSION);
        return CompletableFuture.completedFuture(Reply.of(new AddOffsetsToTxnResponse(
                new AddOffsetsToTxnResponseData().setErrorCode(error.code()))));
    }
}
