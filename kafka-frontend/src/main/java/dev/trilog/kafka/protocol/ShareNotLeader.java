package dev.trilog.kafka.protocol;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.message.ShareAcknowledgeRequestData;
import org.apache.kafka.common.message.ShareAcknowledgeResponseData;
import org.apache.kafka.common.message.ShareFetchRequestData;
import org.apache.kafka.common.message.ShareFetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ShareAcknowledgeRequest;
import org.apache.kafka.common.requests.ShareAcknowledgeResponse;
import org.apache.kafka.common.requests.ShareFetchRequest;
import org.apache.kafka.common.requests.ShareFetchResponse;

/**
 * What ShareFetch and ShareAcknowledge get on a clustered node that does not lead (the leader
 * serves the queues and share groups): NOT_LEADER_OR_FOLLOWER on each partition with the current
 * leader and its endpoint, which is what moves a KafkaShareConsumer's partitions to the leader. A
 * share fetch that names no partitions (an incremental one) gets SHARE_SESSION_NOT_FOUND: the
 * client then opens a session naming them all, which gets the partitions' errors.
 */
final class ShareNotLeader {

    private ShareNotLeader() {
    }

    static Reply answer(KafkaRequest request, Optional<ClusterRouting.Broker> leader, int leaderEpoch) {
        List<Node> endpoints = leader.map(b -> List.of(new Node(b.id(), b.host(), b.port()))).orElse(List.of());
        int leaderId = leader.map(ClusterRouting.Broker::id).orElse(-1);
        int epoch = leader.isPresent() ? leaderEpoch : -1;
        if (request.apiKey() == ApiKeys.SHARE_FETCH) {
            LinkedHashMap<TopicIdPartition, ShareFetchResponseData.PartitionData> partitions = new LinkedHashMap<>();
            for (ShareFetchRequestData.FetchTopic topic : ((ShareFetchRequest) request.body()).data().topics()) {
                for (ShareFetchRequestData.FetchPartition p : topic.partitions()) {
                    partitions.put(new TopicIdPartition(topic.topicId(), p.partitionIndex(), ""),
                            new ShareFetchResponseData.PartitionData().setPartitionIndex(p.partitionIndex())
                                    .setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code())
                                    .setCurrentLeader(new ShareFetchResponseData.LeaderIdAndEpoch()
                                            .setLeaderId(leaderId).setLeaderEpoch(epoch)));
                }
            }
            Errors top = partitions.isEmpty() ? Errors.SHARE_SESSION_NOT_FOUND : Errors.NONE;
            return Reply.of(ShareFetchResponse.of(top, 0, partitions, endpoints, 0));
        }
        LinkedHashMap<TopicIdPartition, ShareAcknowledgeResponseData.PartitionData> partitions = new LinkedHashMap<>();
        for (ShareAcknowledgeRequestData.AcknowledgeTopic topic : ((ShareAcknowledgeRequest) request.body()).data()
                .topics()) {
            for (ShareAcknowledgeRequestData.AcknowledgePartition p : topic.partitions()) {
                partitions.put(new TopicIdPartition(topic.topicId(), p.partitionIndex(), ""),
                        new ShareAcknowledgeResponseData.PartitionData().setPartitionIndex(p.partitionIndex())
                                .setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code())
                                .setCurrentLeader(new ShareAcknowledgeResponseData.LeaderIdAndEpoch()
                                        .setLeaderId(leaderId).setLeaderEpoch(epoch)));
            }
        }
        return Reply.of(ShareAcknowledgeResponse.of(Errors.NONE, 0, partitions, endpoints, 0));
    }
}
