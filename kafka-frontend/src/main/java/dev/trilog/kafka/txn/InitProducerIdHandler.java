package dev.trilog.kafka.txn;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import dev.trilog.log.LogEngine;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;

/**
 * InitProducerId: an idempotent producer (no transactional id) gets a fresh producer id at
 * epoch 0; a transactional one goes to the {@link TransactionCoordinator}, which keeps its
 * producer id and bumps the epoch. Two-phase commit (v6, KIP-939) is not advertised.
 */
final class InitProducerIdHandler implements ApiHandler {

    /** From this version the coordinator may answer PRODUCER_FENCED instead of INVALID_PRODUCER_EPOCH. */
    private static final short PRODUCER_FENCED_VERSION = 4;

    private final KafkaContext context;
    private final TransactionCoordinator coordinator;

    InitProducerIdHandler(KafkaContext context, TransactionCoordinator coordinator) {
        this.context = context;
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        InitProducerIdRequestData data = ((InitProducerIdRequest) request.body()).data();
        InitProducerIdResponseData response = new InitProducerIdResponseData().setProducerId(-1).setProducerEpoch((short) -1);
        if (data.transactionalId() != null) {
            TransactionCoordinator.ProducerIdAndEpoch result = coordinator.initProducerId(data.transactionalId(),
                    data.transactionTimeoutMs(), data.producerId(), data.producerEpoch(),
                    request.version() >= PRODUCER_FENCED_VERSION);
            response.setErrorCode(result.error().code()).setProducerId(result.producerId())
                    .setProducerEpoch(result.epoch());
            return CompletableFuture.completedFuture(Reply.of(new InitProducerIdResponse(response)));
        }
        // no id (a cluster's grant of a block failed, or did not come in time — no leader): retriable,
        // as Kafka answers while its controller has not granted the broker a block; well within the
        // client's request timeout, so that it retries rather than gives the connection up
        return context.engine().producerId().orTimeout(LogEngine.PRODUCER_ID_WAIT_SECONDS, TimeUnit.SECONDS)
                .handle((id, failure) -> {
                    if (failure != null) {
                        response.setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
                    } else {
                        response.setProducerId(id).setProducerEpoch((short) 0);
                    }
                    return Reply.of(new InitProducerIdResponse(response));
                });
    }
}
