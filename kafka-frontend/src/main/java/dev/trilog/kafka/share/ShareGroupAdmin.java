package dev.trilog.kafka.share;

import dev.trilog.log.LogEngine;
import dev.trilog.log.Topic;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.AlterShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.AlterShareGroupOffsetsResponseData;
import org.apache.kafka.common.message.AlterShareGroupOffsetsResponseData.AlterShareGroupOffsetsResponsePartition;
import org.apache.kafka.common.message.AlterShareGroupOffsetsResponseData.AlterShareGroupOffsetsResponseTopic;
import org.apache.kafka.common.message.DeleteShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.DeleteShareGroupOffsetsResponseData;
import org.apache.kafka.common.message.DeleteShareGroupOffsetsResponseData.DeleteShareGroupOffsetsResponseTopic;
import org.apache.kafka.common.protocol.Errors;

/**
 * The share-group changes of the admin client: AlterShareGroupOffsets (reset a share-partition's
 * start offset), DeleteShareGroupOffsets (forget a topic's share state) and DeleteGroups of a
 * share group (forget all of it, its group configs included). As in Kafka only a group without members is changed —
 * NON_EMPTY_GROUP otherwise — and every check is made before anything changes.
 *
 * <p>A queue's own share group (group = topic = queue name) is refused with NON_EMPTY_GROUP: its
 * state is the queue's, which SQS and AMQP consumers share whether or not a Kafka member is in
 * the group; a queue is emptied with PurgeQueue / queue.purge and removed by deleting the queue.
 */
final class ShareGroupAdmin {

    private final LogEngine engine;
    private final ShareGroups groups;
    private final ShareSources sources;
    private final GroupConfigs configs;

    ShareGroupAdmin(LogEngine engine, ShareGroups groups, ShareSources sources, GroupConfigs configs) {
        this.engine = engine;
        this.groups = groups;
        this.sources = sources;
        this.configs = configs;
    }

    /**
     * Whether there is such a share group: members since the broker started, or share state on
     * some topic (membership is in memory; the state is durable, so a group outlives a restart).
     */
    private boolean exists(String group) {
        return groups.describe(group).isPresent() || !engine.shareCursorTopics(group).isEmpty();
    }

    /** AlterShareGroupOffsets: every named partition's cursor starts again at the given offset. */
    CompletableFuture<AlterShareGroupOffsetsResponseData> alter(AlterShareGroupOffsetsRequestData request) {
        String group = request.groupId();
        AlterShareGroupOffsetsResponseData response = new AlterShareGroupOffsetsResponseData();
        List<String> topics = request.topics().stream().map(t -> t.topicName()).toList();
        Errors refused = refusal(group, topics);
        if (refused != Errors.NONE) {
            return CompletableFuture.completedFuture(
                    response.setErrorCode(refused.code()).setErrorMessage(message(refused, group)));
        }
        List<CompletableFuture<Long>> resets = new ArrayList<>();
        Errors error = groups.whileEmpty(group, () -> {
            for (AlterShareGroupOffsetsRequestData.AlterShareGroupOffsetsRequestTopic asked : request.topics()) {
                Optional<Topic> topic = engine.topic(asked.topicName());
                AlterShareGroupOffsetsResponseTopic answered = new AlterShareGroupOffsetsResponseTopic()
                        .setTopicName(asked.topicName());
                topic.ifPresent(t -> answered.setTopicId(t.id()));
                for (var partition : asked.partitions()) {
                    AlterShareGroupOffsetsResponsePartition result = new AlterShareGroupOffsetsResponsePartition()
                            .setPartitionIndex(partition.partitionIndex());
                    int p = partition.partitionIndex();
                    if (topic.isEmpty() || p < 0 || p >= topic.get().partitions()) {
                        result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                                .setErrorMessage(Errors.UNKNOWN_TOPIC_OR_PARTITION.message());
                    } else {
                        resets.add(sources.cursorOf(asked.topicName(), group).resetTo(p, partition.startOffset()));
                    }
                    answered.partitions().add(result);
                }
                response.responses().add(answered);
            }
            return Errors.NONE;
        });
        if (error != Errors.NONE) {
            return CompletableFuture.completedFuture(
                    response.setErrorCode(error.code()).setErrorMessage(message(error, group)));
        }
        return CompletableFuture.allOf(resets.toArray(CompletableFuture[]::new)).thenApply(v -> response);
    }

    /** DeleteShareGroupOffsets: the group's share state on each named topic is forgotten. */
    DeleteShareGroupOffsetsResponseData deleteOffsets(DeleteShareGroupOffsetsRequestData request) {
        String group = request.groupId();
        DeleteShareGroupOffsetsResponseData response = new DeleteShareGroupOffsetsResponseData();
        List<String> topics = request.topics().stream().map(t -> t.topicName()).toList();
        Errors refused = refusal(group, topics);
        if (refused == Errors.NONE) {
            refused = groups.whileEmpty(group, () -> {
                for (String name : topics) {
                    Optional<Topic> topic = engine.topic(name);
                    DeleteShareGroupOffsetsResponseTopic answered = new DeleteShareGroupOffsetsResponseTopic()
                            .setTopicName(name);
                    if (topic.isEmpty()) {
                        answered.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                                .setErrorMessage(Errors.UNKNOWN_TOPIC_OR_PARTITION.message());
                    } else {
                        answered.setTopicId(topic.get().id());
                        sources.cursorOf(name, group).delete();
                    }
                    response.responses().add(answered);
                }
                return Errors.NONE;
            });
        }
        return refused == Errors.NONE ? response
                : response.setErrorCode(refused.code()).setErrorMessage(message(refused, group));
    }

    /**
     * DeleteGroups of a share group: its share state on every topic goes, its group configs, and
     * the group with it. Null when there is no such share group (the group may be a classic or
     * consumer one).
     */
    Errors delete(String group) {
        if (!exists(group)) {
            return null;
        }
        if (sources.isQueuesOwn(group, group)) {
            return Errors.NON_EMPTY_GROUP; // whether or not the queue's cursors wrote any state yet
        }
        List<String> topics = List.copyOf(engine.shareCursorTopics(group));
        return groups.whileEmpty(group, () -> {
            try {
                configs.forget(group); // first: a failed write leaves the group whole, to be deleted again
            } catch (IOException e) {
                return Errors.COORDINATOR_NOT_AVAILABLE;
            }
            topics.forEach(t -> sources.cursorOf(t, group).delete());
            groups.forgetIfEmpty(group);
            return Errors.NONE;
        });
    }

    /** GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP for a queue's own group, or NONE. */
    private Errors refusal(String group, List<String> topics) {
        if (group == null || group.isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        if (!exists(group)) {
            return Errors.GROUP_ID_NOT_FOUND;
        }
        return topics.stream().anyMatch(t -> sources.isQueuesOwn(t, group)) ? Errors.NON_EMPTY_GROUP : Errors.NONE;
    }

    private String message(Errors error, String group) {
        return switch (error) {
            case GROUP_ID_NOT_FOUND -> "Group " + group + " not found.";
            case NON_EMPTY_GROUP -> groups.describe(group).map(g -> !g.members().isEmpty()).orElse(false)
                    ? "Share group " + group + " has active members; only an empty share group's offsets change."
                    : "Share group " + group + " is queue " + group + "'s own: its state is the queue's "
                            + "(purge or delete the queue instead).";
            default -> error.message();
        };
    }
}
