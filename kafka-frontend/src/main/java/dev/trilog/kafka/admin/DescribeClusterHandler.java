package dev.trilog.kafka.admin;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.ClusterRouting;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.EndpointType;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.DescribeClusterResponse;

/**
 * DescribeCluster: the cluster ID, this node as the controller, and this one broker. The Kafka
 * port is a broker endpoint; a request for controller endpoints gets Kafka's mismatch error.
 */
final class DescribeClusterHandler implements ApiHandler {

    private static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;

    private final KafkaContext context;

    DescribeClusterHandler(KafkaContext context) {
        this.context = context;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        DescribeClusterRequestData data = ((DescribeClusterRequest) request.body()).data();
        DescribeClusterResponseData response = new DescribeClusterResponseData()
                .setEndpointType(EndpointType.BROKER.id())
                .setClusterAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
        EndpointType asked = EndpointType.fromId(data.endpointType());
        boolean v0 = request.version() == 0;
        if (asked == EndpointType.UNKNOWN) {
            response.setErrorCode((v0 ? Errors.INVALID_REQUEST : Errors.UNSUPPORTED_ENDPOINT_TYPE).code())
                    .setErrorMessage("Unsupported endpoint type " + data.endpointType());
        } else if (asked != EndpointType.BROKER) {
            response.setErrorCode((v0 ? Errors.INVALID_REQUEST : Errors.MISMATCHED_ENDPOINT_TYPE).code())
                    .setErrorMessage("The request was sent to an endpoint of type " + EndpointType.BROKER
                            + ", but we wanted an endpoint of type " + asked);
        } else {
            ClusterRouting routing = context.routing();
            response.setClusterId(context.clusterId())
                    .setControllerId(routing.leader().map(ClusterRouting.Broker::id).orElse(-1));
            for (ClusterRouting.Broker broker : routing.brokers()) {
                response.brokers().add(new DescribeClusterBroker().setBrokerId(broker.id()).setHost(broker.host())
                        .setPort(broker.port()).setRack(null).setIsFenced(false));
            }
        }
        return CompletableFuture.completedFuture(Reply.of(new DescribeClusterResponse(response)));
    }
}
