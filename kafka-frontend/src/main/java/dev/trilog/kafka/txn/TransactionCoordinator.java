package dev.trilog.kafka.txn;

import dev.trilog.log.AppendResult;
import dev.trilog.log.CommittedOffset;
import dev.trilog.log.GroupOffsetStore;
import dev.trilog.kafka.protocol.ClusterRouting;
import dev.trilog.log.LogEngine;
import dev.trilog.log.UnknownTopicException;
import dev.trilog.log.record.InvalidBatchException;
import dev.trilog.log.record.TxnMarker;
import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction coordinator of this node (Kafka's transaction protocol version 1): it owns
 * every transactional id, hands out and bumps producer epochs, records which partitions and
 * groups a transaction touches, and ends transactions by writing COMMIT or ABORT markers to
 * each partition and committing or dropping the offsets the transaction staged.
 *
 * <p>Every state change is written to the transaction log before it is acted on or answered,
 * so after a restart a transaction that was prepared (commit or abort decided) is completed,
 * and one that was open stays open until its producer ends it, a new instance of the producer
 * aborts it, or it times out. On one node the markers are local appends, so EndTxn completes
 * the transaction before it answers and the client never sees CONCURRENT_TRANSACTIONS for it.
 *
 * <p>Threading: one monitor per transactional id ({@link TransactionMetadata}); requests of
 * different ids proceed in parallel.
 */
public final class TransactionCoordinator {

    private static final Logger log = LoggerFactory.getLogger(TransactionCoordinator.class);

    /** What InitProducerId answers. */
    public record ProducerIdAndEpoch(Errors error, long producerId, short epoch) {
        static ProducerIdAndEpoch failed(Errors error) {
            return new ProducerIdAndEpoch(error, -1, (short) -1);
        }
    }

    private final LogEngine engine;
    private final GroupOffsetStore offsets;
    private final TransactionLog transactionLog;
    private final TransactionSettings settings;
    private final InstantSource clock;
    private final ConcurrentMap<String, TransactionMetadata> transactions = new ConcurrentHashMap<>();
    /** Who coordinates in a cluster; null on one node, which always does. */
    private final ClusterRouting routing;
    /** The leader epoch this node's state was last loaded for (in a cluster); guarded by this. */
    private int loadedForEpoch = -1;

    public TransactionCoordinator(LogEngine engine, TransactionSettings settings) {
        this(engine, settings, null);
    }

    /**
     * @param routing in a cluster, which node coordinates: this one loads the transaction state
     *                when it becomes the leader (other nodes wrote it until then) and only the
     *                leader aborts timed-out transactions; null on one node
     */
    public TransactionCoordinator(LogEngine engine, TransactionSettings settings, ClusterRouting routing) {
        this.engine = engine;
        this.offsets = engine.groupOffsets();
        this.transactionLog = new TransactionLog(engine.transactionStates());
        this.settings = settings;
        this.clock = engine.settings().clock();
        this.routing = routing != null && routing.clustered() ? routing : null;
        if (this.routing == null) {
            recover();
        }
    }

    /**
     * In a cluster, (re)loads the state when this node has become the leader since it last did:
     * the shared transaction log holds what the previous leader wrote, and entries applied here
     * reach it as they are committed, but this coordinator's memory of them does not.
     */
    private void current() {
        if (routing == null || !routing.leadsHere()) {
            return;
        }
        int epoch = routing.leaderEpoch();
        synchronized (this) {
            if (epoch != loadedForEpoch) {
                transactions.clear();
                recover();
                loadedForEpoch = epoch;
                log.info("Loaded the transaction state as the cluster's leader (epoch {}): {} transactional ids",
                        epoch, transactions.size());
            }
        }
    }

    /** Loads every transactional id; stages the open transactions' offsets again and completes prepared ones. */
    private void recover() {
        transactionLog.load().forEach((id, entry) -> {
            TransactionMetadata m = entry.metadata();
            transactions.put(id, m);
            if (m.state == TxnState.ONGOING || m.state.preparing()) {
                entry.pendingOffsets().forEach((group, staged) -> offsets.stagePending(m.producerId, group, staged));
            }
            if (m.state.preparing()) {
                synchronized (m) {
                    try {
                        complete(m, m.state == TxnState.PREPARE_COMMIT);
                        log.info("Completed the prepared transaction of {} after a restart", id);
                    } catch (IOException | RuntimeException e) {
                        log.error("Completing the prepared transaction of {} failed; its next request retries", id, e);
                    }
                }
            }
        });
    }

    /** Starts the periodic abort of transactions open longer than their timeout. */
    public void startTimeoutChecks(ScheduledExecutorService timer) {
        timer.scheduleWithFixedDelay(this::abortTimedOut, settings.abortCheckIntervalMs(),
                settings.abortCheckIntervalMs(), TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------- InitProducerId

    /**
     * InitProducerId with a transactional id: the first call gets a new producer id at epoch 0;
     * every later one bumps the epoch, which fences the previous instance, and aborts the
     * transaction that instance left open. A request naming its current producer id and epoch
     * (KIP-360) must match, or is fenced, unless it is the retry of a bump already made.
     */
    public ProducerIdAndEpoch initProducerId(String transactionalId, int timeoutMs, long expectedProducerId,
            short expectedEpoch, boolean producerFencedSupported) {
        current();
        if (transactionalId.isEmpty()) {
            return ProducerIdAndEpoch.failed(Errors.INVALID_REQUEST);
        }
        if (timeoutMs <= 0 || timeoutMs > settings.maxTimeoutMs()) {
            return ProducerIdAndEpoch.failed(Errors.INVALID_TRANSACTION_TIMEOUT);
        }
        TransactionMetadata m = transactions.computeIfAbsent(transactionalId,
                id -> new TransactionMetadata(id, -1, (short) -1, timeoutMs, clock.millis()));
        synchronized (m) {
            try {
                if (m.producerId < 0) {
                    m.producerId = engine.allocateProducerId();
                    m.epoch = 0;
                } else {
                    if (expectedProducerId >= 0) {
                        if (expectedProducerId == m.lastProducerId && expectedEpoch == m.lastEpoch && m.state.idle()) {
                            return new ProducerIdAndEpoch(Errors.NONE, m.producerId, m.epoch); // a retried bump
                        }
                        if (expectedProducerId != m.producerId || expectedEpoch != m.epoch) {
                            return ProducerIdAndEpoch.failed(fenced(producerFencedSupported));
                        }
                    }
                    if (m.state.preparing()) {
                        complete(m, m.state == TxnState.PREPARE_COMMIT);
                    }
                    if (m.state == TxnState.ONGOING) {
                        // the markers' new epoch fences the old instance on every partition it wrote to
                        log.info("Aborting the open transaction of {}: a new producer instance fenced the old one",
                                transactionalId);
                        fence(m);
                        complete(m, false);
                        if (m.epoch >= Short.MAX_VALUE - 1) {
                            newProducerId(m);
                        }
                    } else {
                        bumpEpoch(m);
                    }
                }
                m.timeoutMs = timeoutMs;
                m.state = TxnState.EMPTY;
                m.lastUpdateMs = clock.millis();
                transactionLog.write(m, offsets.pending(m.producerId));
                return new ProducerIdAndEpoch(Errors.NONE, m.producerId, m.epoch);
            } catch (IOException | RuntimeException e) {
                log.warn("InitProducerId of {} failed: {}", transactionalId, e.toString());
                return ProducerIdAndEpoch.failed(Errors.COORDINATOR_NOT_AVAILABLE);
            }
        }
    }

    /** The next epoch; a new producer id when the epoch would overflow, as Kafka does. */
    private void bumpEpoch(TransactionMetadata m) throws IOException {
        if (m.epoch >= Short.MAX_VALUE - 1) {
            newProducerId(m);
        } else {
            fence(m);
        }
    }

    /**
     * The next epoch of the same producer id, for aborting its open transaction: the markers
     * must carry the producer id of the transaction's records, so this never changes the id
     * (the epoch can always grow once more: none above {@code Short.MAX_VALUE - 1} is handed out).
     */
    private static void fence(TransactionMetadata m) {
        m.lastProducerId = m.producerId;
        m.lastEpoch = m.epoch;
        m.epoch++;
    }

    private void newProducerId(TransactionMetadata m) throws IOException {
        m.lastProducerId = m.producerId;
        m.lastEpoch = m.epoch;
        m.producerId = engine.allocateProducerId();
        m.epoch = 0;
    }

    // ---------------------------------------------------------------- AddPartitionsToTxn, AddOffsetsToTxn

    /**
     * Adds partitions to the producer's transaction, opening it if none is open. Unknown
     * partitions fail the whole request (the others get OPERATION_NOT_ATTEMPTED), as in Kafka.
     */
    public Map<TopicPartition, Errors> addPartitions(String transactionalId, long producerId, short epoch,
            Collection<TopicPartition> partitions, boolean producerFencedSupported) {
        current();
        TransactionMetadata m = transactions.get(transactionalId);
        if (m == null) {
            return all(partitions, Errors.INVALID_PRODUCER_ID_MAPPING);
        }
        synchronized (m) {
            Errors error = checkForChange(m, producerId, epoch, producerFencedSupported);
            if (error != Errors.NONE) {
                return all(partitions, error);
            }
            Map<TopicPartition, Errors> result = new LinkedHashMap<>();
            boolean unknown = false;
            for (TopicPartition tp : partitions) {
                boolean exists = engine.partition(tp) != null;
                unknown |= !exists;
                result.put(tp, exists ? Errors.NONE : Errors.UNKNOWN_TOPIC_OR_PARTITION);
            }
            if (unknown) {
                result.replaceAll((tp, e) -> e == Errors.NONE ? Errors.OPERATION_NOT_ATTEMPTED : e);
                return result;
            }
            if (m.state == TxnState.ONGOING && m.partitions.containsAll(partitions)) {
                return result;
            }
            begin(m);
            m.partitions.addAll(partitions);
            return persist(m) ? result : all(partitions, Errors.COORDINATOR_NOT_AVAILABLE);
        }
    }

    /** AddPartitionsToTxn v4+ with VerifyOnly: is each partition in the producer's open transaction? */
    public Map<TopicPartition, Errors> verifyPartitions(String transactionalId, long producerId, short epoch,
            Collection<TopicPartition> partitions) {
        current();
        TransactionMetadata m = transactions.get(transactionalId);
        if (m == null) {
            return all(partitions, Errors.INVALID_PRODUCER_ID_MAPPING);
        }
        synchronized (m) {
            Errors error = check(m, producerId, epoch, true);
            if (error != Errors.NONE) {
                return all(partitions, error);
            }
            Map<TopicPartition, Errors> result = new LinkedHashMap<>();
            for (TopicPartition tp : partitions) {
                boolean in = m.state == TxnState.ONGOING && m.partitions.contains(tp);
                result.put(tp, in ? Errors.NONE : Errors.INVALID_TXN_STATE);
            }
            return result;
        }
    }

    /**
     * Produce's check (KIP-890 part 1) of one transactional batch: its partition must be in its
     * producer's open transaction. Errors as Kafka answers them: a partition never added (or a
     * transaction already ended) is {@code INVALID_TXN_STATE}; a stale epoch is
     * {@code INVALID_PRODUCER_EPOCH}; an unknown id {@code INVALID_PRODUCER_ID_MAPPING}.
     */
    public Errors verifyPartition(String transactionalId, long producerId, short epoch, TopicPartition partition) {
        current();
        if (transactionalId == null || transactionalId.isEmpty()) {
            return Errors.INVALID_TXN_STATE; // a transactional batch sent without its transactional id
        }
        return verifyPartitions(transactionalId, producerId, epoch, List.of(partition)).get(partition);
    }

    /** AddOffsetsToTxn: the transaction will commit offsets of {@code group}. */
    public Errors addOffsets(String transactionalId, long producerId, short epoch, String group,
            boolean producerFencedSupported) {
        current();
        if (group == null || group.isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        TransactionMetadata m = transactions.get(transactionalId);
        if (m == null) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        synchronized (m) {
            Errors error = checkForChange(m, producerId, epoch, producerFencedSupported);
            if (error != Errors.NONE) {
                return error;
            }
            if (m.state == TxnState.ONGOING && m.groups.contains(group)) {
                return Errors.NONE;
            }
            begin(m);
            m.groups.add(group);
            return persist(m) ? Errors.NONE : Errors.COORDINATOR_NOT_AVAILABLE;
        }
    }

    // ---------------------------------------------------------------- TxnOffsetCommit

    /**
     * TxnOffsetCommit: stages the offsets in the open transaction (they become committed
     * offsets only if it commits). The group must have been added with AddOffsetsToTxn.
     */
    public Errors commitOffsets(String transactionalId, long producerId, short epoch, String group,
            Map<TopicPartition, CommittedOffset> staged) {
        current();
        TransactionMetadata m = transactions.get(transactionalId);
        if (m == null) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        synchronized (m) {
            Errors error = checkForChange(m, producerId, epoch, false);
            if (error != Errors.NONE) {
                return error;
            }
            if (m.state != TxnState.ONGOING || !m.groups.contains(group)) {
                return Errors.INVALID_TXN_STATE;
            }
            long now = clock.millis();
            Map<TopicPartition, CommittedOffset> stamped = new LinkedHashMap<>();
            staged.forEach((tp, o) -> stamped.put(tp, new CommittedOffset(o.offset(), o.leaderEpoch(), o.metadata(), now)));
            offsets.stagePending(m.producerId, group, stamped);
            return persist(m) ? Errors.NONE : Errors.COORDINATOR_NOT_AVAILABLE;
        }
    }

    // ---------------------------------------------------------------- EndTxn

    /** EndTxn: commits or aborts the open transaction; a retry of the same decision succeeds again. */
    public Errors endTransaction(String transactionalId, long producerId, short epoch, boolean commit,
            boolean producerFencedSupported) {
        current();
        TransactionMetadata m = transactions.get(transactionalId);
        if (m == null) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        synchronized (m) {
            Errors error = check(m, producerId, epoch, producerFencedSupported);
            if (error != Errors.NONE) {
                return error;
            }
            TxnState wanted = commit ? TxnState.COMPLETE_COMMIT : TxnState.COMPLETE_ABORT;
            TxnState preparing = commit ? TxnState.PREPARE_COMMIT : TxnState.PREPARE_ABORT;
            if (m.state == wanted) {
                return Errors.NONE;
            }
            if (m.state != TxnState.ONGOING && m.state != preparing) {
                return Errors.INVALID_TXN_STATE;
            }
            try {
                complete(m, commit);
                return Errors.NONE;
            } catch (IOException | RuntimeException e) {
                log.warn("Ending the transaction of {} failed: {}", transactionalId, e.toString());
                return Errors.COORDINATOR_NOT_AVAILABLE;
            }
        }
    }

    /**
     * Ends the open transaction of {@code m}: the decision is made durable first (PrepareCommit
     * or PrepareAbort), then the markers go to every partition and the staged offsets are
     * committed or dropped, then the completion is recorded. A failure part-way leaves the
     * prepared state, which a restart or the producer's retry completes.
     */
    private void complete(TransactionMetadata m, boolean commit) throws IOException {
        m.state = commit ? TxnState.PREPARE_COMMIT : TxnState.PREPARE_ABORT;
        m.lastUpdateMs = clock.millis();
        transactionLog.write(m, offsets.pending(m.producerId));
        writeMarkers(m, commit ? TxnMarker.COMMIT : TxnMarker.ABORT);
        offsets.completePending(m.producerId, commit);
        m.state = commit ? TxnState.COMPLETE_COMMIT : TxnState.COMPLETE_ABORT;
        m.partitions.clear();
        m.groups.clear();
        m.startTimeMs = -1;
        m.lastUpdateMs = clock.millis();
        transactionLog.write(m, Map.of());
    }

    private void writeMarkers(TransactionMetadata m, TxnMarker marker) throws IOException {
        List<CompletableFuture<AppendResult>> written = new ArrayList<>(m.partitions.size());
        for (TopicPartition tp : m.partitions) {
            written.add(engine.appender().appendTransactionMarker(tp, m.producerId, m.epoch, marker, 0)
                    .exceptionally(failure -> skippable(m, marker, tp, failure)));
        }
        try {
            CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).join();
        } catch (RuntimeException e) {
            throw new IOException("transaction markers of " + m.transactionalId + " could not be made durable", e);
        }
    }

    /**
     * A marker that need not be written: the topic was deleted (nothing is left to mark), or the
     * partition already knows a newer epoch of this producer (nothing of ours is open there).
     * Anything else fails the transaction's completion.
     */
    private static AppendResult skippable(TransactionMetadata m, TxnMarker marker, TopicPartition tp,
            Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof UnknownTopicException) {
            return null;
        }
        if (cause instanceof InvalidBatchException) {
            log.warn("Skipping the {} marker of {} on {}: {}", marker, m.transactionalId, tp, cause.getMessage());
            return null;
        }
        throw failure instanceof CompletionException completion ? completion : new CompletionException(cause);
    }

    // ---------------------------------------------------------------- timeouts

    /** Aborts every transaction open longer than its timeout, fencing its producer with a new epoch (as Kafka does). */
    public void abortTimedOut() {
        if (routing != null && !routing.leadsHere()) {
            return; // the leader's work, with the state it loaded
        }
        current();
        long now = clock.millis();
        for (TransactionMetadata m : transactions.values()) {
            synchronized (m) {
                if (!m.timedOut(now)) {
                    continue;
                }
                try {
                    log.info("Aborting the transaction of {}: open {} ms, longer than its timeout of {} ms",
                            m.transactionalId, now - m.startTimeMs, m.timeoutMs);
                    fence(m);
                    complete(m, false);
                } catch (IOException | RuntimeException e) {
                    log.error("Aborting the timed-out transaction of {} failed", m.transactionalId, e);
                }
            }
        }
    }

    // ---------------------------------------------------------------- describe and list

    /** The state of one transactional id, or null when this coordinator does not know it. */
    public TransactionView describe(String transactionalId) {
        current();
        TransactionMetadata m = transactions.get(transactionalId);
        if (m == null) {
            return null;
        }
        synchronized (m) {
            return m.producerId < 0 ? null : view(m);
        }
    }

    /** Every known transactional id whose view passes {@code filter}, in no particular order. */
    public List<TransactionView> list(Predicate<TransactionView> filter) {
        current();
        List<TransactionView> views = new ArrayList<>();
        for (TransactionMetadata m : transactions.values()) {
            TransactionView view;
            synchronized (m) {
                if (m.producerId < 0) {
                    continue;
                }
                view = view(m);
            }
            if (filter.test(view)) {
                views.add(view);
            }
        }
        return views;
    }

    /** Whether {@code name} is a state ListTransactions may filter by. */
    public static boolean isKnownState(String name) {
        return TxnState.ofKafkaName(name) != null;
    }

    public long nowMs() {
        return clock.millis();
    }

    private static TransactionView view(TransactionMetadata m) {
        return new TransactionView(m.transactionalId, m.state.kafkaName(), m.producerId, m.epoch, m.timeoutMs,
                m.startTimeMs, List.copyOf(m.partitions));
    }

    // ---------------------------------------------------------------- helpers

    /** The request's producer id and epoch must be the current ones; an older epoch is a fenced instance. */
    private static Errors check(TransactionMetadata m, long producerId, short epoch, boolean producerFencedSupported) {
        if (m.producerId < 0 || producerId != m.producerId) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        if (epoch != m.epoch) {
            return fenced(producerFencedSupported);
        }
        return Errors.NONE;
    }

    /** As {@link #check}, and no transaction may be in the middle of completing (the client retries). */
    private static Errors checkForChange(TransactionMetadata m, long producerId, short epoch,
            boolean producerFencedSupported) {
        Errors error = check(m, producerId, epoch, producerFencedSupported);
        return error == Errors.NONE && m.state.preparing() ? Errors.CONCURRENT_TRANSACTIONS : error;
    }

    private static Errors fenced(boolean producerFencedSupported) {
        return producerFencedSupported ? Errors.PRODUCER_FENCED : Errors.INVALID_PRODUCER_EPOCH;
    }

    /** Opens a transaction when none is open. */
    private void begin(TransactionMetadata m) {
        if (m.state.idle()) {
            m.state = TxnState.ONGOING;
            m.startTimeMs = clock.millis();
            m.partitions.clear();
            m.groups.clear();
        }
    }

    private boolean persist(TransactionMetadata m) {
        m.lastUpdateMs = clock.millis();
        try {
            transactionLog.write(m, offsets.pending(m.producerId));
            return true;
        } catch (IOException | RuntimeException e) {
            log.warn("Storing the transaction state of {} failed: {}", m.transactionalId, e.toString());
            return false;
        }
    }

    private static Map<TopicPartition, Errors> all(Collection<TopicPartition> partitions, Errors error) {
        Map<TopicPartition, Errors> result = new LinkedHashMap<>();
        partitions.forEach(tp -> result.put(tp, error));
        return result;
    }
}
