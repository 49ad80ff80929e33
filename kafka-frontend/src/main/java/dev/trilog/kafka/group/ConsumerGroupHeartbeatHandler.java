package dev.trilog.kafka.group;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatResponse;

/** ConsumerGroupHeartbeat (KIP-848): joins, keeps and leaves consumer-group membership. */
final class ConsumerGroupHeartbeatHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    ConsumerGroupHeartbeatHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        var data = ((ConsumerGroupHeartbeatRequest) request.body()).data();
        return CompletableFuture.completedFuture(Reply.of(new ConsumerGroupHeartbeatResponse(
                coordinator.consumerGroupHeartbeat(request.clientId(), request.context().clientAddress.toString(), data))));
    }
}
