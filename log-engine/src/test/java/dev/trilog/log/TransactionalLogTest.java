package dev.trilog.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.log.durability.GroupCommitFlusher;
import dev.trilog.log.producer.ProducerStates;
import dev.trilog.log.record.BatchError;
import dev.trilog.log.record.InvalidBatchException;
import dev.trilog.log.record.LogRecord;
import dev.trilog.log.record.RecordData;
import dev.trilog.log.record.RecordFormat;
import dev.trilog.log.record.TxnMarker;
import dev.trilog.log.segment.AbortedTransaction;
import dev.trilog.log.segment.SegmentFiles;
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

/** Transactions in one partition: markers, the last stable offset, the aborted-transaction index, recovery. */
class TransactionalLogTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final long PID = 7;
    private static final long OTHER = 8;

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
        log = PartitionLog.open(new TopicPartition("txn", 0), dir,
                LogConfig.defaults().withOverrides(Map.of("segment.bytes", "2048")), clock, Runnable::run, flusher, clean);
    }

    private static ByteBuffer txnBatch(long pid, short epoch, int sequence, String... values) {
        List<RecordData> data = new ArrayList<>();
        for (String v : values) {
            data.add(RecordData.of(T0, null, Batches.bytes(v)));
        }
        return RecordFormat.buildTransactional(pid, epoch, sequence, data);
    }

    /** The values a read_committed consumer would keep: below the LSO, without aborted transactions' records. */
    private List<String> committedValues() throws Exception {
        List<String> values = new ArrayList<>();
        long offset = log.logStartOffset();
        while (true) {
            ByteBuffer bytes;
            long lastStable = log.lastStableOffset();
            try (LogSlice slice = log.readCommitted(offset, 1 << 20, true, lastStable)) {
                if (slice.isEmpty()) {
                    return values;
                }
                bytes = slice.readBytes();
            }
            List<AbortedTransaction> aborted = log.abortedTransactions(offset, lastStable);
            for (LogRecord record : RecordFormat.decode(bytes, offset)) {
                boolean dropped = aborted.stream().anyMatch(a -> record.offset() >= a.firstOffset()
                        && record.offset() < a.lastOffset() && producerOf(bytes, record.offset()) == a.producerId());
                if (!dropped) {
                    values.add(Batches.text(record.value()));
                }
                offset = record.offset() + 1;
            }
            offset = Math.max(offset, lastOffset(bytes) + 1);
        }
    }

    private static long producerOf(ByteBuffer batches, long offset) {
        int position = 0;
        while (position < batches.limit()) {
            var header = RecordFormat.readHeader(batches, position);
            if (offset >= header.baseOffset() && offset <= header.lastOffset()) {
                return header.producerId();
            }
            position += header.sizeInBytes();
        }
        return -1;
    }

    private static long lastOffset(ByteBuffer batches) {
        long last = -1;
        int position = 0;
        while (position + 61 <= batches.limit()) {
            var header = RecordFormat.readHeader(batches, position);
            last = header.lastOffset();
            position += header.sizeInBytes();
        }
        return last;
    }

    @Test
    void anOpenTransactionHoldsTheLastStableOffsetAtItsFirstRecord() throws Exception {
        open(true);
        log.append(Batches.of(2, T0), true);
        long first = log.append(txnBatch(PID, (short) 0, 0, "t1", "t2"), true).firstOffset();
        log.append(Batches.of(1, T0, 5), true);

        assertThat(log.lastStableOffset()).isEqualTo(first);
        assertThat(log.highWatermark()).isEqualTo(5);
        assertThat(committedValues()).containsExactly("v0", "v1");
        try (LogSlice atLso = log.readCommitted(first, 1 << 20, true, log.lastStableOffset())) {
            assertThat(atLso.isEmpty()).isTrue();
        }

        long marker = log.appendTransactionMarker(PID, (short) 0, TxnMarker.COMMIT, 0).firstOffset();

        assertThat(marker).isEqualTo(5);
        assertThat(log.lastStableOffset()).isEqualTo(log.logEndOffset()).isEqualTo(6);
        assertThat(committedValues()).containsExactly("v0", "v1", "t1", "t2", "v5");
        assertThat(log.abortedTransactions(0, 6)).isEmpty();
        assertThat(RecordFormat.decode(log.read(0, 1 << 20, true).readBytes(), 0)).hasSize(5); // the marker is no record
    }

    @Test
    void anAbortedTransactionIsIndexedAndItsRecordsAreDroppedByReadCommitted() throws Exception {
        open(true);
        long first = log.append(txnBatch(PID, (short) 0, 0, "a1"), true).firstOffset();
        log.append(txnBatch(OTHER, (short) 0, 0, "c1"), true);
        log.append(txnBatch(PID, (short) 0, 1, "a2"), true);
        long abortMarker = log.appendTransactionMarker(PID, (short) 0, TxnMarker.ABORT, 0).firstOffset();

        assertThat(log.lastStableOffset()).isEqualTo(1); // OTHER's transaction is still open
        log.appendTransactionMarker(OTHER, (short) 0, TxnMarker.COMMIT, 0);

        assertThat(log.abortedTransactions(0, log.lastStableOffset()))
                .containsExactly(new AbortedTransaction(PID, first, abortMarker, 1));
        assertThat(log.abortedTransactions(abortMarker + 1, log.lastStableOffset())).isEmpty();
        assertThat(committedValues()).containsExactly("c1");
        assertThat(Batches.values(log.readRecords(0, 1 << 20))).containsExactly("a1", "c1", "a2");
    }

    @Test
    void aMarkerOfANewerEpochFencesTheOldProducerAndAnOlderMarkerIsRefused() throws Exception {
        open(true);
        log.append(txnBatch(PID, (short) 3, 0, "x"), true);
        log.appendTransactionMarker(PID, (short) 4, TxnMarker.ABORT, 0);

        assertThatThrownBy(() -> log.append(txnBatch(PID, (short) 3, 1, "zombie"), true))
                .isInstanceOfSatisfying(InvalidBatchException.class,
                        e -> assertThat(e.error()).isEqualTo(BatchError.INVALID_PRODUCER_EPOCH));
        assertThatThrownBy(() -> log.appendTransactionMarker(PID, (short) 3, TxnMarker.COMMIT, 0))
                .isInstanceOf(InvalidBatchException.class);
        assertThat(log.append(txnBatch(PID, (short) 4, 0, "new"), true).firstOffset()).isEqualTo(2);
    }

    @Test
    void openTransactionsAndTheAbortIndexSurviveACleanRestart() throws Exception {
        open(true);
        log.append(txnBatch(PID, (short) 0, 0, "a"), true);
        log.appendTransactionMarker(PID, (short) 0, TxnMarker.ABORT, 0);
        long open = log.append(txnBatch(OTHER, (short) 0, 0, "b"), true).firstOffset();
        log.close();

        open(true);

        assertThat(log.lastStableOffset()).isEqualTo(open);
        assertThat(log.abortedTransactions(0, 10)).containsExactly(new AbortedTransaction(PID, 0, 1, 2));
        log.appendTransactionMarker(OTHER, (short) 0, TxnMarker.COMMIT, 0);
        assertThat(committedValues()).containsExactly("b");
    }

    @Test
    void recoveryRebuildsOpenTransactionsAndTheAbortIndexFromTheLog() throws Exception {
        open(true);
        for (int i = 0; i < 30; i++) { // several segments, each transaction aborted
            log.append(txnBatch(PID, (short) 0, i, "a" + i), true);
            log.appendTransactionMarker(PID, (short) 0, TxnMarker.ABORT, 0);
        }
        long open = log.append(txnBatch(OTHER, (short) 0, 0, "open"), true).firstOffset();
        List<AbortedTransaction> before = log.abortedTransactions(0, Long.MAX_VALUE);
        log.close();
        Files.delete(dir.resolve(ProducerStates.SNAPSHOT_FILE));
        for (long base : List.of(0L)) {
            Files.deleteIfExists(SegmentFiles.txnIndex(dir, base));
        }

        open(false);

        assertThat(log.segmentCount()).isGreaterThan(1);
        assertThat(before).hasSize(30);
        assertThat(log.abortedTransactions(0, Long.MAX_VALUE)).containsExactlyElementsOf(before);
        assertThat(log.lastStableOffset()).isEqualTo(open);
        assertThat(committedValues()).isEmpty();
    }

    @Test
    void offsetsStagedInATransactionAreVisibleOnlyOnceItCommits() throws Exception {
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dir.resolve("engine")).withClock(clock))) {
            GroupOffsetStore offsets = engine.groupOffsets();
            TopicPartition tp = new TopicPartition("in", 0);
            offsets.stagePending(PID, "g", Map.of(tp, new CommittedOffset(10, -1, "", T0)));

            assertThat(offsets.fetch("g", tp)).isEmpty();
            assertThat(offsets.hasPending("g", tp)).isTrue();
            offsets.completePending(PID, true);
            assertThat(offsets.fetch("g", tp)).map(CommittedOffset::offset).contains(10L);
            assertThat(offsets.hasPending("g", tp)).isFalse();

            offsets.stagePending(PID, "g", Map.of(tp, new CommittedOffset(20, -1, "", T0)));
            offsets.completePending(PID, false);
            assertThat(offsets.fetch("g", tp)).map(CommittedOffset::offset).contains(10L);
            assertThat(offsets.pending(PID)).isEmpty();
        }
    }
}
