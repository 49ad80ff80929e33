package dev.trilog.kafka.txn;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
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
        } else {
            try {
                response.setProducerId(context.engine().allocateProducerId()).setProducerEpoch((short) 0);
            } catch (IOException e) {
                response.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
            }
        }
        return CompletableFuture.completedFuture(Reply.of(new InitProducerIdResponse(response)));
    }
}
