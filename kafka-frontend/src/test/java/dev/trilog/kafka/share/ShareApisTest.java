package dev.trilog.kafka.share;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.kafka.KafkaTestApis;
import dev.trilog.kafka.protocol.ApiTable;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.log.Topic;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.queue.QueuesSettings;
import dev.trilog.routing.topology.Topology;
import dev.trilog.kafka.protocol.Reply;
import dev.trilog.log.record.RecordData;
import dev.trilog.log.record.RecordFormat;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.apache.kafka.clients.consumer.internals.ShareAcquireMode;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import dev.trilog.routing.address.QueueSpec;
import org.apache.kafka.common.message.AlterShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.AlterShareGroupOffsetsResponseData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.DeleteShareGroupOffsetsResponseData;
import org.apache.kafka.common.requests.AlterShareGroupOffsetsRequest;
import org.apache.kafka.common.requests.AlterShareGroupOffsetsResponse;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DeleteGroupsResponse;
import org.apache.kafka.common.requests.DeleteShareGroupOffsetsRequest;
import org.apache.kafka.common.requests.DeleteShareGroupOffsetsResponse;
import org.apache.kafka.common.message.ShareAcknowledgeRequestData;
import org.apache.kafka.common.message.ShareFetchRequestData;
import org.apache.kafka.common.message.ShareFetchResponseData;
import org.apache.kafka.common.message.ShareGroupDescribeRequestData;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ShareGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ShareAcknowledgeRequest;
import org.apache.kafka.common.requests.ShareAcknowledgeResponse;
import org.apache.kafka.common.requests.ShareFetchRequest;
import org.apache.kafka.common.requests.ShareFetchResponse;
import org.apache.kafka.common.requests.ShareGroupDescribeRequest;
import org.apache.kafka.common.requests.ShareGroupDescribeResponse;
import org.apache.kafka.common.requests.ShareGroupHeartbeatRequest;
import org.apache.kafka.common.requests.ShareGroupHeartbeatResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The share-group APIs' answers to what a client gets wrong: membership errors, share-session
 * epochs, and acknowledgements of records the member does not hold or batches that make no sense.
 */
class ShareApisTest {

    @TempDir
    Path dataDir;
    LogEngine engine;
    Queues queues;
    ApiTable apis;
    Topic orders;
    Topology topology;

    @BeforeEach
    void open() throws Exception {
        engine = LogEngine.open(EngineSettings.of(dataDir));
        topology = Topology.open(engine);
        queues = Queues.open(engine, topology, QueuesSettings.defaults());
        orders = engine.createTopic("orders", 2, Map.of());
        apis = KafkaTestApis.apis(engine, queues, topology);
    }

    @AfterEach
    void close() throws Exception {
        queues.close();
        engine.close();
    }

    @Test
    void membersJoinWithEveryPartitionAndAreFencedOnAWrongEpoch() throws Exception {
        assertThat(heartbeat("g", "", 0, List.of("orders")).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(heartbeat("g", "m1", 0, null).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(heartbeat("g", "m1", 3, null).errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());

        ShareGroupHeartbeatResponseData joined = heartbeat("g", "m1", 0, List.of("orders"));
        assertThat(joined.errorCode()).isZero();
        assertThat(joined.memberEpoch()).isEqualTo(1);
        assertThat(joined.assignment().topicPartitions()).singleElement().satisfies(tp -> {
            assertThat(tp.topicId()).isEqualTo(orders.id());
            assertThat(tp.partitions()).containsExactly(0, 1);
        });
        ShareGroupHeartbeatResponseData second = heartbeat("g", "m2", 0, List.of("orders"));
        assertThat(second.assignment().topicPartitions().get(0).partitions()).as("every member gets every partition")
                .containsExactly(0, 1);

        ShareGroupHeartbeatResponseData alive = heartbeat("g", "m1", 1, null);
        assertThat(alive.errorCode()).isZero();
        assertThat(alive.assignment()).as("unchanged: not sent again").isNull();
        assertThat(heartbeat("g", "m1", 7, null).errorCode()).isEqualTo(Errors.FENCED_MEMBER_EPOCH.code());
        assertThat(heartbeat("g", "m1", -1, null).memberEpoch()).isEqualTo(-1);

        var described = ((ShareGroupDescribeResponse) send(new ShareGroupDescribeRequest.Builder(
                new ShareGroupDescribeRequestData().setGroupIds(List.of("g", "nope"))).build())).data().groups();
        assertThat(described.get(0).members()).extracting(m -> m.memberId()).containsExactly("m2");
        assertThat(described.get(1).errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
    }

    @Test
    void shareSessionsFollowTheirEpochs() throws Exception {
        assertThat(fetch("g", "m1", 0, List.of()).errorCode()).as("not a member")
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        heartbeat("g", "m1", 0, List.of("orders"));
        assertThat(fetch("g", "m1", 1, List.of()).errorCode()).isEqualTo(Errors.SHARE_SESSION_NOT_FOUND.code());
        assertThat(fetch("g", "m1", 0, List.of()).errorCode()).isZero();
        assertThat(fetch("g", "m1", 2, List.of()).errorCode()).isEqualTo(Errors.INVALID_SHARE_SESSION_EPOCH.code());
        assertThat(fetch("g", "m1", 1, List.of()).errorCode()).isZero();
        assertThat(fetch("g", "m1", 2, List.of()).errorCode()).isZero();

        ShareAcknowledgeRequestData opening = new ShareAcknowledgeRequestData().setGroupId("g").setMemberId("m1")
                .setShareSessionEpoch(0);
        assertThat(((ShareAcknowledgeResponse) send(new ShareAcknowledgeRequest.Builder(opening)
                .build(ApiKeys.SHARE_ACKNOWLEDGE.latestVersion()))).data().errorCode())
                .as("only a fetch opens a session").isEqualTo(Errors.INVALID_SHARE_SESSION_EPOCH.code());
    }

    @Test
    void acquiredRecordsGoOutAsSlicesOfExactlyTheBatchesTheyAreIn() throws Exception {
        List<Integer> sizes = new java.util.ArrayList<>();
        for (int batch = 0; batch < 3; batch++) { // offsets 0–2, 3–5, 6–8
            ByteBuffer records = RecordFormat.build(0, "none", List.of(RecordData.of(1L, null, new byte[100]),
                    RecordData.of(1L, null, new byte[100]), RecordData.of(1L, null, new byte[100])));
            sizes.add(records.remaining());
            engine.appender().append(new TopicPartition("orders", 0), records).join();
        }
        heartbeat("g", "m1", 0, List.of("orders"));

        // four records (record_limit: no more than asked): the first batch and the first record of the second
        Reply first = fetchReply("g", "m1", 0, 4, ShareAcquireMode.RECORD_LIMIT);
        ShareFetchResponseData.PartitionData got = partition0(first);
        assertThat(got.acquiredRecords()).singleElement().satisfies(r -> {
            assertThat(r.firstOffset()).isZero();
            assertThat(r.lastOffset()).isEqualTo(3);
        });
        assertThat(got.records()).as("zero-copy, not copied onto the heap").isNotInstanceOf(MemoryRecords.class);
        assertThat(baseOffsets(got.records())).containsExactly(0L, 3L);
        assertThat(got.records().sizeInBytes()).isEqualTo(sizes.get(0) + sizes.get(1));
        assertThat(first.resources()).isNotEmpty();
        first.closeResources();

        // the next four: the rest of the second batch and two of the third, the second batch not sent twice
        Reply second = fetchReply("g", "m1", 1, 4, ShareAcquireMode.RECORD_LIMIT);
        got = partition0(second);
        assertThat(got.acquiredRecords()).singleElement().satisfies(r -> {
            assertThat(r.firstOffset()).isEqualTo(4);
            assertThat(r.lastOffset()).isEqualTo(7);
        });
        assertThat(baseOffsets(got.records())).containsExactly(3L, 6L);
        second.closeResources();
    }

    @Test
    void aBatchOptimizedFetchAcquiresToTheEndOfTheBatchItStopsIn() throws Exception {
        for (int batch = 0; batch < 3; batch++) { // offsets 0–2, 3–5, 6–8
            engine.appender().append(new TopicPartition("orders", 0), RecordFormat.build(0, "none",
                    List.of(RecordData.of(1L, null, new byte[100]), RecordData.of(1L, null, new byte[100]),
                            RecordData.of(1L, null, new byte[100])))).join();
        }
        heartbeat("g", "m1", 0, List.of("orders"));
        heartbeat("g", "m2", 0, List.of("orders"));

        // four asked, six acquired: the second batch is not split between two members
        Reply first = fetchReply("g", "m1", 0, 4, ShareAcquireMode.BATCH_OPTIMIZED);
        assertThat(partition0(first).acquiredRecords()).singleElement().satisfies(r -> {
            assertThat(r.firstOffset()).isZero();
            assertThat(r.lastOffset()).isEqualTo(5);
        });
        assertThat(baseOffsets(partition0(first).records())).containsExactly(0L, 3L);
        first.closeResources();

        Reply second = fetchReply("g", "m2", 0, 1, ShareAcquireMode.BATCH_OPTIMIZED);
        assertThat(partition0(second).acquiredRecords()).singleElement().satisfies(r -> {
            assertThat(r.firstOffset()).isEqualTo(6);
            assertThat(r.lastOffset()).isEqualTo(8);
        });
        second.closeResources();
    }

    private Reply fetchReply(String group, String member, int epoch, int maxRecords, ShareAcquireMode mode)
            throws Exception {
        ShareFetchRequestData data = new ShareFetchRequestData().setGroupId(group).setMemberId(member)
                .setShareSessionEpoch(epoch).setMaxWaitMs(0).setMaxRecords(maxRecords).setBatchSize(maxRecords)
                .setShareAcquireMode(mode.id());
        data.topics().add(new ShareFetchRequestData.FetchTopic().setTopicId(orders.id()).setPartitions(
                new ShareFetchRequestData.FetchPartitionCollection(List.of(new ShareFetchRequestData.FetchPartition()
                        .setPartitionIndex(0)).iterator())));
        return apis.dispatch(KafkaTestApis.request(new ShareFetchRequest.Builder(data)
                .build(ApiKeys.SHARE_FETCH.latestVersion()))).get(10, TimeUnit.SECONDS);
    }

    private static ShareFetchResponseData.PartitionData partition0(Reply reply) {
        return ((ShareFetchResponse) reply.response()).data().responses().iterator().next().partitions().stream()
                .filter(p -> p.partitionIndex() == 0).findFirst().orElseThrow();
    }

    /** The base offsets of the batches the records write to a channel, as a response's send does. */
    private static List<Long> baseOffsets(BaseRecords records) throws Exception {
        ByteBuffer written = ByteBuffer.allocate(records.sizeInBytes());
        TransferableChannel channel = new TransferableChannel() {
            @Override
            public boolean hasPendingWrites() {
                return false;
            }

            @Override
            public long transferFrom(java.nio.channels.FileChannel file, long position, long count)
                    throws java.io.IOException {
                ByteBuffer part = written.slice(written.position(), (int) count);
                while (part.hasRemaining()) {
                    file.read(part, position + part.position());
                }
                written.position(written.position() + (int) count);
                return count;
            }

            @Override
            public int write(ByteBuffer src) {
                int n = src.remaining();
                written.put(src);
                return n;
            }

            @Override
            public long write(ByteBuffer[] srcs, int offset, int length) {
                long n = 0;
                for (int i = offset; i < offset + length; i++) {
                    n += write(srcs[i]);
                }
                return n;
            }

            @Override
            public long write(ByteBuffer[] srcs) {
                return write(srcs, 0, srcs.length);
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        var send = records.toSend();
        while (!send.completed()) {
            send.writeTo(channel);
        }
        List<Long> offsets = new java.util.ArrayList<>();
        MemoryRecords.readableRecords(written.flip()).batches().forEach(b -> offsets.add(b.baseOffset()));
        return offsets;
    }

    @Test
    void acknowledgementsOfRecordsNotHeldOrOfMalformedBatchesAreRefusedPerPartition() throws Exception {
        heartbeat("g", "m1", 0, List.of("orders"));
        assertThat(fetch("g", "m1", 0, List.of()).errorCode()).isZero();
        ShareFetchResponseData.PartitionData notHeld = fetch("g", "m1", 1,
                List.of(ack(0, 5, List.of((byte) 1)))).responses().iterator().next().partitions().get(0);
        assertThat(notHeld.acknowledgeErrorCode()).isEqualTo(Errors.INVALID_RECORD_STATE.code());

        ShareFetchResponseData.PartitionData wrongTypes = fetch("g", "m1", 2,
                List.of(ack(0, 2, List.of((byte) 1, (byte) 1)))).responses().iterator().next().partitions().get(0);
        assertThat(wrongTypes.acknowledgeErrorCode()).as("3 offsets, 2 types").isEqualTo(Errors.INVALID_REQUEST.code());

        ShareFetchResponseData.PartitionData unknownType = fetch("g", "m1", 3,
                List.of(ack(0, 0, List.of((byte) 9)))).responses().iterator().next().partitions().get(0);
        assertThat(unknownType.acknowledgeErrorCode()).isEqualTo(Errors.INVALID_REQUEST.code());

        ShareFetchResponseData.PartitionData backwards = fetch("g", "m1", 4,
                List.of(ack(5, 4, List.of((byte) 1)))).responses().iterator().next().partitions().get(0);
        assertThat(backwards.acknowledgeErrorCode()).isEqualTo(Errors.INVALID_REQUEST.code());

        ShareFetchResponseData.PartitionData gapsOnly = fetch("g", "m1", 5,
                List.of(ack(0, 3, List.of((byte) 0)))).responses().iterator().next().partitions().get(0);
        assertThat(gapsOnly.acknowledgeErrorCode()).as("gaps settle nothing").isZero();
    }

    @Test
    void offsetsChangeOnlyForAnEmptyGroupThatIsNotAQueuesOwnAndARefusalChangesNothing() throws Exception {
        assertThat(alter("nope", "orders", 0, 0).errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        assertThat(deleteOffsets("nope", "orders").errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        assertThat(deleteGroup("nope")).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());

        heartbeat("g", "m1", 0, List.of("orders"));
        assertThat(alter("g", "orders", 0, 5).errorCode()).isEqualTo(Errors.NON_EMPTY_GROUP.code());
        assertThat(deleteOffsets("g", "orders").errorCode()).isEqualTo(Errors.NON_EMPTY_GROUP.code());
        assertThat(deleteGroup("g")).isEqualTo(Errors.NON_EMPTY_GROUP.code());
        assertThat(heartbeat("g", "m1", 1, null).errorCode()).as("still a member").isZero();

        heartbeat("g", "m1", -1, null);
        AlterShareGroupOffsetsResponseData unknown = alter("g", "orders", 9, 0);
        assertThat(unknown.errorCode()).isZero();
        assertThat(unknown.responses().iterator().next().partitions().get(0).errorCode())
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(alter("g", "orders", 0, 0).responses().iterator().next().partitions().get(0).errorCode()).isZero();
        assertThat(deleteGroup("g")).isZero();
        assertThat(deleteGroup("g")).as("gone").isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
    }

    @Test
    void aQueuesOwnShareGroupIsTheQueuesAndIsNeitherResetNorDeletedOverKafka() throws Exception {
        topology.declareQueue(QueueSpec.durable("jobs"));
        heartbeat("jobs", "m1", 0, List.of("jobs"));
        heartbeat("jobs", "m1", -1, null);

        AlterShareGroupOffsetsResponseData refused = alter("jobs", "jobs", 0, 0);
        assertThat(refused.errorCode()).isEqualTo(Errors.NON_EMPTY_GROUP.code());
        assertThat(refused.errorMessage()).contains("queue");
        assertThat(deleteOffsets("jobs", "jobs").errorCode()).isEqualTo(Errors.NON_EMPTY_GROUP.code());
        assertThat(deleteGroup("jobs")).isEqualTo(Errors.NON_EMPTY_GROUP.code());
        assertThat(alter("jobs", "orders", 0, 0).errorCode()).as("another topic of the same group is its own")
                .isZero();
    }

    // ---------------------------------------------------------------- helpers


    private AlterShareGroupOffsetsResponseData alter(String group, String topic, int partition, long offset)
            throws Exception {
        AlterShareGroupOffsetsRequestData data = new AlterShareGroupOffsetsRequestData().setGroupId(group);
        AlterShareGroupOffsetsRequestData.AlterShareGroupOffsetsRequestTopic t =
                new AlterShareGroupOffsetsRequestData.AlterShareGroupOffsetsRequestTopic().setTopicName(topic);
        t.partitions().add(new AlterShareGroupOffsetsRequestData.AlterShareGroupOffsetsRequestPartition()
                .setPartitionIndex(partition).setStartOffset(offset));
        data.topics().add(t);
        return ((AlterShareGroupOffsetsResponse) send(new AlterShareGroupOffsetsRequest.Builder(data).build()))
                .data();
    }

    private DeleteShareGroupOffsetsResponseData deleteOffsets(String group, String topic) throws Exception {
        DeleteShareGroupOffsetsRequestData data = new DeleteShareGroupOffsetsRequestData().setGroupId(group);
        data.topics().add(new DeleteShareGroupOffsetsRequestData.DeleteShareGroupOffsetsRequestTopic()
                .setTopicName(topic));
        return ((DeleteShareGroupOffsetsResponse) send(new DeleteShareGroupOffsetsRequest.Builder(data).build()))
                .data();
    }

    private short deleteGroup(String group) throws Exception {
        return ((DeleteGroupsResponse) send(new DeleteGroupsRequest.Builder(
                new DeleteGroupsRequestData().setGroupsNames(List.of(group))).build())).data().results()
                .find(group).errorCode();
    }

    private ShareGroupHeartbeatResponseData heartbeat(String group, String member, int epoch, List<String> topics)
            throws Exception {
        return ((ShareGroupHeartbeatResponse) send(new ShareGroupHeartbeatRequest.Builder(
                new ShareGroupHeartbeatRequestData().setGroupId(group).setMemberId(member).setMemberEpoch(epoch)
                        .setSubscribedTopicNames(topics)).build())).data();
    }

    private static ShareFetchRequestData.AcknowledgementBatch ack(long first, long last, List<Byte> types) {
        return new ShareFetchRequestData.AcknowledgementBatch().setFirstOffset(first).setLastOffset(last)
                .setAcknowledgeTypes(types);
    }

    /** A fetch of partition 0 that waits for nothing, carrying {@code acks} for it. */
    private ShareFetchResponseData fetch(String group, String member, int epoch,
            List<ShareFetchRequestData.AcknowledgementBatch> acks) throws Exception {
        ShareFetchRequestData data = new ShareFetchRequestData().setGroupId(group).setMemberId(member)
                .setShareSessionEpoch(epoch).setMaxWaitMs(0).setMaxRecords(10).setBatchSize(10);
        data.topics().add(new ShareFetchRequestData.FetchTopic().setTopicId(orders.id()).setPartitions(
                new ShareFetchRequestData.FetchPartitionCollection(List.of(new ShareFetchRequestData.FetchPartition()
                        .setPartitionIndex(0).setAcknowledgementBatches(acks)).iterator())));
        return ((ShareFetchResponse) send(new ShareFetchRequest.Builder(data)
                .build(ApiKeys.SHARE_FETCH.latestVersion()))).data();
    }

    private AbstractResponse send(AbstractRequest request) throws Exception {
        return apis.dispatch(KafkaTestApis.request(request)).get(10, TimeUnit.SECONDS).response();
    }
}
