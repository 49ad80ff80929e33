package dev.trilog.kafka.group;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;
import org.apache.kafka.common.requests.FindCoordinatorResponse;

/**
 * FindCoordinator: on one node, this node coordinates every consumer group and every
 * transactional id; other key types (share groups) are invalid here.
 * Versions 0-3 ask for one key; v4+ for a batch of keys of one type.
 */
final class FindCoordinatorHandler implements ApiHandler {

    private final KafkaContext context;

    FindCoordinatorHandler(KafkaContext context) {
        this.context = context;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        FindCoordinatorRequestData data = ((FindCoordinatorRequest) request.body()).data();
        FindCoordinatorResponseData response = new FindCoordinatorResponseData();
        Errors error = errorFor(data.keyType());
        if (request.version() < FindCoordinatorRequest.MIN_BATCHED_VERSION) {
            Coordinator answer = answer(data.key(), error);
            response.setErrorCode(answer.errorCode()).setErrorMessage(answer.errorMessage())
                    .setNodeId(answer.nodeId()).setHost(answer.host()).setPort(answer.port());
        } else {
            List<String> keys = data.coordinatorKeys();
            for (String key : keys) {
                response.coordinators().add(answer(key, error));
            }
        }
        return CompletableFuture.completedFuture(Reply.of(new FindCoordinatorResponse(response)));
    }

    private static Errors errorFor(byte keyType) {
        if (keyType == CoordinatorType.GROUP.id() || keyType == CoordinatorType.TRANSACTION.id()) {
            return Errors.NONE;
        }
        return Errors.INVALID_REQUEST;
    }

    private Coordinator answer(String key, Errors error) {
        Coordinator coordinator = new Coordinator().setKey(key).setErrorCode(error.code());
        if (error != Errors.NONE) {
            return coordinator.setErrorMessage("Trilog coordinates consumer groups and transactions only").setNodeId(-1).setHost("").setPort(-1);
        }
        // in a cluster the node leading it coordinates every group and transaction (ClusterRouting)
        return context.routing().leader()
                .map(leader -> coordinator.setNodeId(leader.id()).setHost(leader.host()).setPort(leader.port()))
                .orElseGet(() -> coordinator.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
                        .setErrorMessage("the cluster is electing a leader").setNodeId(-1).setHost("").setPort(-1));
    }
}
