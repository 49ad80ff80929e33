package dev.trilog.kafka.admin;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListPartitionReassignmentsResponse;

/** ListPartitionReassignments: one node never moves a replica, so no reassignment is ever in progress. */
final class ListPartitionReassignmentsHandler implements ApiHandler {

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        ListPartitionReassignmentsResponseData response = new ListPartitionReassignmentsResponseData()
                .setErrorCode(Errors.NONE.code()).setErrorMessage(null);
        return CompletableFuture.completedFuture(Reply.of(new ListPartitionReassignmentsResponse(response)));
    }
}
