package dev.trilog.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.log.durability.GroupCommitFlusher;
import dev.trilog.log.producer.ProducerStates;
import dev.trilog.log.record.BatchError;
import dev.trilog.log.record.InvalidBatchException;
import dev.trilog.log.record.RecordData;
import dev.trilog.log.record.RecordFormat;
import dev.trilog.testsupport.TestClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdempotentProducerTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final long PID = 42;

    @TempDir
    Path dir;

    private final TestClock clock = TestClock.frozenAt(T0);
    private final GroupCommitFlusher flusher = new GroupCommitFlusher();
    private PartitionLog log;

    @AfterEach
    void close() throws Exception {
        if (log != null) {
            log.close();
        }
        flusher.close();
    }

    private void open(boolean clean) throws IOException {
        log = PartitionLog.open(new TopicPartition("idem", 0), dir,
                LogConfig.defaults().withOverrides(Map.of("segment.bytes", "1024")), clock, Runnable::run, flusher, clean);
    }

    private static ByteBuffer batch(short epoch, int sequence, int records) {
        List<RecordData> data = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            data.add(RecordData.of(T0, null, Batches.bytes("s" + (sequence + i))));
        }
        return RecordFormat.buildIdempotent(PID, epoch, sequence, data);
    }

    @Test
    void aRetriedBatchGetsItsOriginalOffsetsAndIsNotWrittenTwice() throws Exception {
        open(true);
        AppendResult first = log.append(batch((short) 0, 0, 3), true);
        log.append(batch((short) 0, 3, 2), true);

        AppendResult retry = log.append(batch((short) 0, 0, 3), true);

        assertThat(retry.firstOffset()).isEqualTo(first.firstOffset());
        assertThat(retry.lastOffset()).isEqualTo(first.lastOffset());
        assertThat(log.logEndOffset()).isEqualTo(5);
    }

    @Test
    void aSequenceGapIsOutOfOrder() throws Exception {
        open(true);
        log.append(batch((short) 0, 0, 3), true);

        assertThatThrownBy(() -> log.append(batch((short) 0, 5, 1), true))
                .isInstanceOfSatisfying(InvalidBatchException.class,
                        e -> assertThat(e.error()).isEqualTo(BatchError.OUT_OF_ORDER_SEQUENCE));
        assertThat(log.logEndOffset()).isEqualTo(3);
    }

    @Test
    void anOlderEpochIsFencedAndANewEpochStartsAtZero() throws Exception {
        open(true);
        log.append(batch((short) 1, 0, 1), true);

        assertThatThrownBy(() -> log.append(batch((short) 0, 1, 1), true))
                .isInstanceOfSatisfying(InvalidBatchException.class,
                        e -> assertThat(e.error()).isEqualTo(BatchError.INVALID_PRODUCER_EPOCH));
        assertThatThrownBy(() -> log.append(batch((short) 2, 7, 1), true))
                .isInstanceOfSatisfying(InvalidBatchException.class,
                        e -> assertThat(e.error()).isEqualTo(BatchError.OUT_OF_ORDER_SEQUENCE));
        assertThat(log.append(batch((short) 2, 0, 1), true).firstOffset()).isEqualTo(1);
    }

    @Test
    void anUnknownProducerMayStartAtAnySequence() throws Exception {
        open(true);

        assertThat(log.append(batch((short) 3, 1000, 2), true).firstOffset()).isZero();
    }

    @Test
    void onlyTheLastFiveBatchesAreRecognisedAsRetries() throws Exception {
        open(true);
        for (int i = 0; i < 6; i++) {
            log.append(batch((short) 0, i, 1), true);
        }

        assertThat(log.append(batch((short) 0, 5, 1), true).firstOffset()).isEqualTo(5);
        assertThatThrownBy(() -> log.append(batch((short) 0, 0, 1), true)).isInstanceOf(InvalidBatchException.class);
    }

    @Test
    void producerStateSurvivesACleanRestartFromItsSnapshot() throws Exception {
        open(true);
        AppendResult first = log.append(batch((short) 0, 0, 2), true);
        log.close();
        assertThat(Files.exists(dir.resolve(ProducerStates.SNAPSHOT_FILE))).isTrue();

        open(true);

        assertThat(log.append(batch((short) 0, 0, 2), true).firstOffset()).isEqualTo(first.firstOffset());
        assertThatThrownBy(() -> log.append(batch((short) 0, 9, 1), true)).isInstanceOf(InvalidBatchException.class);
    }

    @Test
    void producerStateIsRebuiltFromTheLogWithoutASnapshot() throws Exception {
        open(true);
        long last = -1;
        for (int i = 0; i < 40; i++) { // several segments
            last = log.append(batch((short) 0, i * 2, 2), true).firstOffset();
        }
        log.close();
        Files.delete(dir.resolve(ProducerStates.SNAPSHOT_FILE));

        open(false);

        assertThat(log.segmentCount()).isGreaterThan(1);
        assertThat(log.append(batch((short) 0, 78, 2), true).firstOffset()).isEqualTo(last);
        assertThat(log.append(batch((short) 0, 80, 1), true).firstOffset()).isEqualTo(80);
    }
}
