package dev.trilog.kafka.group;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.requests.ListGroupsResponse;

/** ListGroups, with the v4 states filter and the v5 types filter. */
final class ListGroupsHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    ListGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        ListGroupsRequestData data = ((ListGroupsRequest) request.body()).data();
        ListGroupsResponseData response = new ListGroupsResponseData()
                .setGroups(coordinator.listGroups(data.statesFilter(), data.typesFilter()));
        return CompletableFuture.completedFuture(Reply.of(new ListGroupsResponse(response)));
    }
}
