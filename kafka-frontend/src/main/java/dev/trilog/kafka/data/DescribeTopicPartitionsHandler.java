package dev.trilog.kafka.data;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.ClusterRouting.Placement;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import dev.trilog.log.LogEngine;
import dev.trilog.log.Topic;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.Cursor;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;
import org.apache.kafka.common.requests.DescribeTopicPartitionsResponse;

/**
 * DescribeTopicPartitions (KIP-966), what the admin client's {@code describeTopics} and
 * {@code kafka-topics --describe} use: the named topics (or all) in name order, each partition
 * with its leader, leader epoch, replicas and in-sync replicas as Metadata gives them
 * ({@link Placement}), paged as Kafka pages them — at most {@code ResponsePartitionLimit}
 * partitions (capped by the broker's 2000) per response, and a {@code NextCursor} naming the
 * topic and partition the next request starts from. Eligible leader replicas are always empty
 * (every replica of a Trilog partition is one Raft group's member, none is eligible apart).
 * Missing topics asked for by name get {@code UNKNOWN_TOPIC_OR_PARTITION}
 * ({@code INVALID_TOPIC_EXCEPTION} for a name Kafka would refuse); describing all topics
 * leaves them out.
 */
final class DescribeTopicPartitionsHandler implements ApiHandler {

    /** Kafka's {@code max.request.partition.size.limit} default: the most partitions one response holds. */
    static final int MAX_PARTITIONS_PER_RESPONSE = 2000;

    private final KafkaContext context;

    DescribeTopicPartitionsHandler(KafkaContext context) {
        this.context = context;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        DescribeTopicPartitionsRequestData data = ((DescribeTopicPartitionsRequest) request.body()).data();
        DescribeTopicPartitionsRequestData.Cursor cursor = data.cursor();
        String cursorTopic = cursor == null ? "" : cursor.topicName();
        boolean allTopics = data.topics().isEmpty();
        TreeSet<String> names = new TreeSet<>();
        if (allTopics) {
            context.engine().topics().stream().map(Topic::name).filter(n -> n.compareTo(cursorTopic) >= 0)
                    .forEach(names::add);
        } else {
            data.topics().stream().map(DescribeTopicPartitionsRequestData.TopicRequest::name)
                    .filter(n -> n.compareTo(cursorTopic) >= 0).forEach(names::add);
            if (cursor != null && !names.contains(cursorTopic)) {
                return refuse(request, "DescribeTopicPartitionsRequest topic list should contain the cursor topic: "
                        + cursorTopic);
            }
        }
        if (cursor != null && cursor.partitionIndex() < 0) {
            return refuse(request, "DescribeTopicPartitionsRequest cursor partition must be valid: " + cursor);
        }
        int limit = Math.max(Math.min(MAX_PARTITIONS_PER_RESPONSE, data.responsePartitionLimit()), 1);
        int firstIndex = cursor == null ? 0 : cursor.partitionIndex();
        DescribeTopicPartitionsResponseData response = describe(names.iterator(), cursorTopic, firstIndex, limit,
                allTopics);
        return CompletableFuture.completedFuture(Reply.of(new DescribeTopicPartitionsResponse(response)));
    }

    /**
     * Kafka's paging ({@code KRaftMetadataCache.getTopicMetadataForDescribeTopicResponse}): topics
     * in name order until {@code limit} partitions are described; a topic cut short, or the first
     * topic not reached, is where the next cursor points.
     */
    private DescribeTopicPartitionsResponseData describe(Iterator<String> names, String cursorTopic, int cursorIndex,
            int limit, boolean allTopics) {
        DescribeTopicPartitionsResponseData response = new DescribeTopicPartitionsResponseData();
        int remaining = limit;
        while (names.hasNext()) {
            String name = names.next();
            if (remaining == 0) {
                response.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(0));
                break;
            }
            Optional<Topic> topic = visible(name);
            if (topic.isEmpty()) {
                if (!allTopics) {
                    response.topics().add(missing(name));
                }
                continue;
            }
            int first = name.equals(cursorTopic) ? cursorIndex : 0;
            int end = Math.min(topic.get().partitions(), first + remaining);
            List<DescribeTopicPartitionsResponsePartition> partitions = new ArrayList<>();
            for (int p = first; p < end; p++) {
                partitions.add(partition(p, context.routing().placement(new org.apache.kafka.common.TopicPartition(name, p))));
            }
            response.topics().add(new DescribeTopicPartitionsResponseTopic().setName(name).setTopicId(topic.get().id())
                    .setIsInternal(false).setPartitions(partitions));
            if (end < topic.get().partitions()) {
                response.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(end));
                break;
            }
            remaining -= partitions.size();
        }
        return response;
    }

    private Optional<Topic> visible(String name) {
        return name.startsWith(LogEngine.RESERVED_PREFIX) ? Optional.empty() : context.engine().topic(name);
    }

    private static DescribeTopicPartitionsResponsePartition partition(int index, Placement placement) {
        return new DescribeTopicPartitionsResponsePartition().setPartitionIndex(index)
                .setLeaderId(placement.leader()).setLeaderEpoch(placement.leaderEpoch())
                .setReplicaNodes(new ArrayList<>(placement.replicas())).setIsrNodes(new ArrayList<>(placement.inSync()))
                .setEligibleLeaderReplicas(new ArrayList<>()).setLastKnownElr(new ArrayList<>())
                .setOfflineReplicas(new ArrayList<>());
    }

    private static DescribeTopicPartitionsResponseTopic missing(String name) {
        Errors error;
        try {
            org.apache.kafka.common.internals.Topic.validate(name);
            error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
        } catch (InvalidTopicException e) {
            error = Errors.INVALID_TOPIC_EXCEPTION;
        }
        return new DescribeTopicPartitionsResponseTopic().setErrorCode(error.code()).setName(name)
                .setTopicId(Uuid.ZERO_UUID).setIsInternal(false);
    }

    private static CompletableFuture<Reply> refuse(KafkaRequest request, String message) {
        return CompletableFuture.completedFuture(request.error(new InvalidRequestException(message)));
    }
}
