package dev.trilog.kafka.admin;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.NamedTopic;
import dev.trilog.kafka.protocol.Reply;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.ElectLeadersRequestData.TopicPartitions;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.message.ElectLeadersResponseData.PartitionResult;
import org.apache.kafka.common.message.ElectLeadersResponseData.ReplicaElectionResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ElectLeadersRequest;
import org.apache.kafka.common.requests.ElectLeadersResponse;

/**
 * ElectLeaders on one node: every partition is already led by its preferred (and only)
 * replica, so each named partition gets ELECTION_NOT_NEEDED. Asked for all partitions (null),
 * Kafka leaves out the partitions whose election was not needed — here, all of them.
 */
final class ElectLeadersHandler implements ApiHandler {

    private final KafkaContext context;

    ElectLeadersHandler(KafkaContext context) {
        this.context = context;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        ElectLeadersRequestData data = ((ElectLeadersRequest) request.body()).data();
        ElectLeadersResponseData response = new ElectLeadersResponseData().setErrorCode(Errors.NONE.code());
        if (data.topicPartitions() != null) {
            for (TopicPartitions asked : data.topicPartitions()) {
                ReplicaElectionResult result = new ReplicaElectionResult().setTopic(asked.topic());
                NamedTopic topic = context.topics().byName(asked.topic());
                for (int partition : asked.partitions()) {
                    result.partitionResult().add(elect(asked.topic(), topic, partition));
                }
                response.replicaElectionResults().add(result);
            }
        }
        return CompletableFuture.completedFuture(Reply.of(new ElectLeadersResponse(response)));
    }

    private static PartitionResult elect(String name, NamedTopic topic, int partition) {
        PartitionResult result = new PartitionResult().setPartitionId(partition);
        if (!topic.exists()) {
            return result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()).setErrorMessage("No such topic as " + name);
        }
        if (topic.check(partition) != Errors.NONE) {
            return result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                    .setErrorMessage("No such partition as " + name + "-" + partition);
        }
        return result.setErrorCode(Errors.ELECTION_NOT_NEEDED.code()).setErrorMessage(null);
    }
}
