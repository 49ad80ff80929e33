package dev.trilog.kafka.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.kafka.protocol.Reply;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.log.PartitionLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FetchResponseData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fetch purgatory: when a waiting fetch answers, and that the reads it does not send are released. */
class DelayedFetchTest {

    @TempDir
    Path dataDir;

    private LogEngine engine;
    private PartitionLog log;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong available = new AtomicLong();
    private final AtomicInteger released = new AtomicInteger();
    private final List<FetchAttempt> reads = new ArrayList<>();

    @BeforeEach
    void openEngine() throws Exception {
        engine = LogEngine.open(EngineSettings.of(dataDir));
        engine.createTopic("t", 1, Map.of());
        log = engine.partition(new TopicPartition("t", 0));
    }

    @AfterEach
    void close() throws Exception {
        timer.shutdownNow();
        engine.close();
    }

    @Test
    void dataThatArrivedBeforeTheListenersAnswersAtOnce() throws Exception {
        available.set(10);

        Reply reply = fetch(10, 60_000).get(10, TimeUnit.SECONDS);

        assertThat(reply.response()).isNotNull();
        assertThat(released.get()).isZero();
    }

    @Test
    void theDeadlineAnswersWithWhateverIsThereAndReleasesTheReadsItDropped() throws Exception {
        available.set(3);

        fetch(10, 50).get(10, TimeUnit.SECONDS);

        // the check queued at start read 3 bytes, too few: dropped and released; the deadline's read is sent
        assertThat(reads).hasSizeGreaterThanOrEqualTo(1);
        assertThat(released.get()).isEqualTo(reads.size() - 1);
    }

    private CompletableFuture<Reply> fetch(int minBytes, int maxWaitMs) {
        return new DelayedFetch(List.of(log), this::read, minBytes, timer).start(maxWaitMs);
    }

    private synchronized FetchAttempt read() {
        AutoCloseable slice = released::incrementAndGet;
        FetchAttempt attempt = new FetchAttempt(new FetchResponseData(), List.of(slice), available.get(), false,
                new FetchSessions.Sessionless(List.of()));
        reads.add(attempt);
        return attempt;
    }
}
