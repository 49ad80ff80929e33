package dev.trilog.kafka.api;

import dev.trilog.kafka.KafkaBroker;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;

/**
 * InitProducerId for idempotent producers: a fresh producer ID at epoch 0. Transactional IDs
 * are refused with COORDINATOR_NOT_AVAILABLE until transactions exist (FindCoordinator for
 * transaction keys answers the same).
 */
final class InitProducerIdHandler implements ApiHandler {

    private final KafkaBroker broker;

    InitProducerIdHandler(KafkaBroker broker) {
        this.broker = broker;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        InitProducerIdRequestData data = ((InitProducerIdRequest) request.body()).data();
        InitProducerIdResponseData response = new InitProducerIdResponseData().setProducerId(-1).setProducerEpoch((short) -1);
        if (data.transactionalId() != null) {
            response.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code());
        } else {
            try {
                response.setProducerId(broker.engine().allocateProducerId()).setProducerEpoch((short) 0);
            } catch (IOException e) {
                response.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
            }
        }
        return CompletableFuture.completedFuture(Reply.of(new InitProducerIdResponse(response)));
    }
}
