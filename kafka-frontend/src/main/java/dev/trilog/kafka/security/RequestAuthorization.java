package dev.trilog.kafka.security;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import dev.trilog.kafka.protocol.RequestGate;
import dev.trilog.log.LogEngine;
import dev.trilog.log.Topic;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.*;
import org.apache.kafka.common.resource.Resource;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * The authorizer on the request path: for each Kafka API, the operations Kafka's broker checks, on
 * the resources the request names, in Kafka's order (transactional id, then group, then topics). A
 * request any check denies is answered with the error of the first denied resource's type —
 * {@code TRANSACTIONAL_ID_AUTHORIZATION_FAILED}, {@code CLUSTER_AUTHORIZATION_FAILED},
 * {@code GROUP_AUTHORIZATION_FAILED}, {@code TOPIC_AUTHORIZATION_FAILED} (naming the denied topics) —
 * and never reaches its handler, so it changes nothing. Listings are filtered instead, as Kafka's
 * are: Metadata leaves out (all topics) or marks {@code TOPIC_AUTHORIZATION_FAILED} (named topics)
 * what may not be described, and auto-creates only what may be created; ListGroups and
 * ListTransactions leave out what may not be described.
 *
 * <p>Unlike Kafka, a request naming several topics is refused whole when one is denied (Kafka
 * answers the others); kafka-clients learn of the denial from Metadata first and do not send such
 * requests.
 */
public final class RequestAuthorization implements RequestGate {

    private final AclAuthorizer authorizer;
    private final LogEngine engine;

    public RequestAuthorization(AclAuthorizer authorizer, LogEngine engine) {
        this.authorizer = authorizer;
        this.engine = engine;
    }

    /** One check: {@code operation} on each of {@code names} of {@code type}. */
    private record Access(ResourceType type, AclOperation operation, Collection<String> names) {

        static Access cluster(AclOperation operation) {
            return new Access(ResourceType.CLUSTER, operation, List.of(Resource.CLUSTER_NAME));
        }

        static Access one(ResourceType type, AclOperation operation, String name) {
            return new Access(type, operation, name == null ? List.of() : List.of(name));
        }
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request, ApiHandler handler) {
        Caller caller = new Caller(request.context().principal, request.context().clientAddress);
        return switch (request.apiKey()) {
            case METADATA -> metadata(request, handler, caller);
            case LIST_GROUPS -> listGroups(request, handler, caller);
            case LIST_TRANSACTIONS -> listTransactions(request, handler, caller);
            case INIT_PRODUCER_ID -> checked(request, handler, caller, initProducerId(request, caller));
            default -> checked(request, handler, caller, required(request, caller));
        };
    }

    private record Caller(KafkaPrincipal principal, InetAddress host) {
    }

    private boolean allowed(Caller caller, AclOperation operation, ResourceType type, String name) {
        return authorizer.authorize(caller.principal(), caller.host(), operation, type, name);
    }

    private CompletableFuture<Reply> checked(KafkaRequest request, ApiHandler handler, Caller caller,
            List<Access> required) {
        for (Access access : required) {
            Set<String> denied = new LinkedHashSet<>();
            for (String name : access.names()) {
                if (!allowed(caller, access.operation(), access.type(), name)) {
                    denied.add(name);
                }
            }
            if (!denied.isEmpty()) {
                return CompletableFuture.completedFuture(refusal(request, access, denied));
            }
        }
        return handler.handle(request);
    }

    private static Reply refusal(KafkaRequest request, Access access, Set<String> denied) {
        if (request.body() instanceof ProduceRequest produce && produce.acks() == 0) {
            return Reply.NONE; // the client waits for no answer; nothing was written
        }
        ApiException error = switch (access.type()) {
            case TOPIC -> new TopicAuthorizationException(denied);
            case GROUP -> GroupAuthorizationException.forGroupId(denied.iterator().next());
            case TRANSACTIONAL_ID -> new TransactionalIdAuthorizationException(
                    "Transactional Id authorization failed.");
            default -> new ClusterAuthorizationException("Request " + request.apiKey().name
                    + " needs " + access.operation() + " on the cluster, which " + request.context().principal
                    + " is not allowed.");
        };
        return request.error(error);
    }

    /** The topic a request names by name, or by ID (unknown IDs are left to the handler to refuse). */
    private Optional<String> topicName(String name, Uuid id) {
        if (name != null && !name.isEmpty()) {
            return Optional.of(name);
        }
        return id == null ? Optional.empty() : engine.topicById(id).map(Topic::name);
    }

    private Access topics(AclOperation operation, Collection<String> names) {
        return new Access(ResourceType.TOPIC, operation, names);
    }

    /** What Kafka's broker checks for each API, in its order. */
    private List<Access> required(KafkaRequest request, Caller caller) {
        AbstractRequest body = request.body();
        List<Access> checks = new ArrayList<>();
        List<String> names = new ArrayList<>();
        switch (request.apiKey()) {
            case PRODUCE -> {
                var data = ((ProduceRequest) body).data();
                if (data.transactionalId() != null) {
                    checks.add(Access.one(ResourceType.TRANSACTIONAL_ID, AclOperation.WRITE, data.transactionalId()));
                }
                data.topicData().forEach(t -> topicName(t.name(), t.topicId()).ifPresent(names::add));
                checks.add(topics(AclOperation.WRITE, names));
            }
            case FETCH -> {
                var data = ((FetchRequest) body).data();
                data.topics().forEach(t -> topicName(t.topic(), t.topicId()).ifPresent(names::add));
                checks.add(topics(AclOperation.READ, names));
            }
            case LIST_OFFSETS -> {
                ((ListOffsetsRequest) body).data().topics().forEach(t -> names.add(t.name()));
                checks.add(topics(AclOperation.DESCRIBE, names));
            }
            case OFFSET_FOR_LEADER_EPOCH -> {
                ((OffsetsForLeaderEpochRequest) body).data().topics().forEach(t -> names.add(t.topic()));
                checks.add(topics(AclOperation.DESCRIBE, names));
            }
            case DESCRIBE_TOPIC_PARTITIONS -> {
                ((DescribeTopicPartitionsRequest) body).data().topics().forEach(t -> names.add(t.name()));
                checks.add(topics(AclOperation.DESCRIBE, names));
            }
            case DESCRIBE_PRODUCERS -> {
                ((DescribeProducersRequest) body).data().topics().forEach(t -> names.add(t.name()));
                checks.add(topics(AclOperation.READ, names));
            }
            case CREATE_TOPICS -> {
                // CREATE on the cluster covers every topic; else each topic needs its own
                if (!allowed(caller, AclOperation.CREATE, ResourceType.CLUSTER, Resource.CLUSTER_NAME)) {
                    ((CreateTopicsRequest) body).data().topics().forEach(t -> names.add(t.name()));
                    checks.add(topics(AclOperation.CREATE, names));
                }
            }
            case DELETE_TOPICS -> {
                var data = ((DeleteTopicsRequest) body).data();
                names.addAll(data.topicNames());
                data.topics().forEach(t -> topicName(t.name(), t.topicId()).ifPresent(names::add));
                checks.add(topics(AclOperation.DELETE, names));
            }
            case CREATE_PARTITIONS -> {
                ((CreatePartitionsRequest) body).data().topics().forEach(t -> names.add(t.name()));
                checks.add(topics(AclOperation.ALTER, names));
            }
            case DELETE_RECORDS -> {
                ((DeleteRecordsRequest) body).data().topics().forEach(t -> names.add(t.name()));
                checks.add(topics(AclOperation.DELETE, names));
            }
            case DESCRIBE_CONFIGS -> ((DescribeConfigsRequest) body).data().resources().forEach(r ->
                    checks.add(config(r.resourceType(), r.resourceName(), AclOperation.DESCRIBE_CONFIGS)));
            case ALTER_CONFIGS -> ((AlterConfigsRequest) body).data().resources().forEach(r ->
                    checks.add(config(r.resourceType(), r.resourceName(), AclOperation.ALTER_CONFIGS)));
            case INCREMENTAL_ALTER_CONFIGS -> ((IncrementalAlterConfigsRequest) body).data().resources().forEach(r ->
                    checks.add(config(r.resourceType(), r.resourceName(), AclOperation.ALTER_CONFIGS)));
            case FIND_COORDINATOR -> {
                var data = ((FindCoordinatorRequest) body).data();
                List<String> keys = data.coordinatorKeys().isEmpty() ? List.of(data.key()) : data.coordinatorKeys();
                boolean transaction = data.keyType() == FindCoordinatorRequest.CoordinatorType.TRANSACTION.id();
                checks.add(new Access(transaction ? ResourceType.TRANSACTIONAL_ID : ResourceType.GROUP,
                        AclOperation.DESCRIBE, keys));
            }
            case JOIN_GROUP -> checks.add(group(AclOperation.READ, ((JoinGroupRequest) body).data().groupId()));
            case SYNC_GROUP -> checks.add(group(AclOperation.READ, ((SyncGroupRequest) body).data().groupId()));
            case HEARTBEAT -> checks.add(group(AclOperation.READ, ((HeartbeatRequest) body).data().groupId()));
            case LEAVE_GROUP -> checks.add(group(AclOperation.READ, ((LeaveGroupRequest) body).data().groupId()));
            case OFFSET_COMMIT -> {
                var data = ((OffsetCommitRequest) body).data();
                checks.add(group(AclOperation.READ, data.groupId()));
                data.topics().forEach(t -> topicName(t.name(), t.topicId()).ifPresent(names::add));
                checks.add(topics(AclOperation.READ, names));
            }
            case OFFSET_FETCH -> {
                var data = ((OffsetFetchRequest) body).data();
                if (data.groups().isEmpty()) {
                    checks.add(group(AclOperation.DESCRIBE, data.groupId()));
                    if (data.topics() != null) {
                        data.topics().forEach(t -> names.add(t.name()));
                    }
                } else {
                    List<String> groups = new ArrayList<>();
                    for (var group : data.groups()) {
                        groups.add(group.groupId());
                        if (group.topics() != null) {
                            group.topics().forEach(t -> topicName(t.name(), t.topicId()).ifPresent(names::add));
                        }
                    }
                    checks.add(new Access(ResourceType.GROUP, AclOperation.DESCRIBE, groups));
                }
                checks.add(topics(AclOperation.DESCRIBE, names));
            }
            case OFFSET_DELETE -> {
                var data = ((OffsetDeleteRequest) body).data();
                checks.add(group(AclOperation.DELETE, data.groupId()));
                data.topics().forEach(t -> names.add(t.name()));
                checks.add(topics(AclOperation.READ, names));
            }
            case DESCRIBE_GROUPS -> checks.add(new Access(ResourceType.GROUP, AclOperation.DESCRIBE,
                    ((DescribeGroupsRequest) body).data().groups()));
            case DELETE_GROUPS -> checks.add(new Access(ResourceType.GROUP, AclOperation.DELETE,
                    ((DeleteGroupsRequest) body).data().groupsNames()));
            case CONSUMER_GROUP_HEARTBEAT -> {
                var data = ((ConsumerGroupHeartbeatRequest) body).data();
                checks.add(group(AclOperation.READ, data.groupId()));
                if (data.subscribedTopicNames() != null) {
                    checks.add(topics(AclOperation.DESCRIBE, data.subscribedTopicNames()));
                }
            }
            case CONSUMER_GROUP_DESCRIBE -> checks.add(new Access(ResourceType.GROUP, AclOperation.DESCRIBE,
                    ((ConsumerGroupDescribeRequest) body).data().groupIds()));
            case SHARE_GROUP_HEARTBEAT -> {
                var data = ((ShareGroupHeartbeatRequest) body).data();
                checks.add(group(AclOperation.READ, data.groupId()));
                if (data.subscribedTopicNames() != null) {
                    checks.add(topics(AclOperation.DESCRIBE, data.subscribedTopicNames()));
                }
            }
            case SHARE_GROUP_DESCRIBE -> checks.add(new Access(ResourceType.GROUP, AclOperation.DESCRIBE,
                    ((ShareGroupDescribeRequest) body).data().groupIds()));
            case SHARE_FETCH -> {
                var data = ((ShareFetchRequest) body).data();
                checks.add(group(AclOperation.READ, data.groupId()));
                data.topics().forEach(t -> topicName(null, t.topicId()).ifPresent(names::add));
                checks.add(topics(AclOperation.READ, names));
            }
            case SHARE_ACKNOWLEDGE -> {
                var data = ((ShareAcknowledgeRequest) body).data();
                checks.add(group(AclOperation.READ, data.groupId()));
                data.topics().forEach(t -> topicName(null, t.topicId()).ifPresent(names::add));
                checks.add(topics(AclOperation.READ, names));
            }
            case DESCRIBE_SHARE_GROUP_OFFSETS -> {
                List<String> groups = new ArrayList<>();
                for (var group : ((DescribeShareGroupOffsetsRequest) body).data().groups()) {
                    groups.add(group.groupId());
                    if (group.topics() != null) {
                        group.topics().forEach(t -> names.add(t.topicName()));
                    }
                }
                checks.add(new Access(ResourceType.GROUP, AclOperation.DESCRIBE, groups));
                checks.add(topics(AclOperation.DESCRIBE, names));
            }
            case ALTER_SHARE_GROUP_OFFSETS -> {
                var data = ((AlterShareGroupOffsetsRequest) body).data();
                checks.add(group(AclOperation.READ, data.groupId()));
                data.topics().forEach(t -> names.add(t.topicName()));
                checks.add(topics(AclOperation.READ, names));
            }
            case DELETE_SHARE_GROUP_OFFSETS -> {
                var data = ((DeleteShareGroupOffsetsRequest) body).data();
                checks.add(group(AclOperation.DELETE, data.groupId()));
                data.topics().forEach(t -> names.add(t.topicName()));
                checks.add(topics(AclOperation.READ, names));
            }
            case ADD_PARTITIONS_TO_TXN -> {
                var data = ((AddPartitionsToTxnRequest) body).data();
                if (request.version() >= 4) {
                    checks.add(Access.cluster(AclOperation.CLUSTER_ACTION)); // brokers' verification batches
                } else {
                    checks.add(transactionalId(data.v3AndBelowTransactionalId()));
                    data.v3AndBelowTopics().forEach(t -> names.add(t.name()));
                    checks.add(topics(AclOperation.WRITE, names));
                }
            }
            case ADD_OFFSETS_TO_TXN -> {
                var data = ((AddOffsetsToTxnRequest) body).data();
                checks.add(transactionalId(data.transactionalId()));
                checks.add(group(AclOperation.READ, data.groupId()));
            }
            case TXN_OFFSET_COMMIT -> {
                var data = ((TxnOffsetCommitRequest) body).data();
                checks.add(transactionalId(data.transactionalId()));
                checks.add(group(AclOperation.READ, data.groupId()));
                data.topics().forEach(t -> names.add(t.name()));
                checks.add(topics(AclOperation.READ, names));
            }
            case END_TXN -> checks.add(transactionalId(((EndTxnRequest) body).data().transactionalId()));
            case DESCRIBE_TRANSACTIONS -> checks.add(new Access(ResourceType.TRANSACTIONAL_ID, AclOperation.DESCRIBE,
                    ((DescribeTransactionsRequest) body).data().transactionalIds()));
            case WRITE_TXN_MARKERS -> checks.add(Access.cluster(AclOperation.CLUSTER_ACTION));
            case DESCRIBE_CLUSTER, DESCRIBE_LOG_DIRS, LIST_PARTITION_REASSIGNMENTS, DESCRIBE_QUORUM,
                    DESCRIBE_USER_SCRAM_CREDENTIALS, DESCRIBE_ACLS -> checks.add(Access.cluster(AclOperation.DESCRIBE));
            case ALTER_PARTITION_REASSIGNMENTS, ELECT_LEADERS, ALTER_USER_SCRAM_CREDENTIALS, CREATE_ACLS, DELETE_ACLS ->
                    checks.add(Access.cluster(AclOperation.ALTER));
            case DESCRIBE_CLIENT_QUOTAS -> checks.add(Access.cluster(AclOperation.DESCRIBE_CONFIGS));
            default -> {
                // ApiVersions, SaslHandshake, SaslAuthenticate: answered to anyone, as Kafka does
            }
        }
        return checks;
    }

    private static Access group(AclOperation operation, String groupId) {
        return Access.one(ResourceType.GROUP, operation, groupId);
    }

    private static Access transactionalId(String id) {
        return Access.one(ResourceType.TRANSACTIONAL_ID, AclOperation.WRITE, id);
    }

    /** Topic configs are checked on the topic, group configs on the group, broker ones on the cluster. */
    private static Access config(byte resourceType, String name, AclOperation operation) {
        return switch (ConfigResource.Type.forId(resourceType)) {
            case TOPIC -> Access.one(ResourceType.TOPIC, operation, name);
            case GROUP -> Access.one(ResourceType.GROUP, operation, name);
            default -> Access.cluster(operation);
        };
    }

    /**
     * A transactional producer needs WRITE on its id; an idempotent one IDEMPOTENT_WRITE on the cluster
     * or WRITE on some topic (Kafka's rule since 3.0), else CLUSTER_AUTHORIZATION_FAILED.
     */
    private List<Access> initProducerId(KafkaRequest request, Caller caller) {
        String id = ((InitProducerIdRequest) request.body()).data().transactionalId();
        if (id != null) {
            return List.of(transactionalId(id));
        }
        if (authorizer.authorizeAny(caller.principal(), caller.host(), AclOperation.WRITE, ResourceType.TOPIC)) {
            return List.of();
        }
        return List.of(Access.cluster(AclOperation.IDEMPOTENT_WRITE));
    }

    /**
     * Named topics the caller may not describe are answered TOPIC_AUTHORIZATION_FAILED; unknown ones it
     * may describe but not create (CREATE on the cluster or the topic) UNKNOWN_TOPIC_OR_PARTITION, as
     * Kafka does. Neither reaches the handler, so neither is auto-created.
     */
    private CompletableFuture<Reply> metadata(KafkaRequest request, ApiHandler handler, Caller caller) {
        MetadataRequest metadata = (MetadataRequest) request.body();
        if (metadata.isAllTopics()) {
            return handler.handle(request).thenApply(reply -> {
                ((MetadataResponse) reply.response()).data().topics()
                        .removeIf(t -> !allowed(caller, AclOperation.DESCRIBE, ResourceType.TOPIC, t.name()));
                return reply;
            });
        }
        boolean mayCreateAny = allowed(caller, AclOperation.CREATE, ResourceType.CLUSTER, Resource.CLUSTER_NAME);
        List<MetadataResponseTopic> answered = new ArrayList<>();
        metadata.data().topics().removeIf(t -> {
            String name = topicName(t.name(), t.topicId()).orElse(null);
            if (name == null) {
                return false; // an unknown topic ID: the handler answers it
            }
            Errors error = Errors.NONE;
            if (!allowed(caller, AclOperation.DESCRIBE, ResourceType.TOPIC, name)) {
                error = Errors.TOPIC_AUTHORIZATION_FAILED;
            } else if (engine.topic(name).isEmpty() && !mayCreateAny
                    && !allowed(caller, AclOperation.CREATE, ResourceType.TOPIC, name)) {
                error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
            }
            if (error != Errors.NONE) {
                answered.add(new MetadataResponseTopic().setName(t.name())
                        .setTopicId(t.topicId() == null ? Uuid.ZERO_UUID : t.topicId())
                        .setErrorCode(error.code()).setIsInternal(false));
            }
            return error != Errors.NONE;
        });
        if (answered.isEmpty()) {
            return handler.handle(request);
        }
        if (metadata.data().topics().isEmpty() && request.version() == 0) {
            // v0 reads an empty list as "all topics"
            return CompletableFuture.completedFuture(request.error(new TopicAuthorizationException(Set.of())));
        }
        return handler.handle(request).thenApply(reply -> {
            answered.forEach(((MetadataResponse) reply.response()).data().topics()::add);
            return reply;
        });
    }

    /** Kafka lists every group to who may describe the cluster, else the groups the caller may describe. */
    private CompletableFuture<Reply> listGroups(KafkaRequest request, ApiHandler handler, Caller caller) {
        if (allowed(caller, AclOperation.DESCRIBE, ResourceType.CLUSTER, Resource.CLUSTER_NAME)) {
            return handler.handle(request);
        }
        return handler.handle(request).thenApply(reply -> {
            ((ListGroupsResponse) reply.response()).data().groups()
                    .removeIf(g -> !allowed(caller, AclOperation.DESCRIBE, ResourceType.GROUP, g.groupId()));
            return reply;
        });
    }

    private CompletableFuture<Reply> listTransactions(KafkaRequest request, ApiHandler handler, Caller caller) {
        return handler.handle(request).thenApply(reply -> {
            ((ListTransactionsResponse) reply.response()).data().transactionStates().removeIf(
                    t -> !allowed(caller, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, t.transactionalId()));
            return reply;
        });
    }
}
