package dev.trilog.kafka.group;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.requests.ConsumerGroupDescribeRequest;
import org.apache.kafka.common.requests.ConsumerGroupDescribeResponse;

/**
 * ConsumerGroupDescribe (KIP-848): what {@link ConsumerGroupDescription} shows of each group. A
 * classic group is GROUP_ID_NOT_FOUND, upon which the admin client asks DescribeGroups instead.
 * No ACLs exist, so authorized operations are left out.
 */
final class ConsumerGroupDescribeHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    ConsumerGroupDescribeHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        var data = ((ConsumerGroupDescribeRequest) request.body()).data();
        ConsumerGroupDescribeResponseData response = new ConsumerGroupDescribeResponseData();
        for (String groupId : data.groupIds()) {
            response.groups().add(coordinator.describeConsumerGroup(groupId));
        }
        return CompletableFuture.completedFuture(Reply.of(new ConsumerGroupDescribeResponse(response)));
    }
}
