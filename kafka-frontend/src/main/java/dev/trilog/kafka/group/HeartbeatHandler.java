package dev.trilog.kafka.group;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.HeartbeatResponse;

/** Heartbeat: keeps a member's session alive and tells it when a rebalance started. */
final class HeartbeatHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    HeartbeatHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        HeartbeatRequest body = (HeartbeatRequest) request.body();
        Errors error = coordinator.heartbeat(body.data());
        return CompletableFuture.completedFuture(Reply.of(new HeartbeatResponse(
                new HeartbeatResponseData().setErrorCode(error.code()))));
    }
}
