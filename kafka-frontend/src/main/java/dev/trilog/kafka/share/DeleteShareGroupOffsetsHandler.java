package dev.trilog.kafka.share;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.requests.DeleteShareGroupOffsetsRequest;
import org.apache.kafka.common.requests.DeleteShareGroupOffsetsResponse;

/**
 * DeleteShareGroupOffsets ({@code Admin.deleteShareGroupOffsets}, {@code kafka-share-groups.sh
 * --delete-offsets}): the group's share state on the named topics is forgotten. See {@link ShareGroupAdmin}.
 */
final class DeleteShareGroupOffsetsHandler implements ApiHandler {

    private final ShareGroupAdmin admin;

    DeleteShareGroupOffsetsHandler(ShareGroupAdmin admin) {
        this.admin = admin;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        var data = ((DeleteShareGroupOffsetsRequest) request.body()).data();
        return CompletableFuture.completedFuture(Reply.of(new DeleteShareGroupOffsetsResponse(admin.deleteOffsets(data))));
    }
}
