package dev.trilog.kafka.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.log.AppendResult;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogAppender;
import dev.trilog.log.LogEngine;
import dev.trilog.log.record.RecordData;
import dev.trilog.log.record.TxnMarker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.network.ClientInformation;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestContext;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A produce whose append fails on disk is answered KAFKA_STORAGE_ERROR with the disk's message. */
class ProduceStorageErrorTest {

    @TempDir
    Path dataDir;

    private LogEngine engine;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void openEngine() throws Exception {
        engine = LogEngine.open(EngineSettings.of(dataDir));
        engine.createTopic("t", 1, Map.of());
        engine.replaceAppender(FullDiskAppender::new);
    }

    @AfterEach
    void close() throws Exception {
        timer.shutdownNow();
        engine.close();
    }

    @Test
    void aFullDiskIsKafkaStorageErrorWithTheDisksMessage() throws Exception {
        KafkaContext context = new KafkaContext(engine, 0, false, 1, new InetSocketAddress("localhost", 9092), timer);
        ProduceHandler handler = new ProduceHandler(context, (id, producerId, epoch, tp) -> Errors.NONE,
                dev.trilog.kafka.network.KafkaMetrics.detached());

        ProduceResponseData answer = ((ProduceResponse) handler.handle(produce()).get(10, TimeUnit.SECONDS)
                .response()).data();

        assertThat(answer.responses()).singleElement().satisfies(topic -> assertThat(topic.partitionResponses())
                .singleElement().satisfies(p -> {
                    assertThat(p.errorCode()).isEqualTo(Errors.KAFKA_STORAGE_ERROR.code());
                    assertThat(p.errorMessage()).isEqualTo("No space left on device");
                }));
    }

    private static KafkaRequest produce() {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(1000);
        data.topicData().add(new ProduceRequestData.TopicProduceData().setName("t").setPartitionData(
                List.of(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(
                        MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("k".getBytes(), "v".getBytes()))))));
        ProduceRequest body = new ProduceRequest.Builder((short) 9, (short) 9, data).build();
        RequestHeader header = new RequestHeader(body.apiKey(), body.version(), "full-disk-test", 1);
        RequestContext context = new RequestContext(header, "conn", InetAddress.getLoopbackAddress(), Optional.empty(),
                KafkaPrincipal.ANONYMOUS, ListenerName.normalised("PLAINTEXT"), SecurityProtocol.PLAINTEXT,
                ClientInformation.EMPTY, false);
        return new KafkaRequest(context, body);
    }

    /** Produced batches fail as on a full disk; the engine's own writes go to the disk as usual. */
    private record FullDiskAppender(LogAppender local) implements LogAppender {

        @Override
        public CompletableFuture<AppendResult> append(TopicPartition partition, ByteBuffer records) {
            return CompletableFuture.failedFuture(new IOException("No space left on device"));
        }

        @Override
        public CompletableFuture<AppendResult> appendRecords(TopicPartition partition, List<RecordData> records) {
            return local.appendRecords(partition, records);
        }

        @Override
        public CompletableFuture<AppendResult> appendTransactionMarker(TopicPartition partition, long producerId,
                short epoch, TxnMarker marker, int coordinatorEpoch) {
            return local.appendTransactionMarker(partition, producerId, epoch, marker, coordinatorEpoch);
        }
    }
}
