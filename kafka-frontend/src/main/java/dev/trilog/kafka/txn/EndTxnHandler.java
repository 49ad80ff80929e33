package dev.trilog.kafka.txn;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.EndTxnRequest;
import org.apache.kafka.common.requests.EndTxnResponse;

/**
 * EndTxn: commit or abort. Version 5 belongs to transactions v2 (KIP-890), which clients use
 * only when the broker finalizes the {@code transaction.version} feature; Trilog does not, so
 * clients stay on v4 and below. Should a v5 request come anyway, it is answered the v1 way
 * with the unchanged producer id and epoch.
 */
final class EndTxnHandler implements ApiHandler {

    private static final short PRODUCER_FENCED_VERSION = 2;

    private final TransactionCoordinator coordinator;

    EndTxnHandler(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        EndTxnRequestData data = ((EndTxnRequest) request.body()).data();
        Errors error = coordinator.endTransaction(data.transactionalId(), data.producerId(), data.producerEpoch(),
                data.committed(), request.version() >= PRODUCER_FENCED_VERSION);
        return CompletableFuture.completedFuture(Reply.of(new EndTxnResponse(new EndTxnResponseData()
                .setErrorCode(error.code()).setProducerId(data.producerId()).setProducerEpoch(data.producerEpoch()))));
    }
}
