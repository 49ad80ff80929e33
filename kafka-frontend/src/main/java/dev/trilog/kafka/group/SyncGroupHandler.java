package dev.trilog.kafka.group;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;

/** SyncGroup: the leader hands in the assignment; each member gets its own bytes back. */
final class SyncGroupHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    SyncGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        SyncGroupRequest body = (SyncGroupRequest) request.body();
        return coordinator.syncGroup(body.data()).thenApply(data -> Reply.of(new SyncGroupResponse(data)));
    }
}
