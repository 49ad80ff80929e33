package dev.trilog.log.segment;

import dev.trilog.log.record.BatchHeader;
import dev.trilog.log.record.PreparedAppend;
import dev.trilog.log.record.RecordFormat;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One file of a partition's log: the batches from {@code baseOffset} on, exactly as Kafka
 * stores them ({@code <baseOffset>.log}), with its {@link OffsetIndex}, {@link TimeIndex} and
 * {@link TransactionIndex} (the aborted transactions whose ABORT marker it holds).
 *
 * <p>Threading: one writer appends (the partition serialises appends); readers read without
 * locks. {@link #size()} is published after each write completes, so a reader never sees part
 * of a batch. Readers that hand the file to the network {@link #tryRetain()} the segment first:
 * a segment that retention or compaction removes is closed and unlinked only when its last
 * reader {@link #release()}s it.
 *
 * <p>A write that fails part-way (a full disk) leaves the file as it was: the bytes it wrote past
 * the last whole batch are cut off before the failure is thrown, or before the next append when
 * that cut fails too, so neither a later append nor a start that trusts the file meets them.
 */
public final class Segment {

    private static final Logger log = LoggerFactory.getLogger(Segment.class);

    /** Opens a segment's log file. */
    @FunctionalInterface
    interface ChannelOpener {
        FileChannel open(Path file, OpenOption... options) throws IOException;
    }

    /**
     * How log files are opened: a seam for tests, which make writes fail as on a full disk
     * without filling one.
     */
    static volatile ChannelOpener channels = FileChannel::open;

    private final Path dir;
    private final long baseOffset;
    private final FileChannel channel;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final TransactionIndex txnIndex;
    private final int indexIntervalBytes;
    private final AtomicInteger refs = new AtomicInteger(1);

    private volatile int size;
    private volatile long nextOffset;
    private volatile long maxTimestamp = RecordFormat.NO_TIMESTAMP;
    private volatile long offsetOfMaxTimestamp;
    private volatile long rollBaseTimestamp = RecordFormat.NO_TIMESTAMP;
    private volatile boolean deleteFilesOnClose;
    private volatile boolean retired;
    /**
     * A compacted copy whose files still have their {@link SegmentFiles#CLEANED} names
     * ({@link #openCleaned}) until {@link #cleanedFilesMoved}; its transaction index is the
     * original's file, which deleting the copy must leave alone.
     */
    private volatile boolean cleanedCopy;
    private int bytesSinceLastIndexEntry;
    /**
     * A failed write left bytes past {@link #size} that could not be cut off yet. The writer's,
     * and the sealer's once the segment has rolled (the hand-over orders the two).
     */
    private boolean tornTail;

    private Segment(Path dir, long baseOffset, FileChannel channel, OffsetIndex offsetIndex, TimeIndex timeIndex,
            int indexIntervalBytes) throws IOException {
        this.dir = dir;
        this.baseOffset = baseOffset;
        this.channel = channel;
        this.offsetIndex = offsetIndex;
        this.timeIndex = timeIndex;
        this.txnIndex = new TransactionIndex(SegmentFiles.txnIndex(dir, baseOffset));
        this.indexIntervalBytes = indexIntervalBytes;
        this.size = (int) channel.size();
        this.nextOffset = baseOffset;
        this.offsetOfMaxTimestamp = baseOffset;
    }

    /**
     * Opens the compacted copy of the segment at {@code baseOffset} written to
     * {@code <base>.log.cleaned}: builds its indexes under {@code .cleaned} names too and seals it
     * (everything fsynced), so that swapping it in is only renames ({@link #cleanedFilesMoved}):
     * the partition's write lock is not held while the copy is read.
     */
    public static Segment openCleaned(Path dir, long baseOffset, int maxIndexBytes, int indexIntervalBytes)
            throws IOException {
        FileChannel channel = channels.open(SegmentFiles.cleaned(SegmentFiles.log(dir, baseOffset)),
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        Segment segment = new Segment(dir, baseOffset, channel,
                new OffsetIndex(SegmentFiles.cleaned(SegmentFiles.offsetIndex(dir, baseOffset)), baseOffset,
                        maxIndexBytes, true, false),
                new TimeIndex(SegmentFiles.cleaned(SegmentFiles.timeIndex(dir, baseOffset)), baseOffset,
                        maxIndexBytes, true, false),
                indexIntervalBytes);
        segment.cleanedCopy = true;
        try {
            segment.recover();
            segment.seal();
        } catch (IOException | RuntimeException e) {
            segment.retire(true);
            throw e;
        }
        return segment;
    }

    /** The copy's files were renamed to the segment's own names: it now stands for the segment. */
    public void cleanedFilesMoved() {
        offsetIndex.movedTo(SegmentFiles.offsetIndex(dir, baseOffset));
        timeIndex.movedTo(SegmentFiles.timeIndex(dir, baseOffset));
        cleanedCopy = false;
    }

    /** A new, empty, active segment. */
    public static Segment create(Path dir, long baseOffset, int maxIndexBytes, int indexIntervalBytes)
            throws IOException {
        Files.deleteIfExists(SegmentFiles.offsetIndex(dir, baseOffset));
        Files.deleteIfExists(SegmentFiles.timeIndex(dir, baseOffset));
        Files.deleteIfExists(SegmentFiles.txnIndex(dir, baseOffset));
        Path logFile = SegmentFiles.log(dir, baseOffset);
        FileChannel channel = channels.open(logFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            return new Segment(dir, baseOffset, channel,
                    new OffsetIndex(SegmentFiles.offsetIndex(dir, baseOffset), baseOffset, maxIndexBytes, true, false),
                    new TimeIndex(SegmentFiles.timeIndex(dir, baseOffset), baseOffset, maxIndexBytes, true, false),
                    indexIntervalBytes);
        } catch (IOException | RuntimeException e) {
            // (a full disk) the empty file goes too, or every later roll to this offset would find it there
            try {
                channel.close();
                Files.deleteIfExists(logFile);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * Opens a segment written by an earlier run.
     *
     * @param active  the partition's last segment, which takes appends
     * @param recover scan and verify every batch, truncate a torn or corrupt tail and rebuild the
     *                indexes (after an unclean shutdown); otherwise trust the files, rebuilding
     *                an index only when it is missing or fails its sanity check
     */
    public static Segment open(Path dir, long baseOffset, int maxIndexBytes, int indexIntervalBytes, boolean active,
            boolean recover) throws IOException {
        Path offsetFile = SegmentFiles.offsetIndex(dir, baseOffset);
        Path timeFile = SegmentFiles.timeIndex(dir, baseOffset);
        boolean indexesPresent = Files.exists(offsetFile) && Files.exists(timeFile);
        boolean trust = indexesPresent && !recover;
        FileChannel channel = channels.open(SegmentFiles.log(dir, baseOffset), StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        boolean writable = active || !trust; // a rebuild writes the index even of a sealed segment
        Segment segment = new Segment(dir, baseOffset, channel,
                new OffsetIndex(offsetFile, baseOffset, maxIndexBytes, writable, trust),
                new TimeIndex(timeFile, baseOffset, maxIndexBytes, writable, trust),
                indexIntervalBytes);
        if (trust) {
            if (segment.offsetIndex.looksValid(segment.size) && segment.loadTailQuietly()
                    && segment.timeIndex.looksValid(segment.nextOffset - 1)) {
                return segment;
            }
            log.warn("Index of segment {} in {} is damaged; rebuilding it", baseOffset, dir);
            segment.close();
            return open(dir, baseOffset, maxIndexBytes, indexIntervalBytes, active, true);
        }
        segment.recover();
        if (!active) {
            segment.seal();
        }
        return segment;
    }

    public long baseOffset() {
        return baseOffset;
    }

    /** Bytes of complete batches in the file. */
    public int size() {
        return size;
    }

    /** The offset the next batch appended here would get; the base offset when empty. */
    public long nextOffset() {
        return nextOffset;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The largest record timestamp, or the file's modification time when no batch has one. */
    public long largestTimestamp() throws IOException {
        long ts = maxTimestamp;
        return ts != RecordFormat.NO_TIMESTAMP ? ts : Files.getLastModifiedTime(logFile()).toMillis();
    }

    /** The largest record timestamp, or {@link RecordFormat#NO_TIMESTAMP}. */
    public long maxTimestamp() {
        return maxTimestamp;
    }

    /** The last offset of the batch that holds {@link #maxTimestamp()}. */
    public long offsetOfMaxTimestamp() {
        return offsetOfMaxTimestamp;
    }

    /** The time segment.ms counts from: the first batch's timestamp, as in Kafka, or -1 when empty. */
    public long rollBaseTimestamp() {
        return rollBaseTimestamp;
    }

    public Path logFile() {
        Path file = SegmentFiles.log(dir, baseOffset);
        return cleanedCopy ? SegmentFiles.cleaned(file) : file;
    }

    public FileChannel channel() {
        return channel;
    }

    public boolean indexFull() {
        return offsetIndex.isFull() || timeIndex.isFull();
    }

    /**
     * Writes batches whose offsets the partition has assigned. Only the partition's writer calls
     * this. When the write fails nothing changes: the bytes it got onto the file are cut off
     * again (see {@link #cutTornTail}) and the segment takes the next append where this one
     * would have gone.
     */
    public void append(PreparedAppend prepared, long now) throws IOException {
        int position = size;
        if (tornTail) {
            channel.truncate(position);
            tornTail = false;
        }
        ByteBuffer bytes = prepared.bytes().duplicate();
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes, position + bytes.position());
            }
        } catch (IOException e) {
            cutTornTail(position, e);
            throw e;
        }
        if (rollBaseTimestamp == RecordFormat.NO_TIMESTAMP) {
            long first = prepared.batches().get(0).maxTimestamp();
            rollBaseTimestamp = first >= 0 ? first : now;
        }
        for (BatchHeader batch : prepared.batches()) {
            indexBatch(batch, position);
            position += batch.sizeInBytes();
        }
        nextOffset = prepared.lastOffset() + 1;
        size = position;
    }

    /**
     * After a failed write: truncates the file back to {@code goodSize}, the end of the last
     * whole batch. The write may have put part of a batch there, which a start that trusts the
     * file (after a clean shutdown) would take for a batch. When the truncation fails too, the
     * next append, or the seal at a roll or shutdown, retries it first; a shutdown that cannot
     * make it is not marked clean, so the next start verifies this segment and cuts them off.
     */
    private void cutTornTail(int goodSize, IOException failure) {
        try {
            if (channel.size() > goodSize) {
                channel.truncate(goodSize);
            }
        } catch (IOException e) {
            tornTail = true;
            failure.addSuppressed(e);
            log.warn("Could not cut the partly written batch off {} at {} after a failed write: {}", logFile(),
                    goodSize, e.toString());
        }
    }

    private void indexBatch(BatchHeader batch, int position) {
        if (batch.maxTimestamp() > maxTimestamp) {
            maxTimestamp = batch.maxTimestamp();
            offsetOfMaxTimestamp = batch.lastOffset();
        }
        if (bytesSinceLastIndexEntry > indexIntervalBytes && !offsetIndex.isFull()) {
            offsetIndex.append(batch.baseOffset(), position);
            timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp);
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += batch.sizeInBytes();
    }

    /** Records an aborted transaction whose ABORT marker was just appended here. */
    public void addAbortedTransaction(AbortedTransaction aborted) throws IOException {
        txnIndex.append(aborted);
    }

    /** The aborted transactions whose ABORT marker is in this segment, in marker order. */
    public java.util.List<AbortedTransaction> abortedTransactions() {
        return txnIndex.entries();
    }

    /** Recovery: forgets the aborted transactions whose marker is at or after {@code offset}, to replay them. */
    public void truncateAbortedTransactionsFrom(long offset) throws IOException {
        txnIndex.truncateFrom(offset);
    }

    /** Where the batch holding {@code offset} (or the first batch after it) starts. */
    public record BatchPosition(int position, BatchHeader header) {
    }

    /**
     * Finds the first batch whose last offset is at least {@code offset}, at or before
     * {@code maxPosition}; null when there is none in this segment.
     */
    public BatchPosition find(long offset, int maxPosition) throws IOException {
        OffsetIndex.Position start = offsetIndex.lookup(offset);
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
        int position = start.position();
        while (position + BatchHeader.SIZE <= maxPosition) {
            BatchHeader batch = readHeader(header, position);
            if (batch.sizeInBytes() < BatchHeader.SIZE) {
                throw new IOException("unreadable batch header at " + position + " of " + logFile());
            }
            if (batch.lastOffset() >= offset) {
                return new BatchPosition(position, batch);
            }
            position += batch.sizeInBytes();
        }
        return null;
    }

    /** The offset from which a scan finds the first record at or after {@code timestamp}. */
    public long timeIndexStart(long timestamp) {
        return timeIndex.lookupStartOffset(timestamp);
    }

    /**
     * Hands the segment's batches to {@code consumer} in chunks of whole batches of about
     * {@code chunkBytes} (at least one batch each), so a large segment is never read whole.
     *
     * <p>One read per chunk, the batch boundaries found in memory: a read of each batch's header
     * was a system call per batch, and a compaction of the share-state log (400k one-record
     * batches per segment, read three times) spent most of its 3.5 s of CPU in them.
     */
    public void forEachChunk(int chunkBytes, ChunkConsumer consumer) throws IOException {
        int end = size;
        int position = 0;
        while (position + BatchHeader.SIZE <= end) {
            ByteBuffer chunk = read(position, Math.min(Math.max(chunkBytes, BatchHeader.SIZE), end - position));
            int whole = wholeBatches(chunk);
            if (whole == 0) {
                int batchSize = RecordFormat.readHeader(chunk, 0).sizeInBytes();
                if (batchSize < BatchHeader.SIZE || position + batchSize > end) {
                    throw new IOException("unreadable batch at " + position + " of " + logFile());
                }
                chunk = read(position, batchSize); // one batch larger than a chunk
                whole = batchSize;
            }
            chunk.limit(whole);
            consumer.accept(chunk.slice());
            position += whole;
        }
    }

    /** How many bytes at the start of {@code chunk} are whole batches with readable sizes. */
    private static int wholeBatches(ByteBuffer chunk) {
        int end = chunk.limit();
        int at = 0;
        while (at + BatchHeader.SIZE <= end) {
            int batchSize = RecordFormat.readHeader(chunk, at).sizeInBytes();
            if (batchSize < BatchHeader.SIZE || at + batchSize > end) {
                break;
            }
            at += batchSize;
        }
        return at;
    }

    /** Receives chunks from {@link #forEachChunk}. */
    @FunctionalInterface
    public interface ChunkConsumer {
        void accept(ByteBuffer batches) throws IOException;
    }

    /** Reads {@code length} bytes from {@code position} into a new heap buffer. */
    public ByteBuffer read(int position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        readFully(buffer, position);
        buffer.flip();
        return buffer;
    }

    /** The header of the batch starting at {@code position}, CRC unchecked. */
    public BatchHeader headerAt(int position) throws IOException {
        return readHeader(ByteBuffer.allocate(BatchHeader.SIZE), position);
    }

    private BatchHeader readHeader(ByteBuffer header, int position) throws IOException {
        header.clear();
        readFully(header, position);
        return RecordFormat.readHeader(header, 0);
    }

    private void readFully(ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new EOFException("unexpected end of " + logFile() + " at " + (position + buffer.position()));
            }
        }
    }

    private boolean loadTailQuietly() {
        try {
            loadTail();
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Restores the in-memory state of a trusted segment without reading it whole: the last
     * time-index entry holds the largest timestamp up to the last index point, and the batches
     * after the last offset-index entry (at most index.interval.bytes) are scanned.
     */
    private void loadTail() throws IOException {
        if (size == 0) {
            return;
        }
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
        rollBaseTimestamp = readHeader(header, 0).maxTimestamp();
        TimeIndex.Entry last = timeIndex.lastEntry();
        if (last != null) {
            maxTimestamp = last.timestamp();
            offsetOfMaxTimestamp = last.offset();
        }
        int position = offsetIndex.lookup(Long.MAX_VALUE).position();
        while (position + BatchHeader.SIZE <= size) {
            BatchHeader batch = readHeader(header, position);
            if (batch.sizeInBytes() < BatchHeader.SIZE) {
                throw new IOException("unreadable batch header at " + position + " of " + logFile());
            }
            if (batch.maxTimestamp() > maxTimestamp) {
                maxTimestamp = batch.maxTimestamp();
                offsetOfMaxTimestamp = batch.lastOffset();
            }
            nextOffset = batch.lastOffset() + 1;
            position += batch.sizeInBytes();
        }
    }

    /**
     * Verifies every batch (length, offsets increasing, CRC), truncates the file at the first
     * one that fails, and rebuilds both indexes.
     *
     * @return the number of bytes cut off the end
     */
    public int recover() throws IOException {
        long fileSize = channel.size();
        offsetIndex.truncateToPosition(0);
        timeIndex.truncateAfterOffset(baseOffset - 1);
        maxTimestamp = RecordFormat.NO_TIMESTAMP;
        rollBaseTimestamp = RecordFormat.NO_TIMESTAMP;
        bytesSinceLastIndexEntry = 0;
        long expectedNext = baseOffset;
        int position = 0;
        ByteBuffer batchBuffer = ByteBuffer.allocate(64 * 1024);
        while (position + BatchHeader.SIZE <= fileSize) {
            ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
            BatchHeader batch = readHeader(header, position);
            int batchSize = batch.sizeInBytes();
            if (batchSize < BatchHeader.SIZE || position + (long) batchSize > fileSize || batch.baseOffset() < expectedNext
                    || batch.lastOffsetDelta() < 0) {
                break;
            }
            if (batchBuffer.capacity() < batchSize) {
                batchBuffer = ByteBuffer.allocate(batchSize);
            }
            batchBuffer.clear().limit(batchSize);
            readFully(batchBuffer, position);
            if (!RecordFormat.isIntact(batchBuffer, 0, batchSize)) {
                break;
            }
            if (rollBaseTimestamp == RecordFormat.NO_TIMESTAMP) {
                rollBaseTimestamp = batch.maxTimestamp();
            }
            indexBatch(batch, position);
            expectedNext = batch.lastOffset() + 1;
            position += batchSize;
        }
        int truncated = (int) (fileSize - position);
        if (truncated > 0) {
            log.warn("Truncating {} bytes of torn or corrupt data at position {} of {}", truncated, position, logFile());
            channel.truncate(position);
        }
        size = position;
        nextOffset = expectedNext;
        return truncated;
    }

    /**
     * This segment stops taking appends: bytes a failed write left past its end are cut off,
     * indexes shrink to their entries, everything is fsynced.
     */
    public void seal() throws IOException {
        if (tornTail) {
            channel.truncate(size);
            tornTail = false;
        }
        if (maxTimestamp != RecordFormat.NO_TIMESTAMP) {
            timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp);
        }
        flush();
        offsetIndex.seal();
        timeIndex.seal();
    }

    /** fsync of the log file alone: what makes appended batches durable. */
    public void flushLog() throws IOException {
        channel.force(false);
    }

    /** fsync of the log file and the indexes. */
    public void flush() throws IOException {
        channel.force(false);
        offsetIndex.flush();
        timeIndex.flush();
        txnIndex.flush();
    }

    /** Takes a reference for a reader; false when the segment has already been removed. */
    public boolean tryRetain() {
        if (retired) {
            return false;
        }
        while (true) {
            int current = refs.get();
            if (current <= 0) {
                return false;
            }
            if (refs.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /** Drops a reference; the last one closes the file (and deletes it, if it was retired that way). */
    public void release() {
        if (refs.decrementAndGet() == 0) {
            closeFiles();
        }
    }

    /** The partition no longer lists this segment; its files go once no reader holds it. */
    public void retire(boolean deleteFiles) {
        deleteFilesOnClose = deleteFiles;
        retired = true;
        release();
    }

    /** Closes the file now (shutdown); indexes of the active segment are trimmed by the caller first. */
    public void close() {
        retire(false);
    }

    private void closeFiles() {
        try {
            channel.close();
            txnIndex.close();
            if (deleteFilesOnClose) {
                Files.deleteIfExists(logFile());
                Files.deleteIfExists(offsetIndex.file());
                Files.deleteIfExists(timeIndex.file());
                if (!cleanedCopy) {
                    Files.deleteIfExists(txnIndex.file());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("closing segment " + logFile(), e);
        }
    }

    @Override
    public String toString() {
        return "Segment(" + logFile() + ", size=" + size + ", next=" + nextOffset + ")";
    }
}
