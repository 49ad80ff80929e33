package dev.trilog.kafka.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.kafka.KafkaTestApis;
import dev.trilog.kafka.protocol.ApiTable;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.log.record.RecordData;
import dev.trilog.log.record.RecordFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connection pipeline in-process: frames in, responses (and file regions) out. */
class KafkaConnectionTest {

    @TempDir
    Path dataDir;

    private LogEngine engine;
    private EmbeddedChannel channel;

    @BeforeEach
    void open() throws Exception {
        engine = LogEngine.open(EngineSettings.of(dataDir));
        channel = new EmbeddedChannel(new KafkaFrameDecoder(1024 * 1024),
                new KafkaConnection(KafkaTestApis.apis(engine), KafkaMetrics.detached()));
    }

    @AfterEach
    void close() throws Exception {
        channel.finishAndReleaseAll();
        engine.close();
    }

    private static ByteBuf frame(AbstractRequest request, int correlationId) {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "test", correlationId);
        ByteBuffer body = request.serializeWithHeader(header);
        return Unpooled.buffer().writeInt(body.remaining()).writeBytes(body);
    }

    /** The correlation ids of the answers written so far, in order. */
    private List<Integer> answeredCorrelations() {
        List<Integer> correlations = new ArrayList<>();
        ByteBuf all = Unpooled.buffer();
        for (Object msg : outbound()) {
            all.writeBytes((ByteBuf) msg);
            ((ByteBuf) msg).release();
        }
        while (all.readableBytes() >= 8) {
            int size = all.readInt();
            correlations.add(all.getInt(all.readerIndex()));
            all.skipBytes(size);
        }
        all.release();
        return correlations;
    }

    private List<Object> outbound() {
        List<Object> out = new ArrayList<>();
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            out.add(msg);
        }
        return out;
    }

    @Test
    void aFetchHandsTheSegmentToTheChannelAsAFileRegion() throws Exception {
        engine.createTopic("zc", 1, Map.of());
        engine.appender().append(new TopicPartition("zc", 0), RecordFormat.build(0, "none",
                List.of(RecordData.of(1L, null, new byte[4096])))).join();
        FetchRequestData data = new FetchRequestData().setMaxWaitMs(0).setMinBytes(1).setMaxBytes(1 << 20)
                .setReplicaId(-1).setSessionEpoch(-1);
        data.topics().add(new FetchRequestData.FetchTopic().setTopic("zc").setPartitions(List.of(
                new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0).setPartitionMaxBytes(1 << 20))));

        channel.writeInbound(frame(new FetchRequest(data, (short) 12), 7));
        channel.runPendingTasks();

        List<Object> out = outbound();
        List<FileRegion> regions = out.stream().filter(FileRegion.class::isInstance).map(FileRegion.class::cast).toList();
        assertThat(regions).hasSize(1);
        assertThat(regions.get(0).count()).isGreaterThan(4096);
        // the only region class epoll writes with native sendfile
        assertThat(regions.get(0)).isInstanceOf(io.netty.channel.DefaultFileRegion.class);
        out.forEach(io.netty.util.ReferenceCountUtil::release);

        // releasing the region must not close the segment's channel, which later fetches share
        channel.writeInbound(frame(new FetchRequest(data, (short) 12), 8));
        channel.runPendingTasks();
        List<Object> again = outbound();
        FileRegion next = again.stream().filter(FileRegion.class::isInstance).map(FileRegion.class::cast).findFirst()
                .orElseThrow();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        next.transferTo(java.nio.channels.Channels.newChannel(bytes), 0);
        assertThat(bytes.size()).isEqualTo((int) next.count());
        again.forEach(io.netty.util.ReferenceCountUtil::release);
    }

    @Test
    void responsesComeInRequestOrder() {
        channel.writeInbound(frame(new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 3), 1));
        channel.writeInbound(frame(new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 3), 2));

        assertThat(answeredCorrelations()).containsExactly(1, 2);
    }

    /**
     * Found by KafkaRequestFuzzTest: a frame whose header cannot be read closes the connection, but
     * the frames after it in the same read were still served — a produce among them appended
     * records for a client that only saw its connection drop (and would send them again).
     */
    @Test
    void framesAfterAnUnreadableOneInTheSameReadAreNotServed() throws Exception {
        engine.createTopic("after", 1, Map.of());
        ProduceRequestData data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(1000);
        data.topicData().add(new ProduceRequestData.TopicProduceData().setName("after").setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(
                        MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("v".getBytes()))))));
        ProduceRequest produce = new ProduceRequest.Builder((short) 9, (short) 9, data).build();
        ByteBuf read = Unpooled.buffer().writeInt(4).writeInt(-1); // api key -1: no header to read
        ByteBuf next = frame(produce, 2);
        read.writeBytes(next);
        next.release();

        channel.writeInbound(read);

        assertThat(channel.isOpen()).isFalse();
        assertThat(outbound()).isEmpty();
        assertThat(engine.partition(new TopicPartition("after", 0)).logEndOffset()).isZero();
    }

    /**
     * A handler's future failing later with a failure whose error answer cannot be built
     * (kafka-clients' {@code getErrorResponse} threw on a DescribeUserScramCredentials before):
     * the answers before it are written and the connection closes — it used to stay open with
     * that request unanswered and every later answer waiting behind it for good.
     */
    @Test
    void aFailureWithNoErrorAnswerClosesTheConnectionAfterTheAnswersBeforeIt() {
        RuntimeException unwordable = new RuntimeException() {
            @Override
            public String getMessage() { // what CreateTopics' error answer (ApiError) and the error log ask
                throw new IllegalStateException("no words for this failure");
            }

            @Override
            public String toString() { // what CompletableFuture asks when it wraps a failure
                return "unwordable";
            }
        };
        java.util.concurrent.CompletableFuture<dev.trilog.kafka.protocol.Reply> later =
                new java.util.concurrent.CompletableFuture<>();
        channel.finishAndReleaseAll();
        channel = new EmbeddedChannel(new KafkaFrameDecoder(1024 * 1024), new KafkaConnection(
                new ApiTable().register(ApiKeys.CREATE_TOPICS, request -> later), // ApiVersions is the table's own
                KafkaMetrics.detached()));

        ByteBuf read = frame(new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 3), 1);
        ByteBuf failing = frame(new org.apache.kafka.common.requests.CreateTopicsRequest.Builder(
                new org.apache.kafka.common.message.CreateTopicsRequestData()).build((short) 7), 2);
        ByteBuf after = frame(new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 3), 3);
        read.writeBytes(failing).writeBytes(after);
        failing.release();
        after.release();
        channel.writeInbound(read);
        later.completeExceptionally(unwordable);
        channel.runPendingTasks();

        assertThat(answeredCorrelations()).containsExactly(1);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void advertisesProduceFromVersionZeroAndTheClientsFullRanges() {
        channel.writeInbound(frame(new ApiVersionsRequest(new ApiVersionsRequestData()
                .setClientSoftwareName("test").setClientSoftwareVersion("1.0"), (short) 3), 9));
        ByteBuf all = Unpooled.buffer();
        for (Object msg : outbound()) {
            all.writeBytes((ByteBuf) msg);
            ((ByteBuf) msg).release();
        }
        all.skipBytes(4 + 4); // size, correlation id (ApiVersions responses use header v0)
        ApiVersionsResponse response = ApiVersionsResponse.parse(
                new org.apache.kafka.common.protocol.ByteBufferAccessor(all.nioBuffer()), (short) 3);

        assertThat(response.data().errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(response.apiVersion(ApiKeys.PRODUCE.id).minVersion()).isZero();
        assertThat(response.apiVersion(ApiKeys.PRODUCE.id).maxVersion()).isEqualTo(ApiKeys.PRODUCE.latestVersion());
        assertThat(response.apiVersion(ApiKeys.FETCH.id).maxVersion()).isEqualTo(ApiKeys.FETCH.latestVersion());
    }

    @Test
    void anApiVersionsRequestFromTheFutureIsAnsweredInVersionZero() {
        byte[] clientId = "future-client".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuf request = Unpooled.buffer().writeShort(ApiKeys.API_VERSIONS.id).writeShort(99).writeInt(5)
                .writeShort(clientId.length).writeBytes(clientId).writeByte(0); // header v2: empty tagged fields
        channel.writeInbound(Unpooled.buffer().writeInt(request.readableBytes()).writeBytes(request));

        ByteBuf all = Unpooled.buffer();
        for (Object msg : outbound()) {
            all.writeBytes((ByteBuf) msg);
            ((ByteBuf) msg).release();
        }
        all.skipBytes(4);
        assertThat(all.readInt()).isEqualTo(5);
        ApiVersionsResponse response = ApiVersionsResponse.parse(
                new org.apache.kafka.common.protocol.ByteBufferAccessor(all.nioBuffer()), (short) 0);
        assertThat(response.data().errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
        assertThat(response.apiVersion(ApiKeys.FETCH.id)).isNotNull();
    }

    @Test
    void anOversizedFrameClosesTheConnectionBeforeAllocating() {
        channel.writeInbound(Unpooled.buffer().writeInt(64 * 1024 * 1024).writeBytes(new byte[16]));

        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void anUnreadableHeaderClosesTheConnection() {
        channel.writeInbound(Unpooled.buffer().writeInt(6).writeShort(9999).writeShort(0).writeShort(0));

        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void anUnimplementedApiGetsUnsupportedVersionNotAHang() {
        channel.writeInbound(frame(new org.apache.kafka.common.requests.DescribeAclsRequest.Builder(
                org.apache.kafka.common.acl.AclBindingFilter.ANY).build((short) 3), 11));

        List<Object> out = outbound();
        assertThat(out).isNotEmpty();
        ByteBuf all = Unpooled.buffer();
        out.forEach(m -> {
            all.writeBytes((ByteBuf) m);
            ((ByteBuf) m).release();
        });
        all.skipBytes(4);
        assertThat(all.readInt()).isEqualTo(11);
        assertThat(channel.isOpen()).isTrue();
    }
}
