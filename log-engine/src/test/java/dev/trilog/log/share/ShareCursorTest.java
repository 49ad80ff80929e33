package dev.trilog.log.share;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.log.Batches;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.log.AppendResult;
import dev.trilog.log.LogAppender;
import dev.trilog.log.record.LogRecord;
import dev.trilog.log.record.RecordData;
import dev.trilog.log.record.RecordFormat;
import dev.trilog.log.record.TxnMarker;
import dev.trilog.testsupport.TestClock;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShareCursorTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final TopicPartition TP = new TopicPartition("q", 0);
    private static final long LOCK = 30_000;

    @TempDir
    Path dataDir;

    private final TestClock clock = TestClock.frozenAt(T0);
    private final List<Long> archived = new ArrayList<>();
    private LogEngine engine;

    @BeforeEach
    void open() throws Exception {
        engine = LogEngine.open(EngineSettings.of(dataDir).withClock(clock));
        engine.createTopic("q", 1, Map.of());
    }

    @AfterEach
    void close() throws Exception {
        engine.close();
    }

    private ShareCursor cursor(int maxDeliveries, ShareGroupSettings.LimitCounts counts, DeliveryPolicy policy)
            throws Exception {
        return engine.shareCursor(TP, "g", new ShareGroupSettings(maxDeliveries, counts, 1000), policy,
                (group, offset, reason) -> archived.add(offset));
    }

    private ShareCursor cursor() throws Exception {
        return cursor(5, ShareGroupSettings.LimitCounts.ACQUISITIONS, DeliveryPolicy.NONE);
    }

    private void publish(int count) throws Exception {
        for (int i = 0; i < count; i++) {
            engine.appender().append(TP, Batches.of(1, clock.millis(), i)).join();
        }
    }

    private static List<Long> offsets(List<Delivery> deliveries) {
        return deliveries.stream().map(Delivery::offset).toList();
    }

    @Test
    void acquiresInOffsetOrderAndNeverHandsOutAnAcquiredRecordTwice() throws Exception {
        publish(5);
        ShareCursor cursor = cursor();

        assertThat(offsets(cursor.acquire("a", 3, 1 << 20, LOCK))).containsExactly(0L, 1L, 2L);
        assertThat(offsets(cursor.acquire("b", 10, 1 << 20, LOCK))).containsExactly(3L, 4L);
        assertThat(cursor.acquire("c", 10, 1 << 20, LOCK)).isEmpty();
        assertThat(cursor.counts().acquired()).isEqualTo(5);
    }

    @Test
    void acknowledgedRecordsAreDoneAndTheStartMovesPastThem() throws Exception {
        publish(3);
        ShareCursor cursor = cursor();
        List<Delivery> got = cursor.acquire("a", 3, 1 << 20, LOCK);

        assertThat(cursor.acknowledge(1, got.get(1).acquisitions()).join()).isEqualTo(Outcome.OK);
        assertThat(cursor.startOffset()).isZero();
        assertThat(cursor.acknowledge(0, 1).join()).isEqualTo(Outcome.OK);

        assertThat(cursor.startOffset()).isEqualTo(2);
        assertThat(cursor.acknowledge(0, 1).join()).isEqualTo(Outcome.UNKNOWN);
    }

    @Test
    void aBatchOfAcknowledgementsSettlesEachAndReportsEachOutcome() throws Exception {
        publish(4);
        ShareCursor cursor = cursor();
        List<Delivery> got = cursor.acquire("a", 4, 1 << 20, LOCK);
        cursor.acknowledge(2, 1).join();

        List<Outcome> outcomes = cursor.acknowledgeAll(got).join();

        assertThat(outcomes).containsExactly(Outcome.OK, Outcome.OK, Outcome.UNKNOWN, Outcome.OK);
        assertThat(cursor.startOffset()).isEqualTo(4);
    }

    @Test
    void releaseKeepsTheFailedCountAndReleaseFailedRaisesIt() throws Exception {
        publish(2);
        ShareCursor cursor = cursor(10, ShareGroupSettings.LimitCounts.FAILED_DELIVERIES, DeliveryPolicy.NONE);
        cursor.acquire("a", 2, 1 << 20, LOCK);

        assertThat(cursor.release(0, 1)).isEqualTo(Outcome.OK);
        assertThat(cursor.releaseFailed(1, 1)).isEqualTo(Outcome.OK);

        List<Delivery> again = cursor.acquire("a", 2, 1 << 20, LOCK);
        assertThat(again).extracting(Delivery::acquisitions).containsExactly(2, 2);
        assertThat(again).extracting(Delivery::failedDeliveries).containsExactly(0, 1);
    }

    @Test
    void aStaleAcquisitionCannotSettleARecordAcquiredAgain() throws Exception {
        publish(1);
        ShareCursor cursor = cursor();
        cursor.acquire("a", 1, 1 << 20, LOCK);
        clock.advance(LOCK + 1);
        cursor.acquire("b", 1, 1 << 20, LOCK);

        assertThat(cursor.acknowledge(0, 1).join()).isEqualTo(Outcome.STALE);
        assertThat(cursor.acknowledge(0, 2).join()).isEqualTo(Outcome.OK);
    }

    @Test
    void anExpiredLockMakesTheRecordAvailableWithItsCount() throws Exception {
        publish(1);
        ShareCursor cursor = cursor();
        cursor.acquire("a", 1, 1 << 20, LOCK);

        clock.advance(LOCK - 1);
        assertThat(cursor.acquire("b", 1, 1 << 20, LOCK)).isEmpty();
        clock.advance(2);
        assertThat(cursor.acquire("b", 1, 1 << 20, LOCK)).singleElement()
                .satisfies(d -> assertThat(d.acquisitions()).isEqualTo(2));
        assertThat(cursor.release(0, 1)).isEqualTo(Outcome.STALE);
    }

    @Test
    void anAcknowledgeAfterTheLockRanOutCountsOnlyWhenAskedAndOnlyIfNobodyTookTheRecordSince() throws Exception {
        publish(2);
        ShareCursor cursor = cursor();
        cursor.acquire("a", 2, 1 << 20, LOCK);
        clock.advance(LOCK + 1);

        // Kafka / AMQP: the lock is gone, so is the right to acknowledge
        assertThat(cursor.acknowledge(0, 1).join()).isEqualTo(Outcome.NOT_ACQUIRED);
        // SQS DeleteMessage with the latest receipt handle: still deletes
        assertThat(cursor.acknowledge(0, 1, true).join()).isEqualTo(Outcome.OK);
        assertThat(offsets(cursor.acquire("b", 5, 1 << 20, LOCK))).containsExactly(1L);
        // once another consumer took it, the old handle is stale either way
        assertThat(cursor.acknowledge(1, 1, true).join()).isEqualTo(Outcome.STALE);
        assertThat(cursor.counts().available()).isZero();
        assertThat(cursor.counts().acquired()).isEqualTo(1);
    }

    @Test
    void extendLockMovesTheDeadlineAndZeroMakesItAvailableNow() throws Exception {
        publish(2);
        ShareCursor cursor = cursor();
        cursor.acquire("a", 2, 1 << 20, LOCK);

        assertThat(cursor.extendLock(0, 1, T0 + 10 * LOCK)).isEqualTo(Outcome.OK);
        assertThat(cursor.extendLock(1, 1, clock.millis())).isEqualTo(Outcome.OK);
        clock.advance(LOCK + 1);

        assertThat(offsets(cursor.acquire("b", 5, 1 << 20, LOCK))).containsExactly(1L);
    }

    @Test
    void theDeliveryLimitArchivesAndTheLastAttemptGoesAlone() throws Exception {
        publish(3);
        ShareCursor cursor = cursor(2, ShareGroupSettings.LimitCounts.ACQUISITIONS, DeliveryPolicy.NONE);
        cursor.acquire("a", 3, 1 << 20, LOCK);
        cursor.release(0, 1);
        cursor.release(1, 1);
        cursor.release(2, 1);

        // each is now on its last allowed attempt: handed out one at a time
        assertThat(offsets(cursor.acquire("a", 3, 1 << 20, LOCK))).containsExactly(0L);
        assertThat(cursor.release(0, 2)).isEqualTo(Outcome.OK);
        assertThat(archived).containsExactly(0L);
        assertThat(cursor.counts().archived()).isEqualTo(1);
        assertThat(offsets(cursor.acquire("a", 3, 1 << 20, LOCK))).containsExactly(1L);
    }

    @Test
    void rejectArchivesAtOnce() throws Exception {
        publish(1);
        ShareCursor cursor = cursor();
        cursor.acquire("a", 1, 1 << 20, LOCK);

        assertThat(cursor.reject(0, 1).join()).isEqualTo(Outcome.OK);

        assertThat(archived).containsExactly(0L);
        assertThat(cursor.startOffset()).isEqualTo(1);
    }

    @Test
    void aLostConsumersRecordsGoBackToOthers() throws Exception {
        publish(4);
        ShareCursor cursor = cursor();
        cursor.acquire("a", 2, 1 << 20, LOCK);
        cursor.acquire("b", 2, 1 << 20, LOCK);

        assertThat(cursor.releaseAll("a")).isEqualTo(2);

        assertThat(offsets(cursor.acquire("c", 10, 1 << 20, LOCK))).containsExactly(0L, 1L);
    }

    @Test
    void delayedRecordsWaitForTheirTimeWithoutBlockingLaterOnes() throws Exception {
        DeliveryPolicy delayByHeader = new DeliveryPolicy() {
            @Override
            public long notBefore(LogRecord record) {
                return record.headers().isEmpty() ? 0 : Long.parseLong(new String(record.headers().get(0).value()));
            }

            @Override
            public String orderingKey(LogRecord record) {
                return null;
            }
        };
        engine.appender().append(TP, RecordFormat.build(0, "none", List.of(new RecordData(T0, null, Batches.bytes("late"),
                List.of(new LogRecord.Header("nb", Batches.bytes(Long.toString(T0 + 60_000)))))))).join();
        publish(1);
        ShareCursor cursor = cursor(5, ShareGroupSettings.LimitCounts.ACQUISITIONS, delayByHeader);

        assertThat(offsets(cursor.acquire("a", 10, 1 << 20, LOCK))).containsExactly(1L);
        assertThat(cursor.counts().delayed()).isEqualTo(1);
        cursor.acknowledge(1, 1).join();
        clock.advance(60_000);
        assertThat(offsets(cursor.acquire("a", 10, 1 << 20, LOCK))).containsExactly(0L);
    }

    @Test
    void aFifoGroupHasOneRecordInFlightAndKeepsItsOrder() throws Exception {
        DeliveryPolicy byKey = new DeliveryPolicy() {
            @Override
            public long notBefore(LogRecord record) {
                return 0;
            }

            @Override
            public String orderingKey(LogRecord record) {
                return Batches.text(record.key());
            }
        };
        for (String key : List.of("x", "x", "y", "x", "y")) {
            engine.appender().append(TP, Batches.keyed(T0, key, "v")).join();
        }
        ShareCursor cursor = cursor(5, ShareGroupSettings.LimitCounts.ACQUISITIONS, byKey);

        assertThat(offsets(cursor.acquire("a", 10, 1 << 20, LOCK))).containsExactly(0L, 2L);
        assertThat(offsets(cursor.acquire("b", 10, 1 << 20, LOCK))).isEmpty();
        cursor.release(0, 1); // x's head goes back: x stays in order, 1 must not overtake 0
        assertThat(offsets(cursor.acquire("b", 10, 1 << 20, LOCK))).containsExactly(0L);
        cursor.acknowledge(0, 2).join();
        cursor.acknowledge(2, 1).join();
        assertThat(offsets(cursor.acquire("b", 10, 1 << 20, LOCK))).containsExactly(1L, 4L);
    }

    @Test
    void aFullInFlightWindowAnswersNoneNow() throws Exception {
        publish(20);
        ShareCursor cursor = engine.shareCursor(TP, "small", new ShareGroupSettings(5,
                ShareGroupSettings.LimitCounts.ACQUISITIONS, 8), DeliveryPolicy.NONE, ArchiveListener.NONE);

        assertThat(cursor.acquire("a", 100, 1 << 20, LOCK)).hasSize(8);
        assertThat(cursor.acquire("a", 100, 1 << 20, LOCK)).isEmpty();
        cursor.acknowledge(0, 1).join();
        assertThat(offsets(cursor.acquire("a", 100, 1 << 20, LOCK))).containsExactly(8L);
    }

    @Test
    void lagCountsWhatIsNotDoneFromTheStartToTheEndAcrossARestart() throws Exception {
        publish(6);
        ShareCursor cursor = cursor();
        assertThat(cursor.lag()).as("nothing read yet").isEqualTo(6);
        cursor.acquire("a", 4, 1 << 20, LOCK);
        assertThat(cursor.lag()).as("acquired records are not done").isEqualTo(6);
        cursor.acknowledge(0, 1).join();
        cursor.acknowledge(2, 1).join();
        cursor.reject(3, 1).join();
        assertThat(cursor.lag()).as("offsets 1, 4 and 5").isEqualTo(3);
        engine.close();

        engine = LogEngine.open(EngineSettings.of(dataDir).withClock(clock));
        ShareCursor reopened = cursor();
        assertThat(reopened.lag()).as("done offsets the reopened cursor has not read again").isEqualTo(3);
        publish(2);
        assertThat(reopened.lag()).isEqualTo(5);
    }

    /** Counts the share-state journal's writes from now on. */
    private AtomicInteger countStateWrites() {
        AtomicInteger stateWrites = new AtomicInteger();
        engine.replaceAppender(local -> new LogAppender() { // counts the share-state journal's writes
            @Override
            public CompletableFuture<AppendResult> append(TopicPartition partition, ByteBuffer records) {
                return local.append(partition, records);
            }

            @Override
            public CompletableFuture<AppendResult> appendRecords(TopicPartition partition, List<RecordData> records) {
                return local.appendRecords(partition, records);
            }

            @Override
            public CompletableFuture<AppendResult> appendRecordsIfServing(TopicPartition partition,
                    List<RecordData> records) {
                if (partition.topic().equals("__trilog_share_state")) {
                    stateWrites.incrementAndGet();
                }
                return local.appendRecordsIfServing(partition, records);
            }

            @Override
            public CompletableFuture<AppendResult> appendTransactionMarker(TopicPartition partition, long producerId,
                    short epoch, TxnMarker marker, int coordinatorEpoch) {
                return local.appendTransactionMarker(partition, producerId, epoch, marker, coordinatorEpoch);
            }
        });
        return stateWrites;
    }

    @Test
    void aBatchScopesWritesGoAsOneWriteWhenItClosesAndSurviveARestart() throws Exception {
        AtomicInteger stateWrites = countStateWrites();
        publish(4);
        ShareCursor cursor = cursor();
        assertThat(offsets(cursor.acquire("a", 2, 1 << 20, LOCK))).containsExactly(0L, 1L);
        int before = stateWrites.get();

        CompletableFuture<List<Outcome>> acknowledged;
        ShareCursor.Acquisition next;
        try (StateJournal.Batch batch = engine.batchShareStateWrites()) {
            acknowledged = cursor.acknowledgeAll(new long[] {0, 1}, new int[] {1, 1}, 2, false);
            next = cursor.acquireAsync("a", 10, 1 << 20, LOCK);
            assertThat(acknowledged).as("held back until the scope closes").isNotDone();
            assertThat(next.durable()).as("held back until the scope closes").isNotDone();
        }
        assertThat(acknowledged.join()).containsExactly(Outcome.OK, Outcome.OK);
        next.durable().join();
        assertThat(offsets(next.deliveries())).containsExactly(2L, 3L);
        assertThat(stateWrites.get() - before).as("one write of the cursor's state for both").isEqualTo(1);
        engine.close();

        engine = LogEngine.open(EngineSettings.of(dataDir).withClock(clock));
        List<Delivery> again = cursor().acquire("b", 10, 1 << 20, LOCK);
        assertThat(offsets(again)).as("the acknowledged never again; the acquired back, their locks not being durable")
                .containsExactly(2L, 3L);
        assertThat(again).allSatisfy(d -> assertThat(d.acquisitions()).as("the first delivery counted").isEqualTo(2));
    }

    @Test
    void acknowledgementsLeftForTheNextWriteCompleteWithItAndSurviveARestart() throws Exception {
        AtomicInteger stateWrites = countStateWrites();
        publish(4);
        ShareCursor cursor = cursor();
        assertThat(offsets(cursor.acquire("a", 2, 1 << 20, LOCK))).containsExactly(0L, 1L);
        int before = stateWrites.get();

        CompletableFuture<List<Outcome>> acknowledged = cursor.acknowledgeAllWithNextWrite(new long[] {0, 1},
                new int[] {1, 1}, 2);
        assertThat(acknowledged).as("not written yet").isNotDone();
        assertThat(stateWrites.get()).isEqualTo(before);
        ShareCursor.Acquisition next = cursor.acquireAsync("a", 10, 1 << 20, LOCK);
        next.durable().join();
        assertThat(acknowledged.join()).as("done with the acquisition's write").containsExactly(Outcome.OK, Outcome.OK);
        assertThat(stateWrites.get() - before).as("one write for both").isEqualTo(1);
        cursor.writeDeferred();
        assertThat(stateWrites.get() - before).as("nothing left to write").isEqualTo(1);
        engine.close();

        engine = LogEngine.open(EngineSettings.of(dataDir).withClock(clock));
        assertThat(offsets(cursor().acquire("b", 10, 1 << 20, LOCK))).as("the acknowledged never again")
                .containsExactly(2L, 3L);
    }

    @Test
    void writeDeferredWritesWhatNoOtherWriteCarriedAndARetiredCursorFailsIt() throws Exception {
        publish(3);
        ShareCursor cursor = cursor();
        cursor.acquire("a", 3, 1 << 20, LOCK);
        CompletableFuture<List<Outcome>> first = cursor.acknowledgeAllWithNextWrite(new long[] {0}, new int[] {1}, 1);
        assertThat(cursor.acknowledgeAllWithNextWrite(new long[] {0}, new int[] {1}, 1).join())
                .as("nothing changed: answered at once").containsExactly(Outcome.UNKNOWN);
        cursor.writeDeferred();
        assertThat(first.join()).containsExactly(Outcome.OK);

        CompletableFuture<List<Outcome>> lost = cursor.acknowledgeAllWithNextWrite(new long[] {1}, new int[] {1}, 1);
        engine.reopenShareCursors();
        assertThat(lost).failsWithin(java.time.Duration.ofSeconds(10))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class).withMessageContaining("retired");
        assertThat(offsets(cursor().acquire("b", 10, 1 << 20, LOCK))).as("only the written acknowledgement counts")
                .containsExactly(1L, 2L);
    }

    @Test
    void startAtIfNewMovesOnlyACursorWithNoStateAndTheStartIsDurable() throws Exception {
        publish(4);
        ShareCursor cursor = cursor();
        assertThat(cursor.startAtIfNew(() -> 3).join()).isEqualTo(3);
        assertThat(cursor.startAtIfNew(() -> 0).join()).as("no longer new").isEqualTo(3);
        assertThat(offsets(cursor.acquire("a", 10, 1 << 20, LOCK))).containsExactly(3L);
        engine.close();

        engine = LogEngine.open(EngineSettings.of(dataDir).withClock(clock));
        ShareCursor reopened = cursor();
        assertThat(reopened.startAtIfNew(() -> 0).join()).as("it has saved state").isEqualTo(3);
    }

    @Test
    void aCursorThatDeliveredIsNotNewAndReconfigureAppliesTheNewLimit() throws Exception {
        publish(1);
        ShareCursor cursor = cursor();
        assertThat(cursor.acquire("a", 1, 1 << 20, LOCK)).hasSize(1);
        assertThat(cursor.startAtIfNew(() -> 1).join()).isZero();
        cursor.reconfigure(new ShareGroupSettings(2, ShareGroupSettings.LimitCounts.ACQUISITIONS, 1000));
        cursor.release(0, 1);
        assertThat(cursor.acquire("a", 1, 1 << 20, LOCK)).hasSize(1);
        cursor.release(0, 2);
        assertThat(cursor.acquire("a", 1, 1 << 20, LOCK)).as("archived at the new limit of 2").isEmpty();
        assertThat(archived).containsExactly(0L);
    }

    @Test
    void acknowledgedRecordsStayDoneAndCountsSurviveARestart() throws Exception {
        publish(4);
        ShareCursor cursor = cursor();
        cursor.acquire("a", 4, 1 << 20, LOCK);
        cursor.acknowledge(0, 1).join();
        cursor.acknowledge(2, 1).join();
        cursor.reject(3, 1).join();
        engine.close();

        engine = LogEngine.open(EngineSettings.of(dataDir).withClock(clock));
        ShareCursor reopened = cursor();

        assertThat(reopened.startOffset()).isEqualTo(1);
        List<Delivery> again = reopened.acquire("b", 10, 1 << 20, LOCK);
        assertThat(offsets(again)).containsExactly(1L); // in flight at the restart: available again
        assertThat(again.get(0).acquisitions()).isEqualTo(2); // and its count did not go back
    }

    /**
     * A delivery made before a restart (or by the node that led a cluster before this one) is
     * settled by its tag on a cursor that has not read that far yet: SQS DeleteMessage with a
     * receipt handle from before, the first thing a retrying client does. It must delete the
     * message, not find nothing and let it come back.
     */
    @Test
    void aDeliveryFromBeforeARestartIsSettledBeforeTheCursorReadsThatFarAgain() throws Exception {
        publish(4);
        ShareCursor cursor = cursor();
        List<Delivery> got = cursor.acquire("a", 4, 1 << 20, LOCK);
        cursor.acknowledge(0, 1).join();
        engine.close();

        engine = LogEngine.open(EngineSettings.of(dataDir).withClock(clock));
        ShareCursor reopened = cursor();

        assertThat(reopened.acknowledge(2, got.get(2).acquisitions(), true).join()).isEqualTo(Outcome.OK);
        assertThat(reopened.acknowledge(3, got.get(3).acquisitions() - 1, true).join()).isEqualTo(Outcome.STALE);
        assertThat(reopened.extendLock(1, got.get(1).acquisitions(), T0 + LOCK)).isEqualTo(Outcome.NOT_ACQUIRED);
        assertThat(offsets(reopened.acquire("b", 10, 1 << 20, LOCK))).containsExactly(1L, 3L);
        engine.close();

        engine = LogEngine.open(EngineSettings.of(dataDir).withClock(clock));
        assertThat(offsets(cursor().acquire("c", 10, 1 << 20, LOCK))).as("the deletion was durable")
                .containsExactly(1L, 3L);
    }

    /**
     * Once the engine forgets its cursors (a clustered node takes the queues over again and reads
     * their state afresh), a settlement still reaching an old cursor writes nothing: in a cluster
     * its view may be older than what another node wrote meanwhile.
     */
    @Test
    void aForgottenCursorWritesNothingMore() throws Exception {
        publish(3);
        ShareCursor old = cursor();
        old.acquire("a", 3, 1 << 20, LOCK);
        old.acknowledge(0, 1).join();
        engine.reopenShareCursors();

        assertThat(old.acknowledge(1, 1)).failsWithin(java.time.Duration.ofSeconds(10))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withMessageContaining("retired");
        ShareCursor reopened = cursor();
        assertThat(reopened).isNotSameAs(old);
        List<Delivery> again = reopened.acquire("b", 10, 1 << 20, LOCK);
        assertThat(offsets(again)).as("acknowledged before, not after, the cursor was forgotten")
                .containsExactly(1L, 2L);
    }

    @Test
    void aTopicCreatedAgainUnderTheSameNameStartsItsCursorsAfresh() throws Exception {
        publish(3);
        ShareCursor cursor = cursor();
        cursor.acknowledgeAll(cursor.acquire("a", 3, 1 << 20, LOCK)).join();
        assertThat(cursor.startOffset()).isEqualTo(3);

        engine.deleteTopic("q");
        engine.createTopic("q", 1, Map.of());
        publish(1);
        engine.close();
        engine = LogEngine.open(EngineSettings.of(dataDir).withClock(clock));

        assertThat(offsets(cursor().acquire("a", 10, 1 << 20, LOCK))).containsExactly(0L);
    }

    @Test
    void countsReportAvailableInFlightAndTheOldestAge() throws Exception {
        publish(5);
        ShareCursor cursor = cursor();
        cursor.acquire("a", 2, 1 << 20, LOCK);

        ShareCounts counts = cursor.counts();

        assertThat(counts.available()).isEqualTo(3);
        assertThat(counts.acquired()).isEqualTo(2);
        assertThat(counts.oldestAvailableAt()).isEqualTo(T0);
    }

    @Test
    void purgeDropsEverythingNotInFlightAndThatStaysSoAfterARestart() throws Exception {
        publish(6);
        ShareCursor cursor = cursor();
        List<Delivery> held = cursor.acquire("a", 2, 1 << 20, LOCK); // 0 and 1 in flight
        cursor.release(1, held.get(1).acquisitions());
        assertThat(cursor.acquire("b", 1, 1 << 20, LOCK)).extracting(Delivery::offset).containsExactly(1L);

        assertThat(cursor.purge().join()).isEqualTo(4); // 2..5, beyond what the window had seen
        assertThat(cursor.counts().available()).isZero();
        assertThat(cursor.counts().acquired()).isEqualTo(2);
        assertThat(cursor.acquire("c", 10, 1 << 20, LOCK)).isEmpty();
        assertThat(cursor.acknowledge(0, 1).join()).isEqualTo(Outcome.OK);
        publish(1);
        engine.close();

        engine = LogEngine.open(EngineSettings.of(dataDir).withClock(clock));
        ShareCursor reopened = cursor();
        assertThat(offsets(reopened.acquire("d", 10, 1 << 20, LOCK))).containsExactly(1L, 6L);
    }

    @Test
    void purgeIncludingInFlightDropsHeldRecordsTooAndTheyNeverReturn() throws Exception {
        publish(4);
        ShareCursor cursor = cursor();
        List<Delivery> held = cursor.acquire("a", 2, 1 << 20, LOCK); // 0 and 1 in flight

        assertThat(cursor.purge(true).join()).isEqualTo(4);
        assertThat(cursor.counts().acquired()).isZero();
        assertThat(cursor.acknowledge(0, held.get(0).acquisitions()).join()).isEqualTo(Outcome.UNKNOWN);
        clock.advance(LOCK + 1); // their locks would have run out by now
        assertThat(cursor.acquire("b", 10, 1 << 20, LOCK)).isEmpty();
        assertThat(cursor.startOffset()).isEqualTo(4);
    }

    @Test
    void purgeOfAnIdleCursorMovesItsStartToTheLogEnd() throws Exception {
        publish(3);
        ShareCursor cursor = cursor();
        assertThat(cursor.purge().join()).isEqualTo(3);
        assertThat(cursor.startOffset()).isEqualTo(3);
        publish(1);
        assertThat(offsets(cursor.acquire("a", 10, 1 << 20, LOCK))).containsExactly(3L);
    }

    @Test
    void resetToAnEarlierOffsetDeliversAcknowledgedRecordsAgainWithFreshCountsAndSurvivesARestart()
            throws Exception {
        publish(4);
        ShareCursor cursor = cursor();
        for (Delivery d : cursor.acquire("a", 3, 1 << 20, LOCK)) {
            assertThat(cursor.acknowledge(d.offset(), d.acquisitions()).join()).isEqualTo(Outcome.OK);
        }
        List<Delivery> held = cursor.acquire("a", 1, 1 << 20, LOCK); // 3 in flight
        assertThat(cursor.startOffset()).isEqualTo(3);

        assertThat(cursor.resetTo(1).join()).isEqualTo(1);
        assertThat(cursor.startOffset()).isEqualTo(1);
        assertThat(cursor.acknowledge(3, held.get(0).acquisitions()).join()).isEqualTo(Outcome.STALE); // a new life
        engine.close();

        engine = LogEngine.open(EngineSettings.of(dataDir).withClock(clock));
        List<Delivery> again = cursor().acquire("b", 10, 1 << 20, LOCK);
        assertThat(offsets(again)).containsExactly(1L, 2L, 3L);
        assertThat(again).extracting(Delivery::acquisitions).containsOnly(1);
    }

    @Test
    void resetIsKeptWithinTheLogAndToTheEndSkipsEverything() throws Exception {
        publish(3);
        ShareCursor cursor = cursor();
        assertThat(cursor.resetTo(-5).join()).isZero();
        assertThat(cursor.resetTo(99).join()).isEqualTo(3);
        assertThat(cursor.acquire("a", 10, 1 << 20, LOCK)).isEmpty();
        publish(1);
        assertThat(offsets(cursor.acquire("a", 10, 1 << 20, LOCK))).containsExactly(3L);
    }

    @Test
    void theEngineKnowsWhichTopicsAGroupHasStateOnUntilItIsDeleted() throws Exception {
        publish(1);
        ShareCursor cursor = cursor();
        Delivery d = cursor.acquire("a", 1, 1 << 20, LOCK).get(0);
        cursor.acknowledge(d.offset(), d.acquisitions()).join();
        assertThat(engine.shareCursorTopics("g")).containsExactly("q");
        assertThat(engine.shareCursorTopics("other")).isEmpty();

        engine.deleteShareCursor(TP, "g");
        assertThat(engine.shareCursorTopics("g")).isEmpty();
        assertThat(offsets(cursor().acquire("b", 10, 1 << 20, LOCK))).containsExactly(0L); // a new life
    }

    @Test
    void settledRecordsDoNotLeaveTheirLocksBehindUntilTheyWouldHaveRunOut() throws Exception {
        publish(6_000);
        ShareCursor cursor = cursor();
        int maxSeen = 0;
        for (int i = 0; i < 50; i++) {
            List<Delivery> got = cursor.acquire("a", 100, 1 << 20, 12 * 3_600_000L);
            assertThat(cursor.acknowledgeAll(got).join()).hasSize(100).containsOnly(Outcome.OK);
            maxSeen = Math.max(maxSeen, cursor.lockEntries());
        }
        assertThat(maxSeen).as("bounded by twice the window plus 1024").isLessThanOrEqualTo(2 * 100 + 1024 + 1);
        // stale entries just below the threshold of a 100-record window, 2 * 100 + 1024
        for (int i = 0; i < 20 && cursor.lockEntries() < 1_100; i++) {
            cursor.acknowledgeAll(cursor.acquire("a", 100, 1 << 20, 12 * 3_600_000L)).join();
        }
        assertThat(cursor.lockEntries()).isGreaterThanOrEqualTo(1_100);
        assertThat(cursor.acquire("holder", 10, 1 << 20, LOCK)).hasSize(10); // crosses it: pruned
        assertThat(cursor.lockEntries()).isLessThanOrEqualTo(10);
        clock.advance(LOCK);
        assertThat(cursor.counts().acquired()).isZero();
        assertThat(cursor.acquire("other", 100, 1 << 20, LOCK)).as("the held ones ran out")
                .hasSizeGreaterThanOrEqualTo(10);
    }

    @Test
    void aLockWithoutDeadlineHoldsTheRecordWhateverTheTimeUntilItIsSettled() throws Exception {
        publish(2);
        ShareCursor cursor = cursor();
        List<Delivery> held = cursor.acquire("a", 1, 1 << 20, ShareCursor.NO_DEADLINE);
        assertThat(held.get(0).lockDeadline()).isEqualTo(ShareCursor.NO_DEADLINE);
        clock.advance(400L * 24 * 3_600_000); // far past any lock a queue could give
        cursor.expireLocks();
        assertThat(offsets(cursor.acquire("b", 10, 1 << 20, LOCK))).containsExactly(1L);
        assertThat(cursor.counts().acquired()).isEqualTo(2);
        assertThat(cursor.release(0, 1)).isEqualTo(Outcome.OK);
        assertThat(offsets(cursor.acquire("b", 10, 1 << 20, LOCK))).containsExactly(0L);
    }

    @Test
    void acquireAsyncHoldsTheRecordsAtOnceAndTheirCountsAreDurableWhenItCompletes() throws Exception {
        publish(3);
        ShareCursor cursor = cursor();
        ShareCursor.Acquisition taken = cursor.acquireAsync("a", 2, 1 << 20, LOCK);
        assertThat(offsets(taken.deliveries())).containsExactly(0L, 1L);
        assertThat(cursor.counts().acquired()).as("held at once").isEqualTo(2);
        taken.durable().join();
        engine.close();

        engine = LogEngine.open(EngineSettings.of(dataDir).withClock(clock));
        cursor = cursor();
        assertThat(cursor.acquireAsync("c", 10, 1 << 20, LOCK).deliveries()).as("their counts were written")
                .extracting(Delivery::acquisitions).containsExactly(2, 2, 1);
        assertThat(cursor.acquireAsync("d", 10, 1 << 20, LOCK).durable()).as("nothing taken, nothing to wait for")
                .isCompleted();
    }

    private static List<Long> peeked(List<PeekedRecord> records) {
        return records.stream().map(PeekedRecord::offset).toList();
    }

    @Test
    void peekShowsTheAvailableRecordsAndLeavesThemAvailable() throws Exception {
        publish(4);
        ShareCursor cursor = cursor();
        List<Delivery> taken = cursor.acquire("a", 1, 1 << 20, LOCK);
        cursor.release(taken.get(0).offset(), taken.get(0).acquisitions());
        cursor.acquire("a", 1, 1 << 20, LOCK); // offset 0 again, held now

        List<PeekedRecord> seen = cursor.peek(10);

        assertThat(peeked(seen)).containsExactly(1L, 2L, 3L);
        assertThat(seen).extracting(PeekedRecord::acquisitions).containsExactly(0, 0, 0);
        assertThat(cursor.peek(2)).hasSize(2);
        assertThat(cursor.counts().available()).isEqualTo(3);
        assertThat(cursor.counts().acquired()).isEqualTo(1);
        // what was peeked is delivered as if nobody had looked: first delivery, in order
        List<Delivery> next = cursor.acquire("b", 10, 1 << 20, LOCK);
        assertThat(offsets(next)).containsExactly(1L, 2L, 3L);
        assertThat(next).extracting(Delivery::acquisitions).containsExactly(1, 1, 1);
    }

    @Test
    void peekShowsAReleasedRecordWithItsCountAndSkipsAcknowledgedAndDelayedOnes() throws Exception {
        DeliveryPolicy delayByHeader = new DeliveryPolicy() {
            @Override
            public long notBefore(LogRecord record) {
                return record.headers().isEmpty() ? 0 : Long.parseLong(new String(record.headers().get(0).value()));
            }

            @Override
            public String orderingKey(LogRecord record) {
                return null;
            }
        };
        publish(2);
        engine.appender().append(TP, RecordFormat.build(0, "none", List.of(new RecordData(T0, null, Batches.bytes("late"),
                List.of(new LogRecord.Header("nb", Batches.bytes(Long.toString(T0 + 60_000)))))))).join();
        ShareCursor cursor = cursor(5, ShareGroupSettings.LimitCounts.ACQUISITIONS, delayByHeader);
        List<Delivery> got = cursor.acquire("a", 2, 1 << 20, LOCK);
        cursor.acknowledge(0, got.get(0).acquisitions()).join();
        cursor.release(1, got.get(1).acquisitions());

        List<PeekedRecord> seen = cursor.peek(10);

        assertThat(peeked(seen)).containsExactly(1L);
        assertThat(seen.get(0).acquisitions()).isEqualTo(1);
        clock.advance(60_000);
        assertThat(peeked(cursor.peek(10))).containsExactly(1L, 2L);
    }

    @Test
    void peekReadsPastTheInFlightCap() throws Exception {
        publish(5);
        ShareCursor cursor = engine.shareCursor(TP, "g", new ShareGroupSettings(5,
                ShareGroupSettings.LimitCounts.ACQUISITIONS, 2), DeliveryPolicy.NONE, (group, offset, reason) -> { });

        assertThat(peeked(cursor.peek(10))).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(peeked(cursor.peek(3))).containsExactly(0L, 1L, 2L);
        assertThat(offsets(cursor.acquire("a", 10, 1 << 20, LOCK))).containsExactly(0L, 1L);
    }

    /**
     * Two consumers acquiring at once from one cursor, each read small enough that the records
     * past the window are read many times over, by a prefetch outside the lock and under it:
     * every record is given once and none is lost (taken for a gap).
     */
    @Test
    void consumersAcquiringAtOnceGetEveryRecordOnceWhileTheReadAheadIsFilledOutsideTheLock() throws Exception {
        int records = 6_000;
        for (int i = 0; i < records; i += 40) {
            engine.appender().append(TP, Batches.of(40, clock.millis(), i)).join();
        }
        ShareCursor cursor = engine.shareCursor(TP, "g", new ShareGroupSettings(5,
                ShareGroupSettings.LimitCounts.ACQUISITIONS, ShareGroupSettings.DEFAULT_MAX_IN_FLIGHT),
                DeliveryPolicy.NONE, (group, offset, reason) -> { });
        java.util.Set<Long> given = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicInteger givenTwice = new AtomicInteger();
        long giveUpAt = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(2); // against a hang only
        List<Thread> consumers = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            Thread consumer = new Thread(() -> {
                while (cursor.startOffset() < records && System.nanoTime() < giveUpAt) {
                    // 1,500 bytes: a read of a few batches, so reads outnumber acquires
                    List<Delivery> got = cursor.acquire(name, 37, 1_500, LOCK);
                    for (Delivery delivery : got) {
                        if (!given.add(delivery.offset())) {
                            givenTwice.incrementAndGet();
                        }
                    }
                    cursor.acknowledgeAll(got).join();
                }
            });
            consumer.start();
            consumers.add(consumer);
        }
        for (Thread consumer : consumers) {
            consumer.join();
        }

        assertThat(givenTwice).hasValue(0);
        assertThat(given).hasSize(records);
        assertThat(cursor.startOffset()).isEqualTo(records);
    }
}
