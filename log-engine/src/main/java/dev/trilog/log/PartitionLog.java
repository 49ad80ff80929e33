package dev.trilog.log;

import dev.trilog.log.cleaner.CleanableLog;
import dev.trilog.log.durability.DurabilityWaiters;
import dev.trilog.log.durability.GroupCommitFlusher;
import dev.trilog.log.partition.LogLoader;
import dev.trilog.log.partition.LogSegments;
import dev.trilog.log.partition.LogStartOffsetCheckpoint;
import dev.trilog.log.partition.Retention;
import dev.trilog.log.partition.TimestampLookup;
import dev.trilog.log.producer.ProducerStates;
import dev.trilog.log.record.AppendRules;
import dev.trilog.log.record.BatchError;
import dev.trilog.log.record.BatchHeader;
import dev.trilog.log.record.InvalidBatchException;
import dev.trilog.log.record.LogRecord;
import dev.trilog.log.record.PreparedAppend;
import dev.trilog.log.record.RecordData;
import dev.trilog.log.record.RecordFormat;
import dev.trilog.log.record.TxnMarker;
import dev.trilog.log.record.ValidatedBatches;
import dev.trilog.log.segment.AbortedTransaction;
import dev.trilog.log.segment.Segment;
import dev.trilog.log.segment.SegmentFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition's log: an ordered list of {@link Segment}s, the last of which takes appends, and
 * the offsets that say what may be read — log start offset, last stable offset, log end offset
 * (the high watermark on one node). Kafka's {@code UnifiedLog}; its parts, each owning one rule:
 *
 * <ul>
 *   <li>{@link LogLoader} opens the directory (clean start or recovery, torn tails, index and
 *       producer-state rebuilds, interrupted compactions);</li>
 *   <li>{@link LogSegments}, the segment list, and {@link TimestampLookup} over it;</li>
 *   <li>{@link ProducerStates}: idempotence and open transactions;</li>
 *   <li>{@link DurabilityWaiters}: appends waiting for a group-commit fsync;</li>
 *   <li>{@link Retention}: which segments leave from the front;</li>
 *   <li>the {@link dev.trilog.log.cleaner.LogCleaner}, which sees the partition as a
 *       {@link CleanableLog}.</li>
 * </ul>
 *
 * <p>Threading: appends, rolls, retention and segment replacement take {@link #writeLock} (one
 * writer per partition, no lock shared between partitions); the offsets are published after each
 * change. Reads take no lock: they look the segment up, retain it, and read below its published
 * size. Appends are package-private: every write comes through {@link LogAppender}.
 *
 * <p>On disk ({@code <dataDir>/<topic>-<partition>/}): the segment files,
 * {@code producer-state.snapshot}, and {@code log-start-offset}, the checkpoint DeleteRecords and
 * retention move forward ({@link LogStartOffsetCheckpoint}).
 */
public final class PartitionLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PartitionLog.class);

    private final TopicPartition topicPartition;
    private final Path dir;
    private final InstantSource clock;
    private final Executor background;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final LogSegments segments;
    private final LogStartOffsetCheckpoint logStartCheckpoint;
    private final ProducerStates producerStates;
    private final DurabilityWaiters durability;
    private final CleanableLog cleanable = new Cleanable();
    private final List<Runnable> appendListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final RecordFormat.UnreadableBatchListener unreadable;
    private final StorageFailures.Partition storage;

    // changed under the write lock, read without it
    private volatile LogConfig config;
    private volatile long logStartOffset;
    private volatile long logEndOffset;
    /** Below the first record of any open transaction; the log end offset when none is open. */
    private volatile long lastStableOffset;

    private PartitionLog(TopicPartition topicPartition, Path dir, LogConfig config, InstantSource clock,
            Executor background, GroupCommitFlusher flusher, UnreadableBatches unreadable,
            StorageFailures storageFailures, LogStartOffsetCheckpoint logStartCheckpoint, LogLoader.LoadedLog loaded) {
        this.topicPartition = topicPartition;
        this.unreadable = unreadable.listenerFor(topicPartition);
        this.storage = storageFailures.partition(topicPartition);
        this.dir = dir;
        this.config = config;
        this.clock = clock;
        this.background = background;
        this.logStartCheckpoint = logStartCheckpoint;
        this.segments = loaded.segments();
        this.producerStates = loaded.producerStates();
        this.logStartOffset = loaded.logStartOffset();
        this.logEndOffset = loaded.logEndOffset();
        this.durability = new DurabilityWaiters(topicPartition, this::config, this::logEndOffset, segments, flusher,
                storage, logEndOffset);
        updateLastStableOffset();
    }

    /**
     * Opens the partition in {@code dir}, creating it when missing. After an unclean shutdown
     * the last segment is verified batch by batch and a torn tail truncated; any segment whose
     * index is missing or damaged gets it rebuilt (see {@link LogLoader}).
     */
    static PartitionLog open(TopicPartition topicPartition, Path dir, LogConfig config, InstantSource clock,
            Executor background, GroupCommitFlusher flusher, boolean cleanShutdown) throws IOException {
        return open(topicPartition, dir, config, clock, background, flusher, cleanShutdown, new UnreadableBatches(),
                new StorageFailures());
    }

    /**
     * As above, reporting batches whose records cannot be read to {@code unreadable}, and failed
     * writes and fsyncs to {@code storageFailures}.
     */
    static PartitionLog open(TopicPartition topicPartition, Path dir, LogConfig config, InstantSource clock,
            Executor background, GroupCommitFlusher flusher, boolean cleanShutdown, UnreadableBatches unreadable,
            StorageFailures storageFailures) throws IOException {
        LogStartOffsetCheckpoint checkpoint = new LogStartOffsetCheckpoint(dir);
        LogLoader.LoadedLog loaded = LogLoader.load(dir, checkpoint, config, clock, cleanShutdown);
        return new PartitionLog(topicPartition, dir, config, clock, background, flusher, unreadable, storageFailures,
                checkpoint, loaded);
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public LogConfig config() {
        return config;
    }

    void updateConfig(LogConfig newConfig) {
        this.config = newConfig;
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    public long logEndOffset() {
        return logEndOffset;
    }

    /** On one node every written batch is committed: the high watermark is the log end offset. */
    public long highWatermark() {
        return logEndOffset;
    }

    /**
     * The last stable offset (LSO): no record at or after it may be read by a read_committed
     * consumer, because a transaction that is still open starts there. The high watermark when
     * no transaction is open.
     */
    public long lastStableOffset() {
        return lastStableOffset;
    }

    /** The producers this partition remembers, with their open transactions (DescribeProducers). */
    public List<ActiveProducer> activeProducers() {
        writeLock.lock();
        try {
            return producerStates.active();
        } finally {
            writeLock.unlock();
        }
    }

    /** Bytes of all segments. */
    public long sizeInBytes() {
        return segments.sizeInBytes();
    }

    public int segmentCount() {
        return segments.count();
    }

    /** Called after every append, on the appending thread: for long polls that wait for data. */
    public void addAppendListener(Runnable listener) {
        appendListeners.add(listener);
    }

    public void removeAppendListener(Runnable listener) {
        appendListeners.remove(listener);
    }

    // ---------------------------------------------------------------- append

    /**
     * Validates and appends the batches in {@code records} (a producer's bytes), assigning
     * offsets from the log end offset.
     *
     * @param fromClient batches from a client may not be control batches
     * @throws dev.trilog.log.record.InvalidBatchException when a batch is refused; nothing is written
     */
    AppendResult append(ByteBuffer records, boolean fromClient) throws IOException {
        LogConfig current = config;
        AppendRules rules = current.clientAppendRules();
        if (!fromClient) {
            rules = new AppendRules(rules.maxBatchBytes(), rules.requireKeys(), rules.logAppendTime(),
                    rules.timestampBeforeMaxMs(), rules.timestampAfterMaxMs(), false);
        }
        // validated before the write lock, as Kafka does: reading every record is the costly part
        ValidatedBatches validated = RecordFormat.validate(records, rules, clock.millis());
        return appendWith(validated, rules.logAppendTime());
    }

    /** Builds one batch of {@code records} and appends it; used by internal logs and queue publishers. */
    AppendResult appendRecords(List<RecordData> records, String compression) throws IOException {
        LogConfig current = config;
        if (current.compact()) {
            requireKeys(records);
        }
        ByteBuffer batch = RecordFormat.build(0, compression, records);
        return appendWith(RecordFormat.trusted(batch), current.logAppendTime());
    }

    /** As Kafka, a compacted topic refuses records without a key (the cleaner could not keep them). */
    private static void requireKeys(List<RecordData> records) {
        List<Integer> keyless = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).key() == null) {
                keyless.add(i);
            }
        }
        if (!keyless.isEmpty()) {
            throw new InvalidBatchException(BatchError.INVALID_RECORD, "compacted topics accept only records with a key",
                    keyless);
        }
    }

    private AppendResult appendWith(ValidatedBatches validated, boolean logAppendTime) throws IOException {
        AppendResult result;
        writeLock.lock();
        try {
            long now = clock.millis();
            PreparedAppend prepared = RecordFormat.assignOffsets(validated, logAppendTime, logEndOffset, now);
            BatchHeader first = prepared.batches().get(0);
            if (first.hasProducerId()) {
                ProducerStates.BatchInfo duplicate = producerStates.check(first);
                if (duplicate != null) {
                    // a producer's retry of a batch already written: same answer, nothing written twice
                    return new AppendResult(duplicate.firstOffset(), duplicate.lastOffset(), -1, logStartOffset, 0,
                            durability.whenDurable(duplicate.lastOffset(), 0));
                }
            }
            write(prepared, now);
            for (BatchHeader batch : prepared.batches()) {
                if (batch.hasProducerId()) {
                    producerStates.update(batch, now);
                }
            }
            updateLastStableOffset();
            result = new AppendResult(prepared.firstOffset(), prepared.lastOffset(),
                    logAppendTime ? now : -1, logStartOffset, prepared.recordCount(),
                    durability.whenDurable(prepared.lastOffset(), prepared.recordCount()));
        } finally {
            writeLock.unlock();
        }
        for (Runnable listener : appendListeners) {
            listener.run();
        }
        return result;
    }

    /**
     * Writes validated batches to the active segment (rolling first if due); returns that segment.
     * Each outcome goes to the partition's storage-failure state; a failed write leaves no bytes
     * behind (the segment cuts off what it wrote) and the log end offset where it was.
     */
    private Segment write(PreparedAppend prepared, long now) throws IOException {
        Segment segment;
        try {
            segment = maybeRoll(prepared, now);
            segment.append(prepared, now);
        } catch (IOException e) {
            storage.writeFailed(e);
            throw e;
        }
        storage.written();
        logEndOffset = prepared.lastOffset() + 1;
        return segment;
    }

    /**
     * Writes the COMMIT or ABORT marker that ends {@code producerId}'s transaction on this
     * partition (the transaction coordinator's part of ending a transaction). The last stable
     * offset moves past the transaction; an abort is recorded in the aborted-transaction index.
     *
     * @throws dev.trilog.log.record.InvalidBatchException with INVALID_PRODUCER_EPOCH when the
     *         producer already has a newer epoch here
     */
    AppendResult appendTransactionMarker(long producerId, short epoch, TxnMarker marker, int coordinatorEpoch)
            throws IOException {
        AppendResult result;
        writeLock.lock();
        try {
            long now = clock.millis();
            producerStates.checkMarker(producerId, epoch);
            ByteBuffer batch = RecordFormat.buildTransactionMarker(producerId, epoch, marker, coordinatorEpoch, now);
            PreparedAppend prepared = RecordFormat.assignOffsets(RecordFormat.trusted(batch), false, logEndOffset, now);
            Segment segment = write(prepared, now);
            endTransaction(segment, prepared.batches().get(0), marker);
            updateLastStableOffset();
            result = new AppendResult(prepared.firstOffset(), prepared.lastOffset(), -1, logStartOffset, 1,
                    durability.whenDurable(prepared.lastOffset(), 1));
        } finally {
            writeLock.unlock();
        }
        for (Runnable listener : appendListeners) {
            listener.run();
        }
        return result;
    }

    /** A written marker ends its producer's transaction; an ABORT is indexed in the marker's segment. */
    private void endTransaction(Segment segment, BatchHeader marker, TxnMarker type) throws IOException {
        AbortedTransaction aborted = producerStates.endTransaction(marker, type);
        if (aborted != null) {
            segment.addAbortedTransaction(aborted);
        }
    }

    private void updateLastStableOffset() {
        long unstable = producerStates.firstUnstableOffset();
        lastStableOffset = unstable >= 0 ? unstable : logEndOffset;
    }

    private Segment maybeRoll(PreparedAppend prepared, long now) throws IOException {
        Segment segment = segments.active();
        if (segment.isEmpty()) {
            return segment;
        }
        LogConfig current = config;
        int incoming = prepared.bytes().remaining();
        boolean full = (long) segment.size() + incoming > current.segmentBytes();
        boolean old = segment.rollBaseTimestamp() >= 0 && now - segment.rollBaseTimestamp() > current.segmentMs();
        boolean offsetsOverflow = prepared.lastOffset() - segment.baseOffset() > Integer.MAX_VALUE;
        if (full || old || offsetsOverflow || segment.indexFull()) {
            return roll();
        }
        return segment;
    }

    /** Starts a new active segment at the log end offset; the old one is sealed in the background. */
    private Segment roll() throws IOException {
        Segment previous = segments.active();
        Segment next = newSegment(logEndOffset);
        segments.roll(next);
        producerStates.expire(clock.millis());
        producerStates.writeSnapshot(dir, logEndOffset);
        if (previous.tryRetain()) {
            background.execute(() -> {
                try {
                    previous.seal();
                } catch (IOException e) {
                    log.error("Sealing {} failed", previous, e);
                } finally {
                    previous.release();
                }
            });
        }
        return next;
    }

    private Segment newSegment(long baseOffset) throws IOException {
        LogConfig current = config;
        return Segment.create(dir, baseOffset, current.segmentIndexBytes(), current.indexIntervalBytes());
    }

    /** Rolls when the active segment has outlived segment.ms, even without appends to trigger it. */
    void rollIfAged() throws IOException {
        writeLock.lock();
        try {
            Segment segment = segments.active();
            if (!segment.isEmpty() && segment.rollBaseTimestamp() >= 0
                    && clock.millis() - segment.rollBaseTimestamp() > config.segmentMs()) {
                roll();
            }
        } finally {
            writeLock.unlock();
        }
    }

    // ---------------------------------------------------------------- durability

    /** fsync of everything written so far. */
    public void flush() throws IOException {
        durability.flushTo(logEndOffset);
    }

    // ---------------------------------------------------------------- read

    /**
     * The batches from the one holding {@code offset} on, within one segment, at most
     * {@code maxBytes} (but the whole first batch when {@code minOneBatch}, so a consumer always
     * makes progress). Close the slice when done with it.
     */
    public LogSlice read(long offset, int maxBytes, boolean minOneBatch) throws IOException, OffsetOutOfRangeException {
        return read(offset, maxBytes, minOneBatch, Long.MAX_VALUE);
    }

    /**
     * As {@link #read}, for a read_committed consumer: only batches below {@code lastStableOffset}
     * (a value of {@link #lastStableOffset()} the caller read once, so that the
     * {@link #abortedTransactions} it asks for cover exactly what it got). Records of aborted
     * transactions are among them; that list names them so the consumer drops them, as in Kafka.
     */
    public LogSlice readCommitted(long offset, int maxBytes, boolean minOneBatch, long lastStableOffset)
            throws IOException, OffsetOutOfRangeException {
        return read(offset, maxBytes, minOneBatch, Math.min(lastStableOffset, this.lastStableOffset));
    }

    private LogSlice read(long offset, int maxBytes, boolean minOneBatch, long upperBound)
            throws IOException, OffsetOutOfRangeException {
        return slice(offset, upperBound, (segment, from, logEnd) -> {
            // the bound is a batch's base offset (a transaction's first batch): stop before it too
            int maxPosition = readablePosition(segment, Math.min(logEnd, upperBound));
            Segment.BatchPosition found = segment.find(from, maxPosition);
            if (found == null) {
                return null;
            }
            int available = maxPosition - found.position();
            int length = Math.min(available, maxBytes);
            if (minOneBatch) {
                length = Math.max(length, Math.min(found.header().sizeInBytes(), available));
            }
            return length <= 0 ? LogSlice.empty()
                    : new LogSlice(segment, found.position(), length, found.header().baseOffset());
        });
    }

    /**
     * The whole batches holding offsets {@code from} through {@code to} — from the batch holding
     * {@code from} (or the first after it) to the end of the batch holding {@code to} — as far as
     * they lie in one segment; {@link LogSlice#nextOffset()} says where to read on. A share fetch
     * sends exactly the batches its acquired records are in, zero-copy, whatever their size.
     * Empty when nothing from {@code from} through {@code to} is left. Close the slice when done.
     */
    public LogSlice readBatches(long from, long to) throws IOException, OffsetOutOfRangeException {
        return slice(from, to == Long.MAX_VALUE ? to : to + 1, (segment, offset, logEnd) -> {
            int size = readablePosition(segment, logEnd);
            Segment.BatchPosition first = segment.find(offset, size);
            if (first == null) {
                return null;
            }
            Segment.BatchPosition last = first.header().lastOffset() >= to ? first : segment.find(to, size);
            int end = last == null ? size : last.position() + last.header().sizeInBytes();
            long nextSegment = segments.nextBaseOffset(segment.baseOffset());
            long next = last != null ? last.header().lastOffset() + 1
                    : nextSegment >= 0 ? nextSegment : Math.min(segment.nextOffset(), logEnd);
            return new LogSlice(segment, first.position(), end - first.position(), first.header().baseOffset(), next);
        });
    }

    /** A read's slice of the segment it starts in, which it is given retained. */
    @FunctionalInterface
    private interface SegmentSlicer {
        /**
         * A slice taking over the segment's reference, of batches below {@code logEnd} (the log end
         * offset the read was checked against) only; empty when there is nothing to read (the
         * caller releases it); null when nothing from {@code offset} on is left in this segment
         * (compacted away), to read on in the next.
         */
        LogSlice slice(Segment segment, long offset, long logEnd) throws IOException;
    }

    /**
     * Where a read of {@code segment} stops: before the batch holding {@code bound}, at most the
     * log end offset the read was checked against. A segment's size takes an append before the log
     * end offset does (see {@link #write}), and a reader between the two must not get that batch:
     * its consumer would then ask for an offset past the log end and be told it is out of range
     * (the crash-loop soak's consumer, reset to the log start by it).
     */
    private static int readablePosition(Segment segment, long bound) throws IOException {
        int size = segment.size(); // read before nextOffset: a volatile written after it on append
        if (bound >= segment.nextOffset()) {
            return size;
        }
        Segment.BatchPosition at = segment.find(bound, size);
        return at == null ? size : at.position();
    }

    /** The reads' common walk: bounds checked, the segment holding {@code offset} found and kept open while sliced. */
    private LogSlice slice(long offset, long upperBound, SegmentSlicer slicer)
            throws IOException, OffsetOutOfRangeException {
        while (true) {
            long start = logStartOffset;
            long end = logEndOffset;
            if (offset < start || offset > end) {
                throw new OffsetOutOfRangeException(offset, start, end);
            }
            if (offset >= Math.min(end, upperBound)) {
                return LogSlice.empty();
            }
            Segment segment = segments.floor(offset);
            if (segment == null) {
                offset = segments.firstBaseOffset(); // below the first segment but not below the start: a gap
                continue;
            }
            if (!segment.tryRetain()) {
                continue; // removed by retention or compaction since the lookup; look again
            }
            LogSlice slice = null;
            try {
                slice = slicer.slice(segment, offset, end);
            } finally {
                if (slice == null || slice.isEmpty()) {
                    segment.release();
                }
            }
            if (slice != null) {
                return slice;
            }
            long next = segments.nextBaseOffset(segment.baseOffset());
            if (next < 0) {
                return LogSlice.empty();
            }
            offset = next;
        }
    }

    /**
     * The aborted transactions a read_committed consumer needs for records from {@code from} up
     * to {@code upTo}: those whose ABORT marker is at or after {@code from} and whose first record
     * is below {@code upTo}. Markers lie after their transaction's records, so the segments from
     * the one holding {@code from} on hold every such entry.
     */
    public List<AbortedTransaction> abortedTransactions(long from, long upTo) {
        return segments.abortedTransactions(from, upTo);
    }

    /**
     * Records from {@code offset} on, decoded, reading about {@code maxBytes} (at least one
     * batch). Control batches and offsets removed by compaction are skipped, and so is a batch
     * whose records cannot be read (reported to the engine's {@link UnreadableBatches}).
     */
    public List<LogRecord> readRecords(long offset, int maxBytes) throws IOException, OffsetOutOfRangeException {
        return readRecords(offset, maxBytes, false);
    }

    /**
     * As {@link #readRecords}, for a read_committed reader (a share group's
     * {@code share.isolation.level}): only records below the last stable offset, and none of an
     * aborted transaction.
     */
    public List<LogRecord> readCommittedRecords(long offset, int maxBytes) throws IOException, OffsetOutOfRangeException {
        return readRecords(offset, maxBytes, true);
    }

    private List<LogRecord> readRecords(long offset, int maxBytes, boolean committed)
            throws IOException, OffsetOutOfRangeException {
        long position = offset;
        long end = committed ? lastStableOffset : logEndOffset;
        while (position < end) {
            ByteBuffer bytes;
            long nextBatch;
            try (LogSlice slice = read(position, maxBytes, true, end)) {
                if (slice.isEmpty()) {
                    return List.of();
                }
                bytes = slice.readBytes();
            }
            RecordFormat.AbortedBatches aborted = committed
                    ? AbortedTransaction.batchTest(abortedTransactions(position, end)) : RecordFormat.AbortedBatches.NONE;
            List<LogRecord> records = RecordFormat.decode(bytes, position, aborted, unreadable);
            if (!records.isEmpty()) {
                return records;
            }
            nextBatch = lastOffsetOfWholeBatches(bytes) + 1;
            if (nextBatch <= position) {
                return List.of();
            }
            position = nextBatch;
        }
        return List.of();
    }

    private static long lastOffsetOfWholeBatches(ByteBuffer bytes) {
        long last = -1;
        int position = 0;
        while (position + BatchHeader.SIZE <= bytes.limit()) {
            BatchHeader header = RecordFormat.readHeader(bytes, position);
            if (position + header.sizeInBytes() > bytes.limit()) {
                break;
            }
            last = header.lastOffset();
            position += header.sizeInBytes();
        }
        return last;
    }

    // ---------------------------------------------------------------- offsets by time

    /** ListOffsets "by time": the first record with a timestamp at or after {@code timestamp}. */
    public Optional<TimestampedOffset> offsetForTimestamp(long timestamp) throws IOException {
        return TimestampLookup.firstAtOrAfter(segments, logStartOffset, timestamp);
    }

    /** ListOffsets MAX_TIMESTAMP: the record with the largest timestamp (the earliest such record). */
    public Optional<TimestampedOffset> maxTimestampOffset() throws IOException {
        return TimestampLookup.maxTimestamp(segments);
    }

    // ---------------------------------------------------------------- deletion

    /**
     * DeleteRecords: moves the log start offset to {@code offset} and deletes the segments
     * wholly below it. Records below the start offset are never returned again.
     *
     * @return the new log start offset
     */
    public long deleteRecordsBefore(long offset) throws IOException, OffsetOutOfRangeException {
        writeLock.lock();
        try {
            if (offset > highWatermark() || offset < 0) {
                throw new OffsetOutOfRangeException(offset, logStartOffset, highWatermark());
            }
            if (offset > logStartOffset) {
                logStartOffset = offset;
                logStartCheckpoint.write(offset);
                for (Segment segment : Retention.below(segments, offset)) {
                    segments.remove(segment);
                    segment.retire(true);
                }
            }
            return logStartOffset;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Retention (cleanup.policy=delete): deletes the oldest segments whose newest record is older
     * than retention.ms, then as many as needed to bring the log under retention.bytes. Whole
     * segments only; the active segment is rolled first when it alone has expired.
     *
     * @return the number of segments deleted
     */
    public int enforceRetention() throws IOException {
        LogConfig current = config;
        if (!current.delete()) {
            return 0;
        }
        writeLock.lock();
        try {
            List<Segment> expired = Retention.expired(segments, current, clock.millis());
            for (Segment segment : expired) {
                if (segment == segments.active()) {
                    roll();
                }
                deleteOldest(segment);
            }
            return expired.size();
        } finally {
            writeLock.unlock();
        }
    }

    private void deleteOldest(Segment segment) throws IOException {
        segments.remove(segment);
        long newStart = segments.firstBaseOffset();
        if (newStart > logStartOffset) {
            logStartOffset = newStart;
            logStartCheckpoint.write(newStart);
        }
        log.info("Deleting segment {} of {} (retention); log start offset now {}", segment.baseOffset(),
                topicPartition, logStartOffset);
        segment.retire(true);
    }

    // ---------------------------------------------------------------- compaction

    /** What the engine hands the {@link dev.trilog.log.cleaner.LogCleaner}: one instance per partition. */
    CleanableLog cleanable() {
        return cleanable;
    }

    /** The cleaner's view: reads without the lock, swaps segments under it. */
    private final class Cleanable implements CleanableLog {

        @Override
        public TopicPartition topicPartition() {
            return topicPartition;
        }

        @Override
        public LogConfig config() {
            return config;
        }

        @Override
        public long now() {
            return clock.millis();
        }

        @Override
        public Path dir() {
            return dir;
        }

        @Override
        public List<Segment> sealedSegments() {
            return segments.sealed();
        }

        @Override
        public long lastStableOffset() {
            return lastStableOffset;
        }

        @Override
        public List<AbortedTransaction> abortedTransactions() {
            return segments.abortedTransactions(logStartOffset, Long.MAX_VALUE);
        }

        @Override
        public void replace(Segment original, Replacement replacement) throws IOException {
            writeLock.lock();
            try {
                segments.replace(original, replacement.install());
            } finally {
                writeLock.unlock();
            }
        }

        @Override
        public void drop(Segment original) {
            writeLock.lock();
            try {
                segments.drop(original);
            } finally {
                writeLock.unlock();
            }
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /** Flushes and closes every segment; the active segment's indexes are trimmed for a clean start. */
    @Override
    public void close() throws IOException {
        writeLock.lock();
        try {
            flush();
            producerStates.writeSnapshot(dir, logEndOffset);
            segments.close();
        } finally {
            writeLock.unlock();
        }
        durability.failAll(new IOException("partition " + topicPartition + " closed"));
    }

    /** Closes and deletes every file of the partition (topic deletion). */
    void deleteAll() throws IOException {
        writeLock.lock();
        try {
            segments.deleteAll();
            storage.forget();
            durability.failAll(new IOException("partition " + topicPartition + " deleted"));
            logStartCheckpoint.delete();
            Files.deleteIfExists(dir.resolve(ProducerStates.SNAPSHOT_FILE));
        } finally {
            writeLock.unlock();
        }
        DurableFiles.deleteDirectoryWhenEmpty(dir);
    }

    /**
     * Hard-links every file of this partition into {@code target} as it is now, under the write
     * lock (no append, roll, retention or compaction swap in between), for a checkpoint
     * ({@link LogEngine#checkpoint}). Sealed segments and their indexes never change in place
     * (compaction and retention replace or unlink them, which leaves a link intact), and the
     * producer-state snapshot and log-start checkpoint are replaced atomically; the active segment
     * grows after this, so its length now is recorded. The offset and time indexes are left out,
     * the active segment's because they are written in place, every other's because they may be
     * preallocated (sparse, 10 MiB each by default) and are cheaper to rebuild than to send:
     * whoever opens the copy rebuilds what is missing. The aborted-transaction indexes are kept
     * (a load rebuilds them only after the producer-state snapshot).
     *
     * @param prefix the path of {@code target} relative to the checkpoint, for the entries returned
     */
    List<EngineCheckpoint.File> linkInto(Path target, String prefix) throws IOException {
        writeLock.lock();
        try {
            Files.createDirectories(target);
            Segment active = segments.active();
            String activeLog = active.logFile().getFileName().toString();
            List<EngineCheckpoint.File> linked = new ArrayList<>();
            try (var files = Files.list(dir)) {
                for (Path file : files.sorted().toList()) {
                    String name = file.getFileName().toString();
                    if (!Files.isRegularFile(file) || name.endsWith(SegmentFiles.INDEX)
                            || name.endsWith(SegmentFiles.TIME_INDEX) || name.endsWith(SegmentFiles.CLEANED)
                            || name.endsWith(SegmentFiles.SWAP) || name.endsWith(".tmp")) {
                        continue;
                    }
                    long length = name.equals(activeLog) ? active.size() : Files.size(file);
                    Files.createLink(target.resolve(name), file);
                    linked.add(new EngineCheckpoint.File(prefix + "/" + name, length));
                }
            }
            return linked;
        } finally {
            writeLock.unlock();
        }
    }

    /** For tests and tools: every segment's base offset, oldest first. */
    public List<Long> segmentBaseOffsets() {
        return segments.baseOffsets();
    }

    @Override
    public String toString() {
        return "PartitionLog(" + topicPartition + ", [" + logStartOffset + ", " + logEndOffset + "))";
    }
}
