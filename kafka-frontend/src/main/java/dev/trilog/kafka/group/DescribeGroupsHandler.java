package dev.trilog.kafka.group;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;

/**
 * DescribeGroups: state, protocol type and name, and the members with client id, host, and —
 * for a stable group — their metadata and assignment bytes. No ACLs exist, so authorized
 * operations are left out.
 */
final class DescribeGroupsHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    DescribeGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        DescribeGroupsRequestData data = ((DescribeGroupsRequest) request.body()).data();
        DescribeGroupsResponseData response = new DescribeGroupsResponseData();
        for (String groupId : data.groups()) {
            response.groups().add(coordinator.describeGroup(groupId, request.version()));
        }
        return CompletableFuture.completedFuture(Reply.of(new DescribeGroupsResponse(response)));
    }
}
