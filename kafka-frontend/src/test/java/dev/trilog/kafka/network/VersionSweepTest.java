package dev.trilog.kafka.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.kafka.KafkaTestApis;
import dev.trilog.kafka.records.KafkaRecords;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.log.Topic;
import dev.trilog.log.record.RecordData;
import dev.trilog.log.record.RecordFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every core API at every version Trilog advertises, with real data: old clients (librdkafka
 * 2.0, kafkajs) speak old versions, whose responses cannot carry some newer fields. Each
 * request must get a well-formed answer at its own version, and the connection must stay up.
 */
class VersionSweepTest {

    @TempDir
    static Path dataDir;

    private static LogEngine engine;
    private static Topic topic;

    @BeforeAll
    static void open() throws Exception {
        engine = LogEngine.open(EngineSettings.of(dataDir));
        topic = engine.createTopic("sweep", 1, Map.of());
        engine.appender().append(new TopicPartition("sweep", 0), batch()).join();
    }

    @AfterAll
    static void close() throws Exception {
        engine.close();
    }

    private static ByteBuffer batch() {
        return RecordFormat.build(0, "none", List.of(RecordData.of(System.currentTimeMillis(), null, new byte[10])));
    }

    static Stream<Arguments> everyVersion() {
        Map<ApiKeys, Function<Short, ApiMessage>> requests = Map.of(
                ApiKeys.API_VERSIONS, v -> new ApiVersionsRequestData().setClientSoftwareName("sweep")
                        .setClientSoftwareVersion("1.0"),
                ApiKeys.METADATA, v -> new MetadataRequestData().setTopics(List.of(
                        new MetadataRequestData.MetadataRequestTopic().setName("sweep"))),
                ApiKeys.PRODUCE, v -> {
                    ProduceRequestData.TopicProduceData data = new ProduceRequestData.TopicProduceData()
                            .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData().setIndex(0)
                                    .setRecords(KafkaRecords.of(batch()))));
                    if (v >= 13) {
                        data.setTopicId(topic.id());
                    } else {
                        data.setName("sweep");
                    }
                    ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
                    topics.add(data);
                    return new ProduceRequestData().setAcks((short) 1).setTimeoutMs(5000).setTopicData(topics);
                },
                ApiKeys.FETCH, v -> {
                    FetchRequestData.FetchTopic fetchTopic = new FetchRequestData.FetchTopic().setPartitions(List.of(
                            new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0)
                                    .setPartitionMaxBytes(1 << 20)));
                    if (v >= 13) {
                        fetchTopic.setTopicId(topic.id());
                    } else {
                        fetchTopic.setTopic("sweep");
                    }
                    return new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(1).setMaxBytes(1 << 20)
                            .setSessionEpoch(-1).setTopics(List.of(fetchTopic));
                },
                ApiKeys.LIST_OFFSETS, v -> new ListOffsetsRequestData().setReplicaId(-1).setTopics(List.of(
                        new ListOffsetsRequestData.ListOffsetsTopic().setName("sweep").setPartitions(List.of(
                                new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(-1))))),
                ApiKeys.INIT_PRODUCER_ID, v -> new InitProducerIdRequestData().setTransactionalId(null)
                        .setTransactionTimeoutMs(60_000));
        return requests.entrySet().stream().flatMap(e -> {
            ApiKeys key = e.getKey();
            return java.util.stream.IntStream.rangeClosed(key.oldestVersion(), key.latestVersion())
                    .mapToObj(v -> Arguments.of(key, (short) v, e.getValue().apply((short) v)));
        });
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("everyVersion")
    void answersAtTheRequestedVersion(ApiKeys key, short version, ApiMessage data) {
        EmbeddedChannel channel = new EmbeddedChannel(new KafkaFrameDecoder(1 << 20),
                new KafkaConnection(KafkaTestApis.apis(engine), KafkaMetrics.detached()));
        try {
            RequestHeader header = new RequestHeader(key, version, "sweep", 42);
            ByteBuffer body = MessageUtil.toByteBufferAccessor(data, version).buffer();
            ByteBuffer head = MessageUtil.toByteBufferAccessor(header.data(), header.headerVersion()).buffer();
            channel.writeInbound(Unpooled.buffer().writeInt(head.remaining() + body.remaining()).writeBytes(head)
                    .writeBytes(body));
            channel.runPendingTasks();

            ByteBuf out = Unpooled.buffer();
            Object msg;
            while ((msg = channel.readOutbound()) != null) {
                if (msg instanceof ByteBuf buf) {
                    out.writeBytes(buf);
                } else if (msg instanceof io.netty.channel.FileRegion region) {
                    java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
                    try {
                        region.transferTo(java.nio.channels.Channels.newChannel(sink), 0);
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                    out.writeBytes(sink.toByteArray());
                }
                ReferenceCountUtil.release(msg);
            }
            assertThat(channel.isOpen()).as("connection still open").isTrue();
            assertThat(out.readableBytes()).as("a response").isGreaterThan(4);
            int size = out.readInt();
            assertThat(out.readableBytes()).isEqualTo(size);
            AbstractResponse response = AbstractResponse.parseResponse(out.nioBuffer(), header);
            assertThat(response.errorCounts().keySet()).doesNotContain(Errors.UNKNOWN_SERVER_ERROR,
                    Errors.UNSUPPORTED_VERSION, Errors.INVALID_REQUEST);
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}
