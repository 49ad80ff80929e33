package dev.trilog.kafka.group;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;

/**
 * LeaveGroup: v0-2 name one member; v3+ a batch (by member id, or by instance id alone when an
 * admin removes static members). For old versions a member's error becomes the top-level error.
 */
final class LeaveGroupHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    LeaveGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        LeaveGroupRequest body = (LeaveGroupRequest) request.body();
        LeaveGroupResponseData result = coordinator.leaveGroup(body.data().groupId(), body.members());
        return CompletableFuture.completedFuture(Reply.of(new LeaveGroupResponse(result.members(),
                Errors.forCode(result.errorCode()), 0, request.version())));
    }
}
