package dev.trilog.kafka.share;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import dev.trilog.log.Topic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsResponseData;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponseGroup;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponsePartition;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsResponseData.DescribeShareGroupOffsetsResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeShareGroupOffsetsRequest;
import org.apache.kafka.common.requests.DescribeShareGroupOffsetsResponse;

/**
 * DescribeShareGroupOffsets ({@code Admin.listShareGroupOffsets}, {@code kafka-share-groups.sh
 * --describe}): each partition's share-partition start offset, the share cursor's start — every
 * record below it is acknowledged or archived. Without named topics, the topics the group's
 * members subscribe to and those it has share state on. The lag (v1): the records from the start
 * offset to the log's end not yet acknowledged or archived.
 */
final class DescribeShareGroupOffsetsHandler implements ApiHandler {

    private final KafkaContext context;
    private final ShareGroups groups;
    private final ShareSources sources;

    DescribeShareGroupOffsetsHandler(KafkaContext context, ShareGroups groups, ShareSources sources) {
        this.context = context;
        this.groups = groups;
        this.sources = sources;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        var data = ((DescribeShareGroupOffsetsRequest) request.body()).data();
        DescribeShareGroupOffsetsResponseData response = new DescribeShareGroupOffsetsResponseData();
        for (DescribeShareGroupOffsetsRequestData.DescribeShareGroupOffsetsRequestGroup asked : data.groups()) {
            response.groups().add(describe(asked));
        }
        return CompletableFuture.completedFuture(Reply.of(new DescribeShareGroupOffsetsResponse(response)));
    }

    private DescribeShareGroupOffsetsResponseGroup describe(
            DescribeShareGroupOffsetsRequestData.DescribeShareGroupOffsetsRequestGroup asked) {
        DescribeShareGroupOffsetsResponseGroup answer = new DescribeShareGroupOffsetsResponseGroup()
                .setGroupId(asked.groupId());
        Optional<ShareGroups.ShareGroupView> group = groups.describe(asked.groupId());
        if (group.isEmpty()) {
            return answer.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                    .setErrorMessage("Group " + asked.groupId() + " not found.");
        }
        Map<String, List<Integer>> wanted = new LinkedHashMap<>();
        if (asked.topics() == null) {
            TreeSet<String> subscribed = new TreeSet<>();
            group.get().members().forEach(m -> subscribed.addAll(m.subscribedTopics()));
            // and those it has state on: an empty group's offsets are still there to see (and reset)
            subscribed.addAll(context.engine().shareCursorTopics(asked.groupId()));
            for (String name : subscribed) {
                context.engine().topic(name).ifPresent(t -> wanted.put(name, allPartitions(t)));
            }
        } else {
            asked.topics().forEach(t -> wanted.put(t.topicName(), t.partitions()));
        }
        int leaderEpoch = context.routing().placement().leaderEpoch();
        wanted.forEach((name, partitions) -> {
            Optional<Topic> topic = context.engine().topic(name);
            DescribeShareGroupOffsetsResponseTopic described = new DescribeShareGroupOffsetsResponseTopic()
                    .setTopicName(name);
            topic.ifPresent(t -> described.setTopicId(t.id()));
            ShareSource source = topic.map(t -> sources.of(t, asked.groupId())).orElse(null);
            for (int p : partitions) {
                DescribeShareGroupOffsetsResponsePartition partition = new DescribeShareGroupOffsetsResponsePartition()
                        .setPartitionIndex(p).setLeaderEpoch(leaderEpoch);
                if (source == null || p < 0 || p >= topic.get().partitions()) {
                    partition.setStartOffset(-1).setLag(-1).setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                            .setErrorMessage(Errors.UNKNOWN_TOPIC_OR_PARTITION.message());
                } else {
                    partition.setStartOffset(source.startOffset(p)).setLag(source.lag(p));
                }
                described.partitions().add(partition);
            }
            answer.topics().add(described);
        });
        return answer;
    }

    private static List<Integer> allPartitions(Topic topic) {
        List<Integer> all = new ArrayList<>(topic.partitions());
        for (int p = 0; p < topic.partitions(); p++) {
            all.add(p);
        }
        return all;
    }
}
