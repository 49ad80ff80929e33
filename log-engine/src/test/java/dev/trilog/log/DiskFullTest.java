package dev.trilog.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.log.record.LogRecord;
import dev.trilog.log.segment.FullDisk;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data disk fills up under a producer (issue 18): appends fail with an {@link IOException}
 * (Kafka's {@code KAFKA_STORAGE_ERROR}), nothing acknowledged is lost, writes work again once
 * space is freed, and the first start after the shutdown opens the log.
 */
class DiskFullTest {

    private static final TopicPartition TP = new TopicPartition("full", 0);
    /** Records per batch: enough bytes that half a batch holds a whole batch header. */
    private static final int RECORDS = 20;

    @TempDir
    Path dataDir;

    @RegisterExtension
    final FullDisk disk = new FullDisk();

    private LogEngine open() throws IOException {
        return LogEngine.open(EngineSettings.of(dataDir));
    }

    /** Appends batches until {@code count} records are acknowledged; values are v<offset>. */
    private static void appendAcknowledged(PartitionLog log, int count) throws IOException {
        for (int i = 0; i < count; i += RECORDS) {
            int first = (int) log.logEndOffset();
            assertThat(log.append(Batches.of(RECORDS, System.currentTimeMillis(), first), true).firstOffset())
                    .isEqualTo(first);
        }
    }

    private static void assertHolds(PartitionLog log, long records) throws IOException, OffsetOutOfRangeException {
        assertThat(log.logEndOffset()).isEqualTo(records);
        long expected = 0;
        while (expected < records) {
            List<LogRecord> read = log.readRecords(expected, 1 << 20);
            assertThat(read).as("records from offset " + expected).isNotEmpty();
            for (LogRecord record : read) {
                assertThat(record.offset()).isEqualTo(expected);
                assertThat(Batches.text(record.value())).isEqualTo("v" + expected);
                expected++;
            }
        }
    }

    /** Appends that fail {@code times}; their batches are {@code records} long. */
    private static void failAppends(PartitionLog log, int times, int records) {
        for (int i = 0; i < times; i++) {
            assertThatThrownBy(() -> log.append(Batches.of(records, System.currentTimeMillis(), 9999), true))
                    .isInstanceOf(IOException.class).hasMessage("No space left on device");
        }
    }

    @Test
    void theFirstStartAfterTheDiskFilledUpOpensTheLogWithEveryAcknowledgedRecord() throws Exception {
        try (LogEngine engine = open()) {
            engine.createTopic(TP.topic(), 1, Map.of());
            PartitionLog log = engine.partition(TP);
            appendAcknowledged(log, 200);
            disk.fill();
            failAppends(log, 3, RECORDS);
            assertThat(log.logEndOffset()).isEqualTo(200);
        }
        disk.free();

        try (LogEngine engine = open()) {
            PartitionLog log = engine.partition(TP);
            assertHolds(log, 200);
            appendAcknowledged(log, RECORDS);
            assertHolds(log, 200 + RECORDS);
        }
    }

    @Test
    void writesWorkAgainOnceSpaceIsFreedWithoutARestart() throws Exception {
        try (LogEngine engine = open()) {
            engine.createTopic(TP.topic(), 1, Map.of());
            PartitionLog log = engine.partition(TP);
            appendAcknowledged(log, 100);
            disk.fill();
            failAppends(log, 5, 5 * RECORDS); // longer than the batches after: overwriting them is not enough
            disk.free();

            appendAcknowledged(log, RECORDS);
            assertHolds(log, 100 + RECORDS);
        }

        try (LogEngine engine = open()) {
            assertHolds(engine.partition(TP), 100 + RECORDS);
        }
    }

    @Test
    void aWriteFailureIsOneFailedPartitionUntilAnAppendIsWrittenAndKeepsTheShutdownFromBeingMarkedClean()
            throws Exception {
        try (LogEngine engine = open()) {
            engine.createTopic(TP.topic(), 1, Map.of());
            PartitionLog log = engine.partition(TP);
            appendAcknowledged(log, 100);
            assertThat(engine.storageFailures().count()).isZero();

            disk.fill();
            failAppends(log, 10, RECORDS);
            assertThat(engine.storageFailures().count()).isEqualTo(1);
            assertThat(engine.storageFailures().failing(TP)).isTrue();

            disk.free();
            appendAcknowledged(log, RECORDS);
            assertThat(engine.storageFailures().count()).isZero();
            assertThat(engine.storageFailures().occurred()).isTrue();
        }

        try (LogEngine engine = open()) {
            assertThat(engine.startedClean()).as("recovery checked what the failed writes left").isFalse();
            assertHolds(engine.partition(TP), 100 + RECORDS);
        }
        try (LogEngine engine = open()) {
            assertThat(engine.startedClean()).as("a run without failures is marked clean again").isTrue();
        }
    }

    @Test
    void aFailedFsyncFailsTheAppendsWaitingForItUntilAnFsyncWorks() throws Exception {
        try (LogEngine engine = open()) {
            engine.createTopic(TP.topic(), 1, Map.of("flush.messages", "1"));
            PartitionLog log = engine.partition(TP);
            log.append(Batches.of(RECORDS, System.currentTimeMillis(), 0), true).durable().get(10, TimeUnit.SECONDS);

            disk.failFsyncs();
            AppendResult unsynced = log.append(Batches.of(RECORDS, System.currentTimeMillis(), RECORDS), true);
            assertThatThrownBy(() -> unsynced.durable().get(10, TimeUnit.SECONDS))
                    .hasRootCauseInstanceOf(IOException.class).hasRootCauseMessage("Input/output error");
            assertThat(engine.storageFailures().failing(TP)).isTrue();

            disk.free();
            log.append(Batches.of(RECORDS, System.currentTimeMillis(), 2 * RECORDS), true).durable()
                    .get(10, TimeUnit.SECONDS);
            assertThat(engine.storageFailures().count()).isZero();
            assertHolds(log, 3 * RECORDS);
        }
    }
}
