package dev.trilog.kafka.txn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.log.CommittedOffset;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.log.PartitionLog;
import dev.trilog.log.record.RecordData;
import dev.trilog.log.record.RecordFormat;
import dev.trilog.testsupport.TestClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transaction coordinator over a real engine, on a manual clock. */
class TransactionCoordinatorTest {

    private static final TopicPartition TP = new TopicPartition("out", 0);
    private static final TopicPartition INPUT = new TopicPartition("in", 0);

    @TempDir
    Path dataDir;

    private final TestClock clock = TestClock.frozenAt(1_700_000_000_000L);
    private LogEngine engine;
    private TransactionCoordinator coordinator;

    @BeforeEach
    void open() throws Exception {
        engine = LogEngine.open(EngineSettings.of(dataDir).withClock(clock));
        engine.createTopic("out", 1, Map.of());
        engine.createTopic("in", 1, Map.of());
        coordinator = new TransactionCoordinator(engine, new TransactionSettings(60_000, 1_000));
    }

    @AfterEach
    void close() throws Exception {
        engine.close();
    }

    private void reopen() throws Exception {
        engine.close();
        engine = LogEngine.open(EngineSettings.of(dataDir).withClock(clock));
        coordinator = new TransactionCoordinator(engine, new TransactionSettings(60_000, 1_000));
    }

    private PartitionLog out() {
        return engine.partition(TP);
    }

    private void produce(TransactionCoordinator.ProducerIdAndEpoch producer, int sequence, String value) throws Exception {
        engine.appender().append(TP, RecordFormat.buildTransactional(producer.producerId(), producer.epoch(), sequence,
                List.of(RecordData.of(clock.millis(), null, value.getBytes(StandardCharsets.UTF_8))))).join();
    }

    private TransactionCoordinator.ProducerIdAndEpoch init(String id) {
        return coordinator.initProducerId(id, 10_000, -1, (short) -1, true);
    }

    @Test
    void aCommitWritesMarkersAndMakesStagedOffsetsVisible() throws Exception {
        var producer = init("t");
        assertThat(producer.error()).isEqualTo(Errors.NONE);
        assertThat(producer.epoch()).isZero();

        assertThat(coordinator.addPartitions("t", producer.producerId(), producer.epoch(), List.of(TP), true))
                .containsEntry(TP, Errors.NONE);
        produce(producer, 0, "a");
        assertThat(coordinator.addOffsets("t", producer.producerId(), producer.epoch(), "g", true)).isEqualTo(Errors.NONE);
        assertThat(coordinator.commitOffsets("t", producer.producerId(), producer.epoch(), "g",
                Map.of(INPUT, new CommittedOffset(5, -1, "", -1)))).isEqualTo(Errors.NONE);
        assertThat(out().lastStableOffset()).isZero();
        assertThat(coordinator.describe("t").state()).isEqualTo("Ongoing");
        assertThat(engine.groupOffsets().fetch("g", INPUT)).isEmpty();

        assertThat(coordinator.endTransaction("t", producer.producerId(), producer.epoch(), true, true))
                .isEqualTo(Errors.NONE);

        assertThat(out().logEndOffset()).isEqualTo(2); // the record and the COMMIT marker
        assertThat(out().lastStableOffset()).isEqualTo(2);
        assertThat(engine.groupOffsets().fetch("g", INPUT)).map(CommittedOffset::offset).contains(5L);
        assertThat(coordinator.describe("t").state()).isEqualTo("CompleteCommit");
        // a retried EndTxn of the same decision succeeds; the other decision is refused
        assertThat(coordinator.endTransaction("t", producer.producerId(), producer.epoch(), true, true)).isEqualTo(Errors.NONE);
        assertThat(coordinator.endTransaction("t", producer.producerId(), producer.epoch(), false, true))
                .isEqualTo(Errors.INVALID_TXN_STATE);
    }

    @Test
    void aSecondInitFencesTheFirstInstanceAndAbortsItsTransaction() throws Exception {
        var first = init("t");
        coordinator.addPartitions("t", first.producerId(), first.epoch(), List.of(TP), true);
        produce(first, 0, "zombie");
        coordinator.addOffsets("t", first.producerId(), first.epoch(), "g", true);
        coordinator.commitOffsets("t", first.producerId(), first.epoch(), "g", Map.of(INPUT, new CommittedOffset(9, -1, "", -1)));

        var second = init("t");

        assertThat(second.producerId()).isEqualTo(first.producerId());
        assertThat(second.epoch()).isEqualTo((short) 1);
        assertThat(out().lastStableOffset()).isEqualTo(out().logEndOffset());
        assertThat(out().abortedTransactions(0, Long.MAX_VALUE)).hasSize(1);
        assertThat(engine.groupOffsets().fetch("g", INPUT)).isEmpty();
        assertThat(coordinator.endTransaction("t", first.producerId(), first.epoch(), true, true))
                .isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(coordinator.addPartitions("t", first.producerId(), first.epoch(), List.of(TP), false))
                .containsEntry(TP, Errors.INVALID_PRODUCER_EPOCH);
        assertThat(coordinator.commitOffsets("t", first.producerId(), first.epoch(), "g", Map.of()))
                .isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
    }

    @Test
    void aRetriedBumpGetsTheSameAnswerAndAStaleOneIsFenced() {
        var first = init("t");
        var bumped = coordinator.initProducerId("t", 10_000, first.producerId(), first.epoch(), true);
        assertThat(bumped.epoch()).isEqualTo((short) 1);

        var retried = coordinator.initProducerId("t", 10_000, first.producerId(), first.epoch(), true);

        assertThat(retried).isEqualTo(bumped);
        assertThat(coordinator.initProducerId("t", 10_000, first.producerId(), (short) 7, true).error())
                .isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(coordinator.initProducerId("t", 0, -1, (short) -1, true).error())
                .isEqualTo(Errors.INVALID_TRANSACTION_TIMEOUT);
        assertThat(coordinator.initProducerId("t", 60_001, -1, (short) -1, true).error())
                .isEqualTo(Errors.INVALID_TRANSACTION_TIMEOUT);
    }

    @Test
    void unknownPartitionsFailTheWholeAddAndNothingIsAdded() {
        var producer = init("t");
        TopicPartition missing = new TopicPartition("missing", 0);

        Map<TopicPartition, Errors> result = coordinator.addPartitions("t", producer.producerId(), producer.epoch(),
                List.of(TP, missing), true);

        assertThat(result).containsEntry(TP, Errors.OPERATION_NOT_ATTEMPTED)
                .containsEntry(missing, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(coordinator.describe("t").state()).isEqualTo("Empty");
        assertThat(coordinator.verifyPartitions("t", producer.producerId(), producer.epoch(), List.of(TP)))
                .containsEntry(TP, Errors.INVALID_TXN_STATE);
    }

    @Test
    void aTransactionOpenLongerThanItsTimeoutIsAbortedAndItsProducerFenced() throws Exception {
        var producer = init("t");
        coordinator.addPartitions("t", producer.producerId(), producer.epoch(), List.of(TP), true);
        produce(producer, 0, "late");
        clock.advance(9_000);
        coordinator.abortTimedOut();
        assertThat(coordinator.describe("t").state()).isEqualTo("Ongoing");

        clock.advance(2_000);
        coordinator.abortTimedOut();

        assertThat(coordinator.describe("t").state()).isEqualTo("CompleteAbort");
        assertThat(out().lastStableOffset()).isEqualTo(out().logEndOffset());
        assertThat(coordinator.endTransaction("t", producer.producerId(), producer.epoch(), true, true))
                .isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void anOpenTransactionAndItsStagedOffsetsSurviveARestart() throws Exception {
        var producer = init("t");
        coordinator.addPartitions("t", producer.producerId(), producer.epoch(), List.of(TP), true);
        produce(producer, 0, "a");
        coordinator.addOffsets("t", producer.producerId(), producer.epoch(), "g", true);
        coordinator.commitOffsets("t", producer.producerId(), producer.epoch(), "g", Map.of(INPUT, new CommittedOffset(3, -1, "m", -1)));

        reopen();

        assertThat(coordinator.describe("t").state()).isEqualTo("Ongoing");
        assertThat(out().lastStableOffset()).isZero();
        assertThat(engine.groupOffsets().hasPending("g", INPUT)).isTrue();
        assertThat(coordinator.endTransaction("t", producer.producerId(), producer.epoch(), true, true)).isEqualTo(Errors.NONE);
        assertThat(engine.groupOffsets().fetch("g", INPUT)).map(CommittedOffset::offset).contains(3L);
        assertThat(out().lastStableOffset()).isEqualTo(2);
    }

    @Test
    void aPreparedCommitIsCompletedOnStart() throws Exception {
        var producer = init("t");
        coordinator.addPartitions("t", producer.producerId(), producer.epoch(), List.of(TP), true);
        produce(producer, 0, "a");
        coordinator.addOffsets("t", producer.producerId(), producer.epoch(), "g", true);
        // as if the process stopped right after the commit decision was made durable
        TransactionMetadata prepared = new TransactionMetadata("t", producer.producerId(), producer.epoch(), 10_000, clock.millis());
        prepared.state = TxnState.PREPARE_COMMIT;
        prepared.partitions.add(TP);
        prepared.groups.add("g");
        new TransactionLog(engine.transactionStates()).write(prepared,
                Map.of("g", Map.of(INPUT, new CommittedOffset(4, -1, "", clock.millis()))));

        reopen();

        assertThat(coordinator.describe("t").state()).isEqualTo("CompleteCommit");
        assertThat(out().lastStableOffset()).isEqualTo(out().logEndOffset()).isEqualTo(2);
        assertThat(out().abortedTransactions(0, Long.MAX_VALUE)).isEmpty();
        assertThat(engine.groupOffsets().fetch("g", INPUT)).map(CommittedOffset::offset).contains(4L);
    }

    @Test
    void anExhaustedEpochAbortsWithTheOldProducerIdAndThenHandsOutANewOne() throws Exception {
        short nearlyExhausted = Short.MAX_VALUE - 2;
        long oldId = init("t").producerId();
        TransactionMetadata open = new TransactionMetadata("t", oldId, nearlyExhausted, 10_000, clock.millis());
        open.state = TxnState.ONGOING;
        open.startTimeMs = clock.millis();
        open.partitions.add(TP);
        new TransactionLog(engine.transactionStates()).write(open, Map.of());
        reopen();
        produce(new TransactionCoordinator.ProducerIdAndEpoch(Errors.NONE, oldId, nearlyExhausted), 0, "old");
        assertThat(out().lastStableOffset()).isZero();

        var next = init("t");

        assertThat(out().lastStableOffset()).isEqualTo(out().logEndOffset()); // the old id's transaction ended
        assertThat(out().abortedTransactions(0, Long.MAX_VALUE)).extracting(a -> a.producerId()).containsExactly(oldId);
        assertThat(next.producerId()).isNotEqualTo(oldId);
        assertThat(next.epoch()).isZero();
    }

    @Test
    void listFiltersByStateProducerAndPattern() {
        var a = init("alpha");
        init("beta");
        coordinator.addPartitions("alpha", a.producerId(), a.epoch(), List.of(TP), true);

        assertThat(coordinator.list(v -> v.state().equals("Ongoing"))).extracting(TransactionView::transactionalId)
                .containsExactly("alpha");
        assertThat(coordinator.list(v -> true)).hasSize(2);
        assertThat(TransactionCoordinator.isKnownState("Ongoing")).isTrue();
        assertThat(TransactionCoordinator.isKnownState("Bogus")).isFalse();
        assertThat(coordinator.describe("nope")).isNull();
    }
}
