package dev.trilog.kafka.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.kafka.KafkaTestApis;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.log.Topic;
import dev.trilog.log.record.RecordData;
import dev.trilog.log.record.RecordFormat;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.TransferableRecords;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetch requests with session ids and epochs, as a Kafka fetcher sends them (KIP-227): full and
 * incremental fetches, forgotten partitions, the session errors, and a full cache.
 */
class FetchSessionsTest {

    private static final short BY_ID = 17;
    private static final short BY_NAME = 12;

    @TempDir
    Path dataDir;

    private LogEngine engine;
    private Topic orders;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong now = new AtomicLong(5_000_000);
    private FetchHandler handler;

    @BeforeEach
    void open() throws Exception {
        engine = LogEngine.open(EngineSettings.of(dataDir));
        orders = engine.createTopic("orders", 3, Map.of());
        handler = handler(1000);
    }

    @AfterEach
    void close() throws Exception {
        timer.shutdownNow();
        engine.close();
    }

    @Test
    void anIncrementalFetchAnswersOnlyThePartitionsWithSomethingNew() throws Exception {
        append(0);
        FetchResponseData full = fetch(BY_ID, 0, 0, offsets(0, 0L, 1, 0L, 2, 0L), List.of());
        int session = full.sessionId();
        assertThat(session).isPositive();
        assertThat(partitions(full)).containsExactly(0, 1, 2);
        FetchResponseData.PartitionData first = full.responses().get(0).partitions().get(0);
        assertThat(first.records()).as("still zero-copy").isInstanceOf(TransferableRecords.class)
                .isNotInstanceOf(MemoryRecords.class);
        assertThat(FetchResponse.recordsSize(first)).isPositive();

        // the consumer moved past partition 0's record: it names only that partition
        FetchResponseData idle = fetch(BY_ID, session, 1, offsets(0, 1L), List.of());
        assertThat(idle.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(idle.sessionId()).isEqualTo(session);
        assertThat(idle.responses()).as("nothing new anywhere").isEmpty();

        append(2);
        FetchResponseData news = fetch(BY_ID, session, 2, offsets(), List.of());
        assertThat(partitions(news)).containsExactly(2);
        FetchResponseData.PartitionData two = news.responses().get(0).partitions().get(0);
        assertThat(news.responses().get(0).topicId()).isEqualTo(orders.id());
        assertThat(two.highWatermark()).isEqualTo(1);
        assertThat(FetchResponse.recordsSize(two)).isPositive();

        assertThat(fetch(BY_ID, session, 3, offsets(2, 1L), List.of()).responses()).isEmpty();
    }

    @Test
    void aChangedLogStartOffsetIsNewsToo() throws Exception {
        append(1);
        append(1);
        int session = fetch(BY_ID, 0, 0, offsets(0, 0L, 1, 2L), List.of()).sessionId();

        engine.deleteRecordsBefore(new TopicPartition("orders", 1), 1);

        FetchResponseData answer = fetch(BY_ID, session, 1, offsets(), List.of());
        assertThat(partitions(answer)).containsExactly(1);
        assertThat(answer.responses().get(0).partitions().get(0).logStartOffset()).isEqualTo(1);
    }

    @Test
    void aForgottenPartitionLeavesTheSessionAndForgettingAllClosesIt() throws Exception {
        int session = fetch(BY_ID, 0, 0, offsets(0, 0L, 1, 0L), List.of()).sessionId();

        assertThat(fetch(BY_ID, session, 1, offsets(), List.of(1)).responses()).isEmpty();
        append(1);
        assertThat(fetch(BY_ID, session, 2, offsets(), List.of()).responses()).as("partition 1 is forgotten").isEmpty();
        append(0);
        assertThat(partitions(fetch(BY_ID, session, 3, offsets(), List.of()))).containsExactly(0);

        FetchResponseData last = fetch(BY_ID, session, 4, offsets(), List.of(0));
        assertThat(last.sessionId()).as("no partitions left: the session closed").isZero();
        assertThat(fetch(BY_ID, session, 5, offsets(), List.of()).errorCode())
                .isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND.code());
    }

    @Test
    void anUnknownSessionAWrongEpochAndTheOtherKindOfTopicNamesAreSessionErrors() throws Exception {
        append(0);
        int session = fetch(BY_ID, 0, 0, offsets(0, 0L), List.of()).sessionId();

        FetchResponseData unknown = fetch(BY_ID, session + 1, 1, offsets(), List.of());
        assertThat(unknown.errorCode()).isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND.code());
        assertThat(unknown.sessionId()).isZero();
        assertThat(unknown.responses()).isEmpty();

        assertThat(fetch(BY_ID, session, 1, offsets(), List.of()).errorCode()).isEqualTo(Errors.NONE.code());
        FetchResponseData replayed = fetch(BY_ID, session, 1, offsets(), List.of());
        assertThat(replayed.errorCode()).isEqualTo(Errors.INVALID_FETCH_SESSION_EPOCH.code());
        assertThat(replayed.responses()).isEmpty();

        assertThat(fetch(BY_NAME, session, 2, offsets(), List.of()).errorCode())
                .as("a session of topic IDs asked by name").isEqualTo(Errors.FETCH_SESSION_TOPIC_ID_ERROR.code());
        assertThat(fetch(BY_ID, session, 2, offsets(), List.of()).errorCode())
                .as("the session survives its errors").isEqualTo(Errors.NONE.code());
    }

    @Test
    void theFinalEpochClosesTheSessionAndAnswersWithoutOne() throws Exception {
        append(0);
        int session = fetch(BY_ID, 0, 0, offsets(0, 0L), List.of()).sessionId();

        FetchResponseData closing = fetch(BY_ID, session, FetchMetadata.FINAL_EPOCH, offsets(0, 0L), List.of());

        assertThat(closing.sessionId()).isZero();
        assertThat(partitions(closing)).containsExactly(0);
        assertThat(fetch(BY_ID, session, 1, offsets(), List.of()).errorCode())
                .isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND.code());
    }

    @Test
    void sessionsByTopicNameWorkTheSameBeforeFetchV13() throws Exception {
        int session = fetch(BY_NAME, 0, 0, offsets(0, 0L, 2, 0L), List.of()).sessionId();
        assertThat(session).isPositive();
        append(2);

        FetchResponseData news = fetch(BY_NAME, session, 1, offsets(), List.of());

        assertThat(news.responses()).singleElement().satisfies(t -> assertThat(t.topic()).isEqualTo("orders"));
        assertThat(partitions(news)).containsExactly(2);
    }

    @Test
    void aFullCacheAnswersAFullFetchWithoutASessionUntilAnOldSessionIsStale() throws Exception {
        handler = handler(1);
        int first = fetch(BY_ID, 0, 0, offsets(0, 0L), List.of()).sessionId();
        assertThat(first).isPositive();

        assertThat(fetch(BY_ID, 0, 0, offsets(1, 0L), List.of()).sessionId()).as("no room").isZero();

        now.addAndGet(FetchSessionCache.EVICTION_MS + 1);
        int second = fetch(BY_ID, 0, 0, offsets(1, 0L), List.of()).sessionId();
        assertThat(second).isPositive();
        assertThat(fetch(BY_ID, first, 1, offsets(), List.of()).errorCode()).as("evicted")
                .isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND.code());
    }

    @Test
    void fetchBeforeV7HasNoSessions() throws Exception {
        append(0);
        FetchResponseData answer = fetch((short) 4, 0, FetchMetadata.FINAL_EPOCH, offsets(0, 0L), List.of());
        assertThat(answer.sessionId()).isZero();
        assertThat(partitions(answer)).containsExactly(0);
    }

    private FetchHandler handler(int slots) {
        KafkaContext context = new KafkaContext(engine, 0, false, 1, new InetSocketAddress("127.0.0.1", 9092), timer);
        return new FetchHandler(context, new FetchSessions(new FetchSessionCache(slots, FetchSessionCache.EVICTION_MS,
                now::get)));
    }

    private void append(int partition) {
        engine.appender().append(new TopicPartition("orders", partition), RecordFormat.build(0, "none",
                List.of(RecordData.of(System.currentTimeMillis(), null, new byte[10])))).join();
    }

    /** Partition → fetch offset, in order. */
    private static Map<Integer, Long> offsets(Object... pairs) {
        Map<Integer, Long> offsets = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            offsets.put((Integer) pairs[i], (Long) pairs[i + 1]);
        }
        return offsets;
    }

    /** One fetch of "orders" that does not wait, named by ID from v13 and by name before. */
    private FetchResponseData fetch(short version, int sessionId, int epoch, Map<Integer, Long> offsets,
            List<Integer> forget) {
        boolean byId = version >= 13;
        FetchRequestData data = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(1)
                .setMaxBytes(1 << 20).setSessionId(sessionId).setSessionEpoch(epoch);
        if (!offsets.isEmpty()) {
            List<FetchRequestData.FetchPartition> partitions = new ArrayList<>();
            offsets.forEach((p, offset) -> partitions.add(new FetchRequestData.FetchPartition().setPartition(p)
                    .setFetchOffset(offset).setPartitionMaxBytes(1 << 20)));
            FetchRequestData.FetchTopic topic = new FetchRequestData.FetchTopic().setPartitions(partitions);
            data.topics().add(byId ? topic.setTopicId(orders.id()) : topic.setTopic("orders"));
        }
        if (!forget.isEmpty()) {
            FetchRequestData.ForgottenTopic forgotten = new FetchRequestData.ForgottenTopic().setPartitions(forget);
            data.forgottenTopicsData().add(byId ? forgotten.setTopicId(orders.id()) : forgotten.setTopic("orders"));
        }
        FetchRequest request = new FetchRequest(data, version);
        var reply = handler.handle(KafkaTestApis.request(request)).join();
        reply.closeResources();
        return ((FetchResponse) reply.response()).data();
    }

    private static List<Integer> partitions(FetchResponseData response) {
        return response.responses().stream().flatMap(t -> t.partitions().stream())
                .map(FetchResponseData.PartitionData::partitionIndex).toList();
    }
}
