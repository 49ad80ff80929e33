package dev.trilog.kafka.share;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.requests.AlterShareGroupOffsetsRequest;
import org.apache.kafka.common.requests.AlterShareGroupOffsetsResponse;

/**
 * AlterShareGroupOffsets ({@code Admin.alterShareGroupOffsets}, {@code kafka-share-groups.sh
 * --reset-offsets}): answered once the new start offsets are durable. See {@link ShareGroupAdmin}.
 */
final class AlterShareGroupOffsetsHandler implements ApiHandler {

    private final ShareGroupAdmin admin;

    AlterShareGroupOffsetsHandler(ShareGroupAdmin admin) {
        this.admin = admin;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        var data = ((AlterShareGroupOffsetsRequest) request.body()).data();
        return admin.alter(data).thenApply(response -> Reply.of(new AlterShareGroupOffsetsResponse(response)));
    }
}
