package dev.trilog.kafka.data;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.ClusterRouting;
import dev.trilog.kafka.protocol.ClusterRouting.Placement;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import dev.trilog.log.LogEngine;
import dev.trilog.log.PartitionLimitException;
import dev.trilog.log.Topic;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;

/**
 * Metadata: the brokers, and for each topic asked for (or all) its ID and partitions with their
 * leader, replicas and in-sync replicas ({@link ClusterRouting}: this node alone, or in a cluster
 * every node, with the node leading the Raft group as every partition's leader). Unknown topics
 * are created when {@code auto.create.topics.enable} is on and the request allows it, as in Kafka.
 */
final class MetadataHandler implements ApiHandler {

    private static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;

    private final KafkaContext context;

    MetadataHandler(KafkaContext context) {
        this.context = context;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        MetadataRequest body = (MetadataRequest) request.body();
        MetadataRequestData data = body.data();
        ClusterRouting routing = context.routing();
        Placement partitions = routing.placement();
        MetadataResponseData response = new MetadataResponseData()
                .setClusterId(context.clusterId())
                .setControllerId(partitions.leader())
                .setClusterAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
        for (ClusterRouting.Broker broker : routing.brokers()) {
            response.brokers().add(new MetadataResponseBroker().setNodeId(broker.id()).setHost(broker.host())
                    .setPort(broker.port()));
        }
        if (body.isAllTopics()) {
            for (Topic topic : context.engine().topics()) {
                response.topics().add(describe(topic, partitions));
            }
        } else {
            boolean allowCreate = request.version() < 4 || data.allowAutoTopicCreation();
            for (MetadataRequestData.MetadataRequestTopic asked : data.topics()) {
                response.topics().add(lookup(asked, allowCreate, partitions));
            }
        }
        return CompletableFuture.completedFuture(Reply.of(new MetadataResponse(response, request.version())));
    }

    private MetadataResponseTopic lookup(MetadataRequestData.MetadataRequestTopic asked, boolean allowCreate,
            Placement partitions) {
        // by ID: kafka-clients leaves the name at its default "" rather than null
        boolean noName = asked.name() == null || asked.name().isEmpty();
        if (noName && asked.topicId() != null && !Uuid.ZERO_UUID.equals(asked.topicId())) {
            return context.engine().topicById(asked.topicId()).map(t -> describe(t, partitions))
                    .orElseGet(() -> failed(null, asked.topicId(), Errors.UNKNOWN_TOPIC_ID));
        }
        String name = asked.name();
        if (name == null) {
            // by ID (v10+), and the zero ID names no topic: Kafka answers UNKNOWN_TOPIC_ID too
            // (this was an NPE and UNKNOWN_SERVER_ERROR for the whole request, found by KafkaApisFuzzTest)
            return failed(null, asked.topicId(), Errors.UNKNOWN_TOPIC_ID);
        }
        try {
            if (!name.startsWith(LogEngine.RESERVED_PREFIX)) {
                org.apache.kafka.common.internals.Topic.validate(name);
            }
            Optional<Topic> topic = name.startsWith(LogEngine.RESERVED_PREFIX) ? Optional.empty()
                    : context.topicOrAutoCreate(name, allowCreate);
            return topic.map(t -> describe(t, partitions)).orElseGet(() -> failed(name, Uuid.ZERO_UUID, Errors.UNKNOWN_TOPIC_OR_PARTITION));
        } catch (InvalidTopicException e) {
            return failed(name, Uuid.ZERO_UUID, Errors.INVALID_TOPIC_EXCEPTION);
        } catch (PartitionLimitException e) {
            // auto-creation would pass log.max.partitions: the producer logs the code and keeps asking
            return failed(name, Uuid.ZERO_UUID, Errors.POLICY_VIOLATION);
        } catch (IOException e) {
            return failed(name, Uuid.ZERO_UUID, Errors.KAFKA_STORAGE_ERROR);
        }
    }

    /** Each partition as its own group leads and replicates it (the metadata's leader's view in {@code metadata}). */
    private MetadataResponseTopic describe(Topic topic, Placement metadata) {
        MetadataResponseTopic result = new MetadataResponseTopic().setName(topic.name()).setTopicId(topic.id())
                .setIsInternal(false).setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
        for (int p = 0; p < topic.partitions(); p++) {
            Placement how = context.routing().placement(new org.apache.kafka.common.TopicPartition(topic.name(), p));
            Errors error = how.leaderless() ? Errors.LEADER_NOT_AVAILABLE : Errors.NONE;
            result.partitions().add(new MetadataResponsePartition().setPartitionIndex(p).setErrorCode(error.code())
                    .setLeaderId(how.leader()).setLeaderEpoch(how.leaderEpoch())
                    .setReplicaNodes(new ArrayList<>(how.replicas())).setIsrNodes(new ArrayList<>(how.inSync()))
                    .setOfflineReplicas(new ArrayList<>()));
        }
        return result;
    }

    private static MetadataResponseTopic failed(String name, Uuid id, Errors error) {
        return new MetadataResponseTopic().setName(name).setTopicId(id).setErrorCode(error.code())
                .setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
    }
}
