package dev.trilog.kafka.share;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.requests.ShareGroupHeartbeatRequest;
import org.apache.kafka.common.requests.ShareGroupHeartbeatResponse;

/** ShareGroupHeartbeat: joins, keeps and leaves share-group membership ({@link ShareGroups}). */
final class ShareGroupHeartbeatHandler implements ApiHandler {

    private final ShareGroups groups;

    ShareGroupHeartbeatHandler(ShareGroups groups) {
        this.groups = groups;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        var data = ((ShareGroupHeartbeatRequest) request.body()).data();
        return CompletableFuture.completedFuture(Reply.of(new ShareGroupHeartbeatResponse(groups.heartbeat(data,
                request.clientId(), request.context().clientAddress.toString()))));
    }
}
