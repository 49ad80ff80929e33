package dev.trilog.kafka.group;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DeleteGroupsResponse;

/** DeleteGroups: a group without members goes, with its committed offsets; one with members is NON_EMPTY_GROUP. */
final class DeleteGroupsHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    DeleteGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        DeleteGroupsRequestData data = ((DeleteGroupsRequest) request.body()).data();
        DeleteGroupsResponseData response = new DeleteGroupsResponseData();
        for (String groupId : data.groupsNames()) {
            if (response.results().find(groupId) != null) {
                continue; // named twice: answered once
            }
            Errors error = coordinator.deleteGroup(groupId);
            response.results().add(new DeletableGroupResult().setGroupId(groupId).setErrorCode(error.code())
                    .setErrorMessage(error == Errors.NONE ? null : error.message()));
        }
        return CompletableFuture.completedFuture(Reply.of(new DeleteGroupsResponse(response)));
    }
}
