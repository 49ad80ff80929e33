package dev.trilog.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.CreateAclsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ShareAcknowledgeRequestData;
import org.apache.kafka.common.message.ShareFetchRequestData;
import org.apache.kafka.common.message.ShareGroupDescribeRequestData;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

/**
 * The seed corpus of {@link KafkaApisFuzzTest#requests}, written here: sessions a client would
 * send — records produced and fetched, a classic group, a KIP-848 consumer group, a share group, a
 * transaction, the admin APIs — and every API with its default body at its oldest and newest
 * version. Each seed is a byte stream of size-prefixed requests, as the target reads it. The test
 * checks that the corpus holds them; {@code -Dkafka.fuzz.seeds.write=true} writes them first
 * (docs/fuzzing.md).
 */
class KafkaApisFuzzSeedsTest {

    private static final String TOPIC = KafkaApisFuzzTest.TOPIC;
    private static final Uuid TOPIC_ID = KafkaApisFuzzTest.TOPIC_ID;
    private static final String MEMBER = "seed-member-0000000001";

    private final ByteArrayOutputStream stream = new ByteArrayOutputStream();
    private int correlationId = 1;

    private static final Path CORPUS = Path.of("src/test/resources/dev/trilog/kafka/KafkaApisFuzzTestInputs/requests");

    @Test
    void theCorpusHoldsTheSeeds() throws IOException {
        if (Boolean.getBoolean("kafka.fuzz.seeds.write")) {
            Files.createDirectories(CORPUS);
            for (Map.Entry<String, byte[]> seed : seeds().entrySet()) {
                Files.write(CORPUS.resolve(seed.getKey()), seed.getValue());
            }
        }
        for (Map.Entry<String, byte[]> seed : seeds().entrySet()) {
            assertThat(CORPUS.resolve(seed.getKey())).as("seed %s (-Dkafka.fuzz.seeds.write=true writes it)", seed.getKey())
                    .exists().hasBinaryContent(seed.getValue());
        }
    }

    static Map<String, byte[]> seeds() {
        Map<String, byte[]> seeds = new TreeMap<>();
        seeds.put("produce-fetch-offsets", produceFetchOffsets());
        seeds.put("classic-group", classicGroup());
        seeds.put("consumer-group", consumerGroup());
        seeds.put("share-group", shareGroup());
        seeds.put("transaction", transaction());
        seeds.put("admin", admin());
        seeds.put("every-api-oldest", everyApi(true));
        seeds.put("every-api-newest", everyApi(false));
        return seeds;
    }

    private KafkaApisFuzzSeedsTest send(ApiKeys api, int version, ApiMessage body) {
        byte[] frame = KafkaApisFuzzTest.frame(new RequestHeader(api, (short) version, "seed", correlationId++), body);
        stream.writeBytes(frame);
        return this;
    }

    private byte[] bytes() {
        return stream.toByteArray();
    }

    private static MemoryRecords records(String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(1_700_000_000_000L + i, ("k" + i).getBytes(StandardCharsets.UTF_8),
                    values[i].getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }

    private static ProduceRequestData produce(short acks, String topic, Uuid topicId, int partition, MemoryRecords records) {
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData().setName(topic).setTopicId(topicId).setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(partition).setRecords(records))));
        return new ProduceRequestData().setAcks(acks).setTimeoutMs(5_000).setTopicData(topics);
    }

    private static byte[] produceFetchOffsets() {
        CreateTopicsRequestData.CreatableTopicCollection created = new CreateTopicsRequestData.CreatableTopicCollection();
        CreateTopicsRequestData.CreatableTopicConfigCollection configs = new CreateTopicsRequestData.CreatableTopicConfigCollection();
        configs.add(new CreateTopicsRequestData.CreatableTopicConfig().setName("retention.ms").setValue("600000"));
        created.add(new CreateTopicsRequestData.CreatableTopic().setName("fuzz-created").setNumPartitions(3)
                .setReplicationFactor((short) 1).setConfigs(configs));
        return new KafkaApisFuzzSeedsTest()
                .send(ApiKeys.CREATE_TOPICS, 7, new CreateTopicsRequestData().setTopics(created).setTimeoutMs(5_000))
                .send(ApiKeys.PRODUCE, 9, produce((short) -1, TOPIC, Uuid.ZERO_UUID, 0, records("a", "b", "c")))
                .send(ApiKeys.PRODUCE, 13, produce((short) 1, "", TOPIC_ID, 1, records("d")))
                .send(ApiKeys.PRODUCE, 3, produce((short) 0, TOPIC, Uuid.ZERO_UUID, 0, records("e")))
                .send(ApiKeys.FETCH, 12, new FetchRequestData().setReplicaId(-1).setMaxWaitMs(500).setMinBytes(1)
                        .setMaxBytes(1 << 20).setSessionEpoch(-1).setTopics(List.of(new FetchRequestData.FetchTopic()
                                .setTopic(TOPIC).setPartitions(List.of(new FetchRequestData.FetchPartition().setPartition(0)
                                        .setFetchOffset(0).setPartitionMaxBytes(1 << 20))))))
                .send(ApiKeys.FETCH, 17, new FetchRequestData().setMaxWaitMs(500).setMinBytes(1).setMaxBytes(1 << 20)
                        .setSessionId(0).setSessionEpoch(0).setIsolationLevel((byte) 1).setTopics(List.of(
                                new FetchRequestData.FetchTopic().setTopicId(TOPIC_ID).setPartitions(List.of(
                                        new FetchRequestData.FetchPartition().setPartition(1).setFetchOffset(0)
                                                .setPartitionMaxBytes(1 << 20))))))
                .send(ApiKeys.LIST_OFFSETS, 9, new ListOffsetsRequestData().setReplicaId(-1).setTopics(List.of(
                        new ListOffsetsRequestData.ListOffsetsTopic().setName(TOPIC).setPartitions(List.of(
                                new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(-2),
                                new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(1).setTimestamp(-1),
                                new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(-3))))))
                .send(ApiKeys.OFFSET_FOR_LEADER_EPOCH, 4, offsetForLeaderEpoch())
                .send(ApiKeys.DELETE_RECORDS, 2, new DeleteRecordsRequestData().setTimeoutMs(5_000).setTopics(List.of(
                        new DeleteRecordsRequestData.DeleteRecordsTopic().setName(TOPIC).setPartitions(List.of(
                                new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(0).setOffset(1))))))
                .send(ApiKeys.METADATA, 12, new MetadataRequestData().setTopics(List.of(
                        new MetadataRequestData.MetadataRequestTopic().setName(TOPIC),
                        new MetadataRequestData.MetadataRequestTopic().setName("fuzz-auto-created"))))
                .send(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, 0, new DescribeTopicPartitionsRequestData()
                        .setResponsePartitionLimit(2000).setTopics(List.of(
                                new DescribeTopicPartitionsRequestData.TopicRequest().setName(TOPIC))))
                .send(ApiKeys.DESCRIBE_PRODUCERS, 0, describeProducers())
                .bytes();
    }

    private static DescribeProducersRequestData describeProducers() {
        DescribeProducersRequestData.TopicRequestCollection topics = new DescribeProducersRequestData.TopicRequestCollection();
        topics.add(new DescribeProducersRequestData.TopicRequest().setName(TOPIC).setPartitionIndexes(List.of(0, 1)));
        return new DescribeProducersRequestData().setTopics(topics);
    }

    private static OffsetForLeaderEpochRequestData offsetForLeaderEpoch() {
        OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection topics = new OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection();
        topics.add(new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic(TOPIC).setPartitions(List.of(
                new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(0).setLeaderEpoch(0)
                        .setCurrentLeaderEpoch(-1))));
        return new OffsetForLeaderEpochRequestData().setReplicaId(-1).setTopics(topics);
    }

    private static byte[] classicGroup() {
        ByteBuffer subscription = ConsumerProtocol.serializeSubscription(
                new ConsumerPartitionAssignor.Subscription(List.of(TOPIC)));
        JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(bytes(subscription)));
        JoinGroupRequestData join = new JoinGroupRequestData().setGroupId("classic").setSessionTimeoutMs(10_000)
                .setRebalanceTimeoutMs(300_000).setMemberId("").setProtocolType("consumer").setProtocols(protocols);
        return new KafkaApisFuzzSeedsTest()
                .send(ApiKeys.FIND_COORDINATOR, 4, new FindCoordinatorRequestData().setKeyType((byte) 0)
                        .setCoordinatorKeys(List.of("classic")))
                .send(ApiKeys.JOIN_GROUP, 5, join.duplicate())
                .send(ApiKeys.JOIN_GROUP, 3, join.duplicate())
                .send(ApiKeys.SYNC_GROUP, 5, new SyncGroupRequestData().setGroupId("classic").setGenerationId(1)
                        .setMemberId(MEMBER).setProtocolType("consumer").setProtocolName("range").setAssignments(List.of(
                                new SyncGroupRequestData.SyncGroupRequestAssignment().setMemberId(MEMBER)
                                        .setAssignment(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0}))))
                .send(ApiKeys.HEARTBEAT, 4, new HeartbeatRequestData().setGroupId("classic").setGenerationId(1)
                        .setMemberId(MEMBER))
                .send(ApiKeys.OFFSET_COMMIT, 8, new OffsetCommitRequestData().setGroupId("classic").setGenerationIdOrMemberEpoch(-1)
                        .setMemberId("").setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName(TOPIC)
                                .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                        .setPartitionIndex(0).setCommittedOffset(1).setCommittedMetadata("seed"))))))
                .send(ApiKeys.OFFSET_FETCH, 8, new OffsetFetchRequestData().setGroups(List.of(
                        new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId("classic").setTopics(null))))
                .send(ApiKeys.OFFSET_FETCH, 1, new OffsetFetchRequestData().setGroupId("classic").setTopics(List.of(
                        new OffsetFetchRequestData.OffsetFetchRequestTopic().setName(TOPIC).setPartitionIndexes(List.of(0, 1)))))
                .send(ApiKeys.OFFSET_DELETE, 0, offsetDelete())
                .send(ApiKeys.DESCRIBE_GROUPS, 5, new DescribeGroupsRequestData().setGroups(List.of("classic", "absent"))
                        .setIncludeAuthorizedOperations(true))
                .send(ApiKeys.LIST_GROUPS, 5, new ListGroupsRequestData().setStatesFilter(List.of("Stable", "Empty"))
                        .setTypesFilter(List.of("classic")))
                .send(ApiKeys.LEAVE_GROUP, 5, new LeaveGroupRequestData().setGroupId("classic").setMembers(List.of(
                        new LeaveGroupRequestData.MemberIdentity().setMemberId(MEMBER))))
                .send(ApiKeys.DELETE_GROUPS, 2, new DeleteGroupsRequestData().setGroupsNames(List.of("classic")))
                .bytes();
    }

    private static OffsetDeleteRequestData offsetDelete() {
        OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection topics = new OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection();
        topics.add(new OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName(TOPIC).setPartitions(List.of(
                new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(0))));
        return new OffsetDeleteRequestData().setGroupId("classic").setTopics(topics);
    }

    private static byte[] consumerGroup() {
        return new KafkaApisFuzzSeedsTest()
                .send(ApiKeys.CONSUMER_GROUP_HEARTBEAT, 1, new ConsumerGroupHeartbeatRequestData().setGroupId("consumer")
                        .setMemberId(MEMBER).setMemberEpoch(0).setRebalanceTimeoutMs(300_000)
                        .setSubscribedTopicNames(List.of(TOPIC)).setServerAssignor("uniform").setTopicPartitions(List.of()))
                .send(ApiKeys.CONSUMER_GROUP_HEARTBEAT, 1, new ConsumerGroupHeartbeatRequestData().setGroupId("consumer")
                        .setMemberId(MEMBER).setMemberEpoch(1).setTopicPartitions(List.of(
                                new ConsumerGroupHeartbeatRequestData.TopicPartitions().setTopicId(TOPIC_ID)
                                        .setPartitions(List.of(0, 1)))))
                .send(ApiKeys.CONSUMER_GROUP_DESCRIBE, 1, new ConsumerGroupDescribeRequestData()
                        .setGroupIds(List.of("consumer")).setIncludeAuthorizedOperations(true))
                .send(ApiKeys.OFFSET_COMMIT, 10, new OffsetCommitRequestData().setGroupId("consumer")
                        .setGenerationIdOrMemberEpoch(1).setMemberId(MEMBER).setTopics(List.of(
                                new OffsetCommitRequestData.OffsetCommitRequestTopic().setTopicId(TOPIC_ID).setPartitions(
                                        List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                                .setPartitionIndex(1).setCommittedOffset(1))))))
                .send(ApiKeys.OFFSET_FETCH, 10, new OffsetFetchRequestData().setGroups(List.of(
                        new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId("consumer").setMemberId(MEMBER)
                                .setMemberEpoch(1).setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopics()
                                        .setTopicId(TOPIC_ID).setPartitionIndexes(List.of(0, 1)))))))
                .send(ApiKeys.CONSUMER_GROUP_HEARTBEAT, 1, new ConsumerGroupHeartbeatRequestData().setGroupId("consumer")
                        .setMemberId(MEMBER).setMemberEpoch(-1))
                .bytes();
    }

    private static byte[] shareGroup() {
        ShareFetchRequestData.FetchTopicCollection fetched = new ShareFetchRequestData.FetchTopicCollection();
        ShareFetchRequestData.FetchPartitionCollection partitions = new ShareFetchRequestData.FetchPartitionCollection();
        partitions.add(new ShareFetchRequestData.FetchPartition().setPartitionIndex(0));
        partitions.add(new ShareFetchRequestData.FetchPartition().setPartitionIndex(1));
        fetched.add(new ShareFetchRequestData.FetchTopic().setTopicId(TOPIC_ID).setPartitions(partitions));
        ShareAcknowledgeRequestData.AcknowledgeTopicCollection acknowledged = new ShareAcknowledgeRequestData.AcknowledgeTopicCollection();
        ShareAcknowledgeRequestData.AcknowledgePartitionCollection ackPartitions = new ShareAcknowledgeRequestData.AcknowledgePartitionCollection();
        ackPartitions.add(new ShareAcknowledgeRequestData.AcknowledgePartition().setPartitionIndex(0).setAcknowledgementBatches(
                List.of(new ShareAcknowledgeRequestData.AcknowledgementBatch().setFirstOffset(0).setLastOffset(2)
                        .setAcknowledgeTypes(List.of((byte) 1)))));
        acknowledged.add(new ShareAcknowledgeRequestData.AcknowledgeTopic().setTopicId(TOPIC_ID).setPartitions(ackPartitions));
        AlterShareGroupOffsetsRequestData.AlterShareGroupOffsetsRequestTopicCollection altered = new AlterShareGroupOffsetsRequestData.AlterShareGroupOffsetsRequestTopicCollection();
        altered.add(new AlterShareGroupOffsetsRequestData.AlterShareGroupOffsetsRequestTopic().setTopicName(TOPIC).setPartitions(
                List.of(new AlterShareGroupOffsetsRequestData.AlterShareGroupOffsetsRequestPartition().setPartitionIndex(0)
                        .setStartOffset(0))));
        return new KafkaApisFuzzSeedsTest()
                .send(ApiKeys.SHARE_GROUP_HEARTBEAT, 1, new ShareGroupHeartbeatRequestData().setGroupId("share")
                        .setMemberId(MEMBER).setMemberEpoch(0).setSubscribedTopicNames(List.of(TOPIC)))
                .send(ApiKeys.SHARE_FETCH, 1, new ShareFetchRequestData().setGroupId("share").setMemberId(MEMBER)
                        .setShareSessionEpoch(0).setMaxWaitMs(500).setMinBytes(1).setMaxBytes(1 << 20).setMaxRecords(100)
                        .setBatchSize(100).setTopics(fetched))
                .send(ApiKeys.SHARE_ACKNOWLEDGE, 1, new ShareAcknowledgeRequestData().setGroupId("share").setMemberId(MEMBER)
                        .setShareSessionEpoch(1).setTopics(acknowledged))
                .send(ApiKeys.SHARE_GROUP_DESCRIBE, 1, new ShareGroupDescribeRequestData().setGroupIds(List.of("share")))
                .send(ApiKeys.DESCRIBE_SHARE_GROUP_OFFSETS, 0, new DescribeShareGroupOffsetsRequestData().setGroups(List.of(
                        new DescribeShareGroupOffsetsRequestData.DescribeShareGroupOffsetsRequestGroup().setGroupId("share")
                                .setTopics(null))))
                .send(ApiKeys.SHARE_GROUP_HEARTBEAT, 1, new ShareGroupHeartbeatRequestData().setGroupId("share")
                        .setMemberId(MEMBER).setMemberEpoch(-1))
                .send(ApiKeys.ALTER_SHARE_GROUP_OFFSETS, 0, new AlterShareGroupOffsetsRequestData().setGroupId("share")
                        .setTopics(altered))
                .send(ApiKeys.DELETE_SHARE_GROUP_OFFSETS, 0, new DeleteShareGroupOffsetsRequestData().setGroupId("share")
                        .setTopics(List.of(new DeleteShareGroupOffsetsRequestData.DeleteShareGroupOffsetsRequestTopic()
                                .setTopicName(TOPIC))))
                .bytes();
    }

    private static byte[] transaction() {
        AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection topics = new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection();
        topics.add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic().setName(TOPIC).setPartitions(List.of(0)));
        ProduceRequestData transactional = produce((short) -1, TOPIC, Uuid.ZERO_UUID, 0,
                MemoryRecords.withTransactionalRecords(Compression.NONE, 0L, (short) 0, 0,
                        new SimpleRecord("t".getBytes(StandardCharsets.UTF_8))));
        transactional.setTransactionalId("seed-tx");
        return new KafkaApisFuzzSeedsTest()
                .send(ApiKeys.FIND_COORDINATOR, 4, new FindCoordinatorRequestData().setKeyType((byte) 1)
                        .setCoordinatorKeys(List.of("seed-tx")))
                .send(ApiKeys.INIT_PRODUCER_ID, 5, new InitProducerIdRequestData().setTransactionalId("seed-tx")
                        .setTransactionTimeoutMs(60_000).setProducerId(-1).setProducerEpoch((short) -1))
                .send(ApiKeys.ADD_PARTITIONS_TO_TXN, 3, new AddPartitionsToTxnRequestData().setV3AndBelowTransactionalId("seed-tx")
                        .setV3AndBelowProducerId(0).setV3AndBelowProducerEpoch((short) 0).setV3AndBelowTopics(topics))
                .send(ApiKeys.PRODUCE, 9, transactional)
                .send(ApiKeys.ADD_OFFSETS_TO_TXN, 3, new AddOffsetsToTxnRequestData().setTransactionalId("seed-tx")
                        .setProducerId(0).setProducerEpoch((short) 0).setGroupId("classic"))
                .send(ApiKeys.TXN_OFFSET_COMMIT, 3, new TxnOffsetCommitRequestData().setTransactionalId("seed-tx")
                        .setGroupId("classic").setProducerId(0).setProducerEpoch((short) 0).setGenerationIdOrMemberEpoch(-1)
                        .setMemberId("").setTopics(List.of(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic()
                                .setName(TOPIC).setPartitions(List.of(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition()
                                        .setPartitionIndex(0).setCommittedOffset(1))))))
                .send(ApiKeys.DESCRIBE_TRANSACTIONS, 0, new DescribeTransactionsRequestData()
                        .setTransactionalIds(List.of("seed-tx")))
                .send(ApiKeys.END_TXN, 3, new EndTxnRequestData().setTransactionalId("seed-tx").setProducerId(0)
                        .setProducerEpoch((short) 0).setCommitted(true))
                .send(ApiKeys.LIST_TRANSACTIONS, 1, new ListTransactionsRequestData().setStateFilters(List.of())
                        .setProducerIdFilters(List.of()).setDurationFilter(-1))
                .send(ApiKeys.INIT_PRODUCER_ID, 4, new InitProducerIdRequestData().setTransactionalId(null)
                        .setTransactionTimeoutMs(60_000))
                .bytes();
    }

    private static byte[] admin() {
        IncrementalAlterConfigsRequestData.AlterableConfigCollection changes = new IncrementalAlterConfigsRequestData.AlterableConfigCollection();
        changes.add(new IncrementalAlterConfigsRequestData.AlterableConfig().setName("retention.ms").setConfigOperation((byte) 0)
                .setValue("3600000"));
        changes.add(new IncrementalAlterConfigsRequestData.AlterableConfig().setName("cleanup.policy").setConfigOperation((byte) 2)
                .setValue("compact"));
        changes.add(new IncrementalAlterConfigsRequestData.AlterableConfig().setName("segment.bytes").setConfigOperation((byte) 1));
        IncrementalAlterConfigsRequestData.AlterConfigsResourceCollection incremental = new IncrementalAlterConfigsRequestData.AlterConfigsResourceCollection();
        incremental.add(new IncrementalAlterConfigsRequestData.AlterConfigsResource().setResourceType((byte) 2)
                .setResourceName(TOPIC).setConfigs(changes));
        AlterConfigsRequestData.AlterableConfigCollection set = new AlterConfigsRequestData.AlterableConfigCollection();
        set.add(new AlterConfigsRequestData.AlterableConfig().setName("retention.ms").setValue("7200000"));
        AlterConfigsRequestData.AlterConfigsResourceCollection altered = new AlterConfigsRequestData.AlterConfigsResourceCollection();
        altered.add(new AlterConfigsRequestData.AlterConfigsResource().setResourceType((byte) 2).setResourceName(TOPIC)
                .setConfigs(set));
        CreatePartitionsRequestData.CreatePartitionsTopicCollection grown = new CreatePartitionsRequestData.CreatePartitionsTopicCollection();
        grown.add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName("fuzz-created").setCount(4));
        return new KafkaApisFuzzSeedsTest()
                .send(ApiKeys.DESCRIBE_CONFIGS, 4, new DescribeConfigsRequestData().setIncludeSynonyms(true)
                        .setIncludeDocumentation(true).setResources(List.of(
                                new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType((byte) 2)
                                        .setResourceName(TOPIC).setConfigurationKeys(null),
                                new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType((byte) 4)
                                        .setResourceName("0").setConfigurationKeys(List.of("log.retention.ms")))))
                .send(ApiKeys.ALTER_CONFIGS, 2, new AlterConfigsRequestData().setResources(altered))
                .send(ApiKeys.INCREMENTAL_ALTER_CONFIGS, 1, new IncrementalAlterConfigsRequestData().setResources(incremental))
                .send(ApiKeys.CREATE_PARTITIONS, 3, new CreatePartitionsRequestData().setTopics(grown).setTimeoutMs(5_000))
                .send(ApiKeys.CREATE_ACLS, 3, new CreateAclsRequestData().setCreations(List.of(
                        new CreateAclsRequestData.AclCreation().setResourceType((byte) 2).setResourceName(TOPIC)
                                .setResourcePatternType((byte) 3).setPrincipal("User:alice").setHost("*")
                                .setOperation((byte) 3).setPermissionType((byte) 3))))
                .send(ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, 0, new DescribeUserScramCredentialsRequestData().setUsers(null))
                .send(ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, 0, new AlterUserScramCredentialsRequestData().setUpsertions(List.of(
                        new AlterUserScramCredentialsRequestData.ScramCredentialUpsertion().setName("alice").setMechanism((byte) 1)
                                .setIterations(4096).setSalt("salt".getBytes(StandardCharsets.UTF_8))
                                .setSaltedPassword(new byte[32]))))
                .send(ApiKeys.DELETE_TOPICS, 6, new DeleteTopicsRequestData().setTimeoutMs(5_000).setTopics(List.of(
                        new DeleteTopicsRequestData.DeleteTopicState().setName("fuzz-created"))))
                .bytes();
    }

    /** Every API kafka-clients knows, with its default body, at its oldest or newest version. */
    private static byte[] everyApi(boolean oldest) {
        KafkaApisFuzzSeedsTest seeds = new KafkaApisFuzzSeedsTest();
        for (ApiKeys api : ApiKeys.values()) {
            short version = oldest ? api.oldestVersion() : api.latestVersion();
            try {
                seeds.send(api, version, ApiMessageType.fromApiKey(api.id).newRequest());
            } catch (RuntimeException notWritable) {
                // a default body some versions cannot carry: the other seed has it
            }
        }
        return seeds.bytes();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
