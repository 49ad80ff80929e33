package dev.trilog.kafka.group;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;

/** JoinGroup: answered when the group's join phase completes (the coordinator decides when). */
final class JoinGroupHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    JoinGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        JoinGroupRequest body = (JoinGroupRequest) request.body();
        // Kafka shows the host as InetAddress.toString() ("/127.0.0.1"); so do we.
        String clientHost = request.context().clientAddress.toString();
        String clientId = request.clientId() == null ? "" : request.clientId(); // the header allows null
        return coordinator.joinGroup(clientId, clientHost, request.version(), body.data())
                .thenApply(data -> Reply.of(new JoinGroupResponse(data, request.version())));
    }
}
