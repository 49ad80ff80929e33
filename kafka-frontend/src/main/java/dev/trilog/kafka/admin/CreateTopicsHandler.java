package dev.trilog.kafka.admin;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.ErrorMapping;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import dev.trilog.log.LogEngine;
import dev.trilog.log.Topic;
import dev.trilog.log.TopicExistsException;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;

/**
 * CreateTopics, every version. Each topic is checked in Kafka's order — name, existence,
 * configs, then partitions and replication — and fails on its own with Kafka's error code and
 * message. A replication factor up to the node count is placed by the cluster (-1: the default,
 * min(3, nodes)); manual assignments must place every partition on every node. From v5 a created
 * topic is answered with its ID, partition count, replication factor and every config with its
 * source. A request for more than {@link PartitionsPerRequest#MAX} partitions in all is refused
 * whole, as Kafka's controller does.
 */
final class CreateTopicsHandler implements ApiHandler {

    private final KafkaContext context;
    private final ConfigDescriptions descriptions;

    CreateTopicsHandler(KafkaContext context) {
        this.context = context;
        this.descriptions = new ConfigDescriptions(context);
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        CreateTopicsRequestData data = ((CreateTopicsRequest) request.body()).data();
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new LinkedHashSet<>();
        for (CreatableTopic topic : data.topics()) {
            if (!seen.add(topic.name())) {
                duplicates.add(topic.name());
            }
        }
        CreateTopicsResponseData response = new CreateTopicsResponseData();
        boolean tooMany = PartitionsPerRequest.exceeded(data.topics().stream()
                .filter(topic -> !duplicates.contains(topic.name()))
                .mapToLong(topic -> !topic.assignments().isEmpty() ? topic.assignments().size()
                        : topic.numPartitions() == -1 ? context.defaultPartitions() : Math.max(0, topic.numPartitions()))
                .sum());
        for (CreatableTopic topic : data.topics()) {
            if (!duplicates.contains(topic.name())) {
                response.topics().add(tooMany ? failed(topic.name(), Errors.POLICY_VIOLATION, PartitionsPerRequest.MESSAGE)
                        : create(topic, data.validateOnly()));
            }
        }
        for (String name : duplicates) {
            response.topics().add(failed(name, Errors.INVALID_REQUEST, "Duplicate topic name."));
        }
        return CompletableFuture.completedFuture(Reply.of(new CreateTopicsResponse(response)));
    }

    private CreatableTopicResult create(CreatableTopic asked, boolean validateOnly) {
        String name = asked.name();
        LogEngine engine = context.engine();
        try {
            checkName(name);
            if (engine.topic(name).isPresent()) {
                throw new TopicExistsException(name);
            }
            Map<String, String> configs = configsOf(asked);
            engine.settings().topicDefaults().withOverrides(configs);
            Shape shape = shape(asked);
            int partitions = shape.partitions();
            Uuid id = Uuid.ZERO_UUID;
            if (validateOnly) {
                engine.validateNewTopic(name, partitions, configs);
            } else {
                Topic created = engine.createTopic(name, partitions, configs, shape.replicationFactor());
                id = created.id();
            }
            CreatableTopicResult result = new CreatableTopicResult().setName(name).setTopicId(id)
                    .setErrorCode(Errors.NONE.code()).setErrorMessage(null)
                    .setNumPartitions(partitions)
                    .setReplicationFactor(shape.replicationFactor());
            descriptions.topic(configs, null, false).forEach(c -> result.configs().add(c.toCreateTopicsResult()));
            return result;
        } catch (TopicExistsException e) {
            return failed(name, Errors.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
        } catch (ConfigException e) {
            return failed(name, Errors.INVALID_CONFIG, e.getMessage());
        } catch (ApiException e) {
            return failed(name, Errors.forException(e), e.getMessage());
        } catch (IOException | RuntimeException e) {
            return failed(name, ErrorMapping.toError(e), e.getMessage());
        }
    }

    /** Kafka's name rules, Trilog's reserved prefix, and no clash with a topic differing only in '.' versus '_'. */
    private void checkName(String name) {
        org.apache.kafka.common.internals.Topic.validate(name);
        if (name.startsWith(LogEngine.RESERVED_PREFIX)) {
            throw new InvalidTopicException("topic names starting with " + LogEngine.RESERVED_PREFIX + " are reserved");
        }
        if (org.apache.kafka.common.internals.Topic.hasCollisionChars(name)) {
            for (Topic existing : context.engine().topics()) {
                if (!existing.name().equals(name)
                        && org.apache.kafka.common.internals.Topic.hasCollision(name, existing.name())) {
                    throw new InvalidTopicException("Topic '" + name + "' collides with existing topic: "
                            + existing.name());
                }
            }
        }
    }

    private static Map<String, String> configsOf(CreatableTopic asked) {
        Map<String, String> configs = new HashMap<>();
        Set<String> nulls = new LinkedHashSet<>();
        for (CreatableTopicConfig config : asked.configs()) {
            if (config.value() == null) {
                nulls.add(config.name());
            } else {
                configs.put(config.name(), config.value());
            }
        }
        if (!nulls.isEmpty()) {
            throw new InvalidConfigurationException("Null value not supported for topic configs: "
                    + String.join(",", nulls));
        }
        return configs;
    }

    /** How many partitions a topic gets, each on how many nodes. */
    private record Shape(int partitions, short replicationFactor) {
    }

    /** The partitions and replication factor to create, after Kafka's checks of the count, the factor and any assignment. */
    private Shape shape(CreatableTopic asked) {
        List<Integer> nodes = context.routing().replicas();
        if (!asked.assignments().isEmpty()) {
            if (asked.replicationFactor() != -1) {
                throw new InvalidRequestException(
                        "A manual partition assignment was specified, but replication factor was not set to -1.");
            }
            if (asked.numPartitions() != -1) {
                throw new InvalidRequestException(
                        "A manual partition assignment was specified, but numPartitions was not set to -1.");
            }
            Set<Integer> indexes = new HashSet<>();
            for (CreatableReplicaAssignment assignment : asked.assignments()) {
                if (!indexes.add(assignment.partitionIndex())) {
                    throw new InvalidReplicaAssignmentException(
                            "Found multiple manual partition assignments for partition " + assignment.partitionIndex());
                }
                Replicas.check(assignment.brokerIds(), nodes);
            }
            for (int p = 0; p < indexes.size(); p++) {
                if (!indexes.contains(p)) {
                    throw new InvalidReplicaAssignmentException(
                            "partitions should be a consecutive 0-based integer sequence");
                }
            }
            return new Shape(indexes.size(), (short) nodes.size());
        }
        short factor = Replicas.replicationFactor(asked.replicationFactor(), nodes);
        int partitions = asked.numPartitions();
        if (partitions < -1 || partitions == 0) {
            throw new InvalidPartitionsException("Number of partitions was set to an invalid non-positive value.");
        }
        return new Shape(partitions == -1 ? context.defaultPartitions() : partitions, factor);
    }

    private static CreatableTopicResult failed(String name, Errors error, String message) {
        return new CreatableTopicResult().setName(name).setErrorCode(error.code()).setErrorMessage(message);
    }
}
