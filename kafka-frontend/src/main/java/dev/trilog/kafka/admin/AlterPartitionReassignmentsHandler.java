package dev.trilog.kafka.admin;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.NamedTopic;
import dev.trilog.kafka.protocol.Reply;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignablePartition;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignableTopic;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignableTopicResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterPartitionReassignmentsRequest;
import org.apache.kafka.common.requests.AlterPartitionReassignmentsResponse;

/**
 * AlterPartitionReassignments on one node: the only valid target is this node, where every
 * partition already is, so a valid reassignment completes at once without moving anything;
 * cancelling finds nothing in progress; any other broker is not registered.
 */
final class AlterPartitionReassignmentsHandler implements ApiHandler {

    private final KafkaContext context;

    AlterPartitionReassignmentsHandler(KafkaContext context) {
        this.context = context;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        AlterPartitionReassignmentsRequestData data = ((AlterPartitionReassignmentsRequest) request.body()).data();
        AlterPartitionReassignmentsResponseData response = new AlterPartitionReassignmentsResponseData()
                .setErrorCode(Errors.NONE.code()).setErrorMessage(null)
                .setAllowReplicationFactorChange(data.allowReplicationFactorChange());
        for (ReassignableTopic topic : data.topics()) {
            ReassignableTopicResponse topicResponse = new ReassignableTopicResponse().setName(topic.name());
            NamedTopic existing = context.topics().byName(topic.name());
            for (ReassignablePartition partition : topic.partitions()) {
                topicResponse.partitions().add(reassign(topic.name(), existing, partition));
            }
            response.responses().add(topicResponse);
        }
        return CompletableFuture.completedFuture(Reply.of(new AlterPartitionReassignmentsResponse(response)));
    }

    private ReassignablePartitionResponse reassign(String name, NamedTopic topic, ReassignablePartition asked) {
        ReassignablePartitionResponse result = new ReassignablePartitionResponse()
                .setPartitionIndex(asked.partitionIndex()).setErrorCode(Errors.NONE.code()).setErrorMessage(null);
        if (!topic.exists()) {
            return result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                    .setErrorMessage("Unable to find a topic named " + name + ".");
        }
        if (topic.check(asked.partitionIndex()) != Errors.NONE) {
            return result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                    .setErrorMessage("Unable to find partition " + name + ":" + asked.partitionIndex() + ".");
        }
        if (asked.replicas() == null) {
            return result.setErrorCode(Errors.NO_REASSIGNMENT_IN_PROGRESS.code())
                    .setErrorMessage(Errors.NO_REASSIGNMENT_IN_PROGRESS.message());
        }
        try {
            Replicas.check(asked.replicas(), context.routing().replicas());
            return result;
        } catch (ApiException e) {
            return result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
        }
    }
}
