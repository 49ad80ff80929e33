package dev.trilog.log.share;

import dev.trilog.log.OffsetOutOfRangeException;
import dev.trilog.log.PartitionLog;
import dev.trilog.log.record.LogRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Per-record delivery over one partition for one share group: the primitive behind AMQP and
 * SQS queues, modelled on Kafka's KIP-932 share groups.
 *
 * <pre>
 *                acquire                      acknowledge
 *   AVAILABLE ──────────────▶ ACQUIRED ─────────────────────▶ ACKNOWLEDGED
 *       ▲   (acquisitions+1)  │  │  │
 *       │  release / lock expiry / extendLock(past) │  │ reject
 *       ├──────────────────────────────────┘  │  ▼
 *       │  releaseFailed (failed+1)         │  ARCHIVED ◀── the delivery limit reached on
 *       └────────────────────────────────────┘              release, failure or lock expiry
 * </pre>
 *
 * <p>Offsets below {@link #startOffset()} are done; the start moves past contiguous
 * acknowledged or archived records. Records between the start and the fetch position are in an
 * {@link InFlightWindow}; records past it are available and never delivered. Delivery is in
 * offset order, skipping records whose not-before time has not come and, for FIFO groups
 * ({@link DeliveryPolicy#orderingKey}), records of a group that has one in flight or an earlier
 * one waiting. On the last allowed attempt a record is handed out alone, so one poison record
 * cannot sink a batch.
 *
 * <p>Durability: the state (start offset, acknowledged and archived records, delivery counts)
 * goes to the {@link StateJournal} with group commit. {@link #acquire} returns after the new
 * delivery counts are written, so counts never go backwards; {@link #acknowledge} and
 * {@link #reject} complete when their change is durable, so an acknowledged record never comes
 * back. Locks are not written: after a restart a record that was in flight is available again,
 * with its count.
 *
 * <p>Thread-safe: every method locks the cursor; journal writes are awaited outside the lock.
 */
public final class ShareCursor {

    /**
     * A lock that never runs out ({@link #acquire}'s {@code lockMs}, {@link #extendLock}): the
     * record stays with its consumer until it is settled or released (AMQP: while the link
     * lives). Locks are not durable, so after a restart such a record is available again.
     */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    private static final int READ_CHUNK_BYTES = 1 << 20;
    /** What a slot's byte size adds to its record's value and key (an acquire's byte budget counts it). */
    private static final int RECORD_OVERHEAD_BYTES = 16;

    private final PartitionLog log;
    private final String group;
    private final String journalKey;
    /** Replaced by {@link #reconfigure} (a share group's config changed); read under this lock. */
    private volatile ShareGroupSettings settings;
    private final DeliveryPolicy policy;
    private final InstantSource clock;
    private final StateJournal journal;
    private final ArchiveListener archiveListener;
    private final InFlightWindow window;
    private final PriorityQueue<Lock> locks = new PriorityQueue<>((a, b) -> Long.compare(a.deadline, b.deadline));
    private final Map<String, Integer> consumerIds = new HashMap<>();
    private final Map<String, Integer> groupIds = new HashMap<>();
    private final Map<Integer, Integer> groupsInFlight = new HashMap<>();
    /** Durable state read at start for offsets not yet back in the window. */
    private final TreeMap<Long, ShareSnapshot.Run> restored = new TreeMap<>();
    /** Records read from the log past the window's end but not yet materialised. */
    private final ReadAhead readAhead = new ReadAhead();
    private long archivedTotal;
    /** {@code window.end()} as the last acquire or purge left it, for {@link #undeliveredEstimate()}. */
    private volatile long fetchedUpTo;
    /**
     * Whether this cursor has no state yet: none was saved, nothing acquired, no reset. Only then
     * does {@link #startAtIfNew} move its start (Kafka's {@code share.auto.offset.reset}). Guarded by this.
     */
    private boolean untouched;
    /** Set by {@link #retire}: this cursor's view is no longer the one written. Guarded by this. */
    private boolean retired;
    /**
     * Changes made by {@link #acknowledgeAllWithNextWrite} and not yet written: their futures,
     * completed by the next state write of this cursor. Null when there are none. Guarded by this.
     */
    private List<CompletableFuture<Void>> unwritten;

    private record Lock(long deadline, long offset, int acquisitions) {
    }

    ShareCursor(PartitionLog log, String group, String journalKey, ShareGroupSettings settings, DeliveryPolicy policy,
            InstantSource clock, StateJournal journal, ArchiveListener archiveListener) {
        this.log = log;
        this.group = group;
        this.journalKey = journalKey;
        this.settings = settings;
        this.policy = policy;
        this.clock = clock;
        this.journal = journal;
        this.archiveListener = archiveListener;
        byte[] saved = journal.load(journalKey);
        long start = log.logStartOffset();
        if (saved != null) {
            ShareSnapshot snapshot = ShareSnapshot.decode(saved);
            start = Math.max(start, snapshot.startOffset);
            for (ShareSnapshot.Run run : snapshot.runs) {
                if (run.last() >= start) {
                    restored.put(run.first(), run);
                }
            }
        }
        this.window = new InFlightWindow(start, 1024);
        this.fetchedUpTo = start;
        this.untouched = saved == null;
    }

    /**
     * Opens a cursor over {@code log} for {@code group}, restoring its durable state from
     * {@code journal} under {@code journalKey}. The engine keeps one cursor per key.
     */
    public static ShareCursor open(PartitionLog log, String group, String journalKey, ShareGroupSettings settings,
            DeliveryPolicy policy, InstantSource clock, StateJournal journal, ArchiveListener archiveListener) {
        return new ShareCursor(log, group, journalKey, settings, policy, clock, journal, archiveListener);
    }

    public String group() {
        return group;
    }

    /**
     * Applies new settings from now on (a share group's {@code share.delivery.count.limit} or
     * {@code share.isolation.level} changed): records already past the new delivery limit are
     * archived at their next release, not now; records already read into the window stay there.
     */
    public synchronized void reconfigure(ShareGroupSettings newSettings) {
        this.settings = newSettings;
        readAhead.clear(); // read under the old isolation, it may hold records the new one must not deliver
    }

    public ShareGroupSettings settings() {
        return settings;
    }

    public PartitionLog log() {
        return log;
    }

    /**
     * Records appended past what any acquire has reached yet, without taking the lock (publishers
     * ask it on every publish): a slightly stale estimate of the backlog nobody has been given,
     * not counting records released back into the window.
     */
    public long undeliveredEstimate() {
        return Math.max(0, log.logEndOffset() - fetchedUpTo);
    }

    /** Everything below this offset is done (acknowledged, archived, or gone from the log). */
    public synchronized long startOffset() {
        return window.start();
    }

    /**
     * KIP-932's share-partition lag: the offsets from the start offset to the log end that are not
     * yet done (acknowledged or archived) — available, acquired and not yet read alike. Offsets the
     * cursor has not read count unless the durable state says they are done; offsets it read that
     * hold no record (a transaction marker, a compacted record) do not count.
     */
    public synchronized long lag() {
        skipRecordsRemovedFromTheLog();
        long end = Math.max(log.logEndOffset(), window.end());
        long done = 0;
        for (long offset = window.start(); offset < window.end(); offset++) {
            byte state = window.state(window.slot(offset));
            if (state == InFlightWindow.ACKNOWLEDGED || state == InFlightWindow.ARCHIVED
                    || state == InFlightWindow.GAP) {
                done++;
            }
        }
        for (ShareSnapshot.Run run : restored.values()) {
            long first = Math.max(run.first(), window.end());
            long last = Math.min(run.last(), end - 1);
            boolean finished = run.kind() == ShareSnapshot.ACKNOWLEDGED || run.kind() == ShareSnapshot.ARCHIVED;
            if (finished && last >= first) {
                done += last - first + 1;
            }
        }
        return Math.max(0, end - window.start() - done);
    }

    // ---------------------------------------------------------------- acquire

    /**
     * Hands {@code consumer} up to {@code maxRecords} available records (at least one if any,
     * then up to about {@code maxBytes}), locked until now + {@code lockMs} ({@link #NO_DEADLINE}:
     * until settled); each acquisition counts as a delivery. Returns an empty list when nothing
     * is deliverable now, including when the in-flight window is full. Returns once the new
     * delivery counts are durable.
     */
    public List<Delivery> acquire(String consumer, int maxRecords, int maxBytes, long lockMs) {
        Acquisition taken = acquireAsync(consumer, maxRecords, maxBytes, lockMs);
        taken.durable().join();
        return taken.deliveries();
    }

    /**
     * {@link #acquire} for callers that must not wait on the disk: the records are acquired when
     * this returns, and {@link Acquisition#durable()} completes once their new delivery counts
     * are written. Hand them to a consumer only then, or a crash could deliver them again with a
     * count that went backwards.
     */
    public Acquisition acquireAsync(String consumer, int maxRecords, int maxBytes, long lockMs) {
        // the decoding of new records, done before the lock is taken when it can be
        readAhead.prefetch(fetchedUpTo, readableEnd(), maxRecords, from -> readFrom(from, readChunkBytes(maxBytes)));
        List<Delivery> taken;
        synchronized (this) {
            taken = acquireLocked(consumer, maxRecords, maxBytes, lockMs);
        }
        return new Acquisition(taken, taken.isEmpty() ? CompletableFuture.completedFuture(null)
                : writeState());
    }

    /**
     * What {@link #acquireAsync} took.
     *
     * @param deliveries the acquired records, in offset order
     * @param durable    completes once their delivery counts are durable (at once when none)
     */
    public record Acquisition(List<Delivery> deliveries, CompletableFuture<Void> durable) {
    }

    private List<Delivery> acquireLocked(String consumer, int maxRecords, int maxBytes, long lockMs) {
        untouched = false;
        long now = clock.millis();
        expireLocks(now);
        skipRecordsRemovedFromTheLog();
        int consumerId = consumerIds.computeIfAbsent(consumer, c -> consumerIds.size());
        long deadline = lockMs >= NO_DEADLINE - now ? NO_DEADLINE : now + lockMs;
        List<Delivery> out = new ArrayList<>(Math.min(maxRecords, 512));
        Set<Integer> blocked = new HashSet<>();
        int[] bytes = {0};
        // Redeliveries first: they have the lowest offsets.
        long offset = window.start();
        while (out.size() < maxRecords) {
            offset = window.nextAvailable(offset);
            if (offset < 0) {
                break;
            }
            int slot = window.slot(offset);
            if (eligible(slot, now, blocked)) {
                LogRecord record = readOne(offset);
                if (record == null) {
                    window.setState(slot, InFlightWindow.GAP);
                } else if (!offer(slot, record, consumerId, deadline, out, bytes, maxBytes)) {
                    return finish(out);
                }
            }
            offset++;
        }
        // Then records the window has not seen yet.
        while (out.size() < maxRecords && window.size() < settings.maxInFlight() && window.end() < readableEnd()) {
            if (!readAhead.positionAt(window.end(), from -> readFrom(from, readChunkBytes(maxBytes)))) {
                break;
            }
            while (!readAhead.isEmpty()) {
                if (out.size() >= maxRecords || !fitsInWindow(readAhead.peekFirst())) {
                    return finish(out);
                }
                LogRecord record = readAhead.pollFirst();
                int slot = materialize(record);
                if (slot >= 0 && eligible(slot, now, blocked)
                        && !offer(slot, record, consumerId, deadline, out, bytes, maxBytes)) {
                    return finish(out);
                }
            }
        }
        return finish(out);
    }

    private static int readChunkBytes(int maxBytes) {
        return Math.min(maxBytes, READ_CHUNK_BYTES);
    }

    private List<Delivery> finish(List<Delivery> out) {
        fetchedUpTo = window.end();
        return out.isEmpty() ? Collections.emptyList() : out;
    }

    /**
     * Takes the record if the batch has room; false when the batch must end here (byte limit, or
     * a last attempt that must go alone).
     */
    private boolean offer(int slot, LogRecord record, int consumerId, long deadline, List<Delivery> out, int[] bytes,
            int maxBytes) {
        boolean last = lastAttempt(slot);
        int size = window.bytes(slot);
        if (!out.isEmpty() && (last || bytes[0] + size > maxBytes)) {
            return false;
        }
        int acquisitions = window.acquisitions(slot) + 1;
        window.setAcquisitions(slot, acquisitions);
        window.setState(slot, InFlightWindow.ACQUIRED);
        window.setLock(slot, consumerId, deadline);
        addLock(new Lock(deadline, record.offset(), acquisitions));
        int g = window.group(slot);
        if (g >= 0) {
            groupsInFlight.merge(g, 1, Integer::sum);
        }
        bytes[0] += size;
        out.add(new Delivery(record, acquisitions, window.failed(slot), deadline));
        return !last;
    }

    /**
     * Locks are dropped lazily (a settled record's entry stays until its deadline), so without
     * pruning the heap would hold an entry per record acquired in the last lock duration: with
     * SQS's 12-hour visibility timeouts, millions. Live locks are at most the window's size, so
     * pruning when the heap is twice that costs O(1) per lock, amortized.
     */
    private void addLock(Lock lock) {
        locks.add(lock);
        if (locks.size() > 2 * window.size() + 1024) {
            List<Lock> live = new ArrayList<>(window.size());
            for (Lock l : locks) {
                if (isLive(l)) {
                    live.add(l);
                }
            }
            locks.clear();
            locks.addAll(live);
        }
    }

    /** Lock entries kept, live or not yet pruned (for tests). */
    synchronized int lockEntries() {
        return locks.size();
    }

    /** The lock still holds its record: acquired, by that acquisition, until that deadline. */
    private boolean isLive(Lock lock) {
        if (!window.contains(lock.offset)) {
            return false;
        }
        int slot = window.slot(lock.offset);
        return window.state(slot) == InFlightWindow.ACQUIRED && window.acquisitions(slot) == lock.acquisitions
                && window.lockDeadline(slot) == lock.deadline;
    }

    private boolean lastAttempt(int slot) {
        int used = settings.limitCounts() == ShareGroupSettings.LimitCounts.ACQUISITIONS ? window.acquisitions(slot)
                : window.failed(slot);
        return used + 1 >= settings.maxDeliveries();
    }

    /** Deliverable now; a record of a FIFO group that is skipped blocks its group's later records. */
    private boolean eligible(int slot, long now, Set<Integer> blocked) {
        int g = window.group(slot);
        boolean ok = window.notBefore(slot) <= now && (g < 0 || !groupsInFlight.containsKey(g) && !blocked.contains(g));
        if (!ok && g >= 0) {
            blocked.add(g);
        }
        return ok;
    }

    /**
     * Puts a record read from the log at the window's end, with any state restored for it.
     *
     * @return its slot, or -1 when it is already done (restored as acknowledged or archived):
     *         the window may then have moved past it, and a slot index would point at nothing
     */
    private int materialize(LogRecord record) {
        if (window.size() == 0 && window.end() < record.offset()) {
            // nothing in flight: jump over the gap rather than fill it slot by slot (a gap may
            // span billions of offsets, e.g. after an unreadable batch with a huge count)
            window.restartAt(record.offset());
        }
        while (window.end() < record.offset()) {
            window.append(InFlightWindow.GAP, 0, 0, 0, -1, 0, 0);
        }
        byte state = InFlightWindow.AVAILABLE;
        int acquisitions = 0;
        int failed = 0;
        ShareSnapshot.Run run = restoredRun(record.offset());
        if (run != null) {
            if (run.kind() == ShareSnapshot.ACKNOWLEDGED) {
                state = InFlightWindow.ACKNOWLEDGED;
            } else if (run.kind() == ShareSnapshot.ARCHIVED) {
                state = InFlightWindow.ARCHIVED;
            }
            acquisitions = run.acquisitions();
            failed = run.failed();
        }
        String key = state == InFlightWindow.AVAILABLE ? policy.orderingKey(record) : null;
        int groupId = key == null ? -1 : groupIds.computeIfAbsent(key, k -> groupIds.size());
        long notBefore = state == InFlightWindow.AVAILABLE ? policy.notBefore(record) : 0;
        int size = (record.value() == null ? 0 : record.value().remaining())
                + (record.key() == null ? 0 : record.key().remaining()) + RECORD_OVERHEAD_BYTES;
        int slot = window.append(state, acquisitions, failed, notBefore, groupId, record.timestamp(), size);
        if (state != InFlightWindow.AVAILABLE) {
            advanceStart();
            return -1;
        }
        return slot;
    }

    /**
     * Whether the record can join the window within the in-flight cap. The offsets of a gap before
     * it take slots too, so a huge gap waits until the window has drained and is then jumped.
     */
    private boolean fitsInWindow(LogRecord record) {
        return window.size() == 0 || record.offset() - window.start() < settings.maxInFlight();
    }

    private ShareSnapshot.Run restoredRun(long offset) {
        if (restored.isEmpty()) {
            return null; // the usual case once the restored state has been read back
        }
        Map.Entry<Long, ShareSnapshot.Run> entry = restored.floorEntry(offset);
        return entry != null && entry.getValue().last() >= offset ? entry.getValue() : null;
    }

    private void skipRecordsRemovedFromTheLog() {
        long logStart = log.logStartOffset();
        if (window.size() == 0 && window.start() < logStart) {
            window.restartAt(logStart);
            readAhead.clear();
        }
    }

    /** Where this cursor's reading stops: the log's end, or its last stable offset when only committed records go out. */
    private long readableEnd() {
        return settings.readCommitted() ? log.lastStableOffset() : log.logEndOffset();
    }

    private List<LogRecord> readFrom(long offset, int maxBytes) {
        try {
            return settings.readCommitted() ? log.readCommittedRecords(offset, maxBytes)
                    : log.readRecords(offset, maxBytes);
        } catch (OffsetOutOfRangeException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private LogRecord readOne(long offset) {
        for (LogRecord record : readFrom(offset, 1)) {
            if (record.offset() == offset) {
                return record;
            }
            if (record.offset() > offset) {
                break;
            }
        }
        return null; // removed by retention or compaction since it was first read
    }

    // ---------------------------------------------------------------- peek

    /**
     * Up to {@code maxRecords} of the records available now (their not-before time has come), in
     * offset order, <em>without</em> acquiring them: no state, count or lock changes, and nothing
     * is written. An operator's look at a queue (RabbitMQ's "get messages" requeues what it took
     * and so counts a delivery; this does not). A FIFO group's ordering is not applied: a record
     * whose group has one in flight is shown, as it is available once that one is settled.
     * Records read into the window on the way stay there, as {@link #counts()} leaves them.
     */
    public synchronized List<PeekedRecord> peek(int maxRecords) {
        long now = clock.millis();
        expireLocks(now);
        skipRecordsRemovedFromTheLog();
        readIntoWindow(Long.MAX_VALUE);
        List<long[]> wanted = new ArrayList<>();
        for (long offset = window.nextAvailable(window.start()); offset >= 0 && wanted.size() < maxRecords;
                offset = window.nextAvailable(offset + 1)) {
            int slot = window.slot(offset);
            if (window.notBefore(slot) <= now) {
                wanted.add(new long[] {offset, window.acquisitions(slot), window.failed(slot)});
            }
        }
        List<PeekedRecord> out = new ArrayList<>(wanted.size());
        int next = 0;
        while (next < wanted.size()) {
            List<LogRecord> read = readFrom(wanted.get(next)[0], READ_CHUNK_BYTES);
            if (read.isEmpty()) {
                break; // removed by retention since it was read into the window
            }
            long lastRead = read.get(read.size() - 1).offset();
            for (LogRecord record : read) {
                while (next < wanted.size() && wanted.get(next)[0] < record.offset()) {
                    next++; // removed by compaction
                }
                if (next < wanted.size() && wanted.get(next)[0] == record.offset()) {
                    long[] w = wanted.get(next++);
                    out.add(new PeekedRecord(record, (int) w[1], (int) w[2]));
                }
            }
            while (next < wanted.size() && wanted.get(next)[0] <= lastRead) {
                next++;
            }
        }
        // past the in-flight cap the window has not read: never delivered, available unless delayed
        long beyond = Math.max(window.end(), log.logStartOffset());
        while (out.size() < maxRecords && beyond < log.logEndOffset()) {
            List<LogRecord> read = readFrom(beyond, READ_CHUNK_BYTES);
            if (read.isEmpty()) {
                break;
            }
            for (LogRecord record : read) {
                ShareSnapshot.Run run = restoredRun(record.offset());
                boolean done = run != null && (run.kind() == ShareSnapshot.ACKNOWLEDGED || run.kind() == ShareSnapshot.ARCHIVED);
                if (out.size() < maxRecords && !done && policy.notBefore(record) <= now) {
                    out.add(new PeekedRecord(record, run == null ? 0 : run.acquisitions(), run == null ? 0 : run.failed()));
                }
            }
            beyond = read.get(read.size() - 1).offset() + 1;
        }
        return out;
    }

    // ---------------------------------------------------------------- settle

    /**
     * Marks the record done. Completes with {@link Outcome#OK} once that is durable, or at once
     * with why nothing changed.
     *
     * @param acquisitions the delivery's {@link Delivery#acquisitions()}, or -1 to accept any
     */
    public CompletableFuture<Outcome> acknowledge(long offset, int acquisitions) {
        return acknowledge(offset, acquisitions, false);
    }

    /**
     * Like {@link #acknowledge(long, int)}; with {@code evenIfLockExpired} a record whose lock ran
     * out is acknowledged too, as long as nobody acquired it since (its acquisition count is still
     * the caller's). That is SQS's DeleteMessage: a slow consumer's delete with the latest receipt
     * handle still deletes. Kafka share groups and AMQP refuse it, hence the flag.
     */
    public CompletableFuture<Outcome> acknowledge(long offset, int acquisitions, boolean evenIfLockExpired) {
        Outcome outcome;
        synchronized (this) {
            outcome = acknowledgeOne(offset, acquisitions, evenIfLockExpired);
            advanceStart();
        }
        return outcome == Outcome.OK ? writeState().thenApply(v -> Outcome.OK)
                : CompletableFuture.completedFuture(outcome);
    }

    /** Marks one delivery acknowledged, under the cursor's lock; the caller advances the start and writes. */
    private Outcome acknowledgeOne(long offset, int acquisitions, boolean evenIfLockExpired) {
        Outcome outcome = check(offset, acquisitions);
        if (outcome == Outcome.OK) {
            markAcknowledged(window.slot(offset));
        } else if (outcome == Outcome.NOT_ACQUIRED && evenIfLockExpired && acquisitions >= 0) {
            // available again, not acquired since: no lock or FIFO in-flight mark to clear
            window.setState(window.slot(offset), InFlightWindow.ACKNOWLEDGED);
            outcome = Outcome.OK;
        }
        return outcome;
    }

    /**
     * Acknowledges many deliveries with one durable write (AMQP 1.0 disposition ranges, 0-9-1
     * {@code multiple=true}, SQS DeleteMessageBatch). The outcome of each is at its index; the
     * future completes once the OK ones are durable.
     */
    public CompletableFuture<List<Outcome>> acknowledgeAll(List<Delivery> deliveries) {
        List<Outcome> outcomes = new ArrayList<>(deliveries.size());
        boolean changed = false;
        synchronized (this) {
            for (Delivery delivery : deliveries) {
                Outcome outcome = check(delivery.offset(), delivery.acquisitions());
                if (outcome == Outcome.OK) {
                    markAcknowledged(window.slot(delivery.offset()));
                    changed = true;
                }
                outcomes.add(outcome);
            }
            advanceStart();
        }
        return changed ? writeState().thenApply(v -> outcomes)
                : CompletableFuture.completedFuture(outcomes);
    }

    /**
     * {@link #acknowledge(long, int, boolean)} for {@code n} deliveries named by offset and
     * acquisition count, with one durable write for all (AMQP 0-9-1 acks of one read burst, 1.0
     * disposition ranges, SQS DeleteMessageBatch). The outcome of each is at its index; the
     * future completes once the OK ones are durable.
     */
    public CompletableFuture<List<Outcome>> acknowledgeAll(long[] offsets, int[] acquisitions, int n,
            boolean evenIfLockExpired) {
        List<Outcome> outcomes = new ArrayList<>(n);
        boolean changed;
        synchronized (this) {
            changed = acknowledgeLocked(offsets, acquisitions, n, evenIfLockExpired, outcomes);
        }
        return changed ? writeState().thenApply(v -> outcomes)
                : CompletableFuture.completedFuture(outcomes);
    }

    /**
     * {@link #acknowledgeAll(long[], int[], int, boolean)} whose state write is left to this
     * cursor's next one, whoever makes it (an acquisition, another settlement), or to
     * {@link #writeDeferred}: one write then carries both changes. The future still completes
     * only once the acknowledgements are durable. For a caller that knows a write follows soon —
     * a push subscription whose acks give credit back, which wakes a round that acquires (AMQP
     * 0-9-1 acks of one read burst) — and that calls {@link #writeDeferred} when none did.
     */
    public CompletableFuture<List<Outcome>> acknowledgeAllWithNextWrite(long[] offsets, int[] acquisitions, int n) {
        List<Outcome> outcomes = new ArrayList<>(n);
        CompletableFuture<Void> written = new CompletableFuture<>();
        synchronized (this) {
            if (!acknowledgeLocked(offsets, acquisitions, n, false, outcomes)) {
                return CompletableFuture.completedFuture(outcomes);
            }
            if (unwritten == null) {
                unwritten = new ArrayList<>(2);
            }
            unwritten.add(written);
        }
        return written.thenApply(v -> outcomes);
    }

    /** Writes the changes {@link #acknowledgeAllWithNextWrite} left unwritten, if any are. */
    public void writeDeferred() {
        synchronized (this) {
            if (unwritten == null) {
                return;
            }
        }
        writeState();
    }

    /** Acknowledges {@code n} deliveries and advances the start; whether any changed. Locked. */
    private boolean acknowledgeLocked(long[] offsets, int[] acquisitions, int n, boolean evenIfLockExpired,
            List<Outcome> outcomes) {
        boolean changed = false;
        for (int i = 0; i < n; i++) {
            Outcome outcome = acknowledgeOne(offsets[i], acquisitions[i], evenIfLockExpired);
            changed |= outcome == Outcome.OK;
            outcomes.add(outcome);
        }
        advanceStart();
        return changed;
    }

    /**
     * Asks the journal to write this cursor's state, which completes the changes left unwritten
     * too: the snapshot is taken when the journal writes, after they were made, so it holds them.
     */
    private CompletableFuture<Void> writeState() {
        List<CompletableFuture<Void>> carried;
        synchronized (this) {
            carried = unwritten;
            unwritten = null;
        }
        CompletableFuture<Void> written = journal.write(journalKey, this::snapshot);
        if (carried != null) {
            written.whenComplete((v, failure) -> carried.forEach(f -> {
                if (failure == null) {
                    f.complete(null);
                } else {
                    f.completeExceptionally(failure);
                }
            }));
        }
        return written;
    }

    /** Back to available; the failed-delivery count stays (AMQP {@code released}, 0-9-1 requeue). */
    public synchronized Outcome release(long offset, int acquisitions) {
        return returnToAvailable(offset, acquisitions, false);
    }

    /** Back to available with one more failed delivery (AMQP {@code modified{delivery-failed}}). */
    public Outcome releaseFailed(long offset, int acquisitions) {
        Outcome outcome;
        synchronized (this) {
            outcome = returnToAvailable(offset, acquisitions, true);
        }
        if (outcome == Outcome.OK) {
            writeState();
        }
        return outcome;
    }

    /** Gives the record up (archived); completes when durable. */
    public CompletableFuture<Outcome> reject(long offset, int acquisitions) {
        Outcome outcome;
        synchronized (this) {
            outcome = check(offset, acquisitions);
            if (outcome == Outcome.OK) {
                int slot = window.slot(offset);
                settle(slot);
                archive(slot, ArchiveListener.Reason.REJECTED);
            }
        }
        return outcome == Outcome.OK ? writeState().thenApply(v -> Outcome.OK)
                : CompletableFuture.completedFuture(outcome);
    }

    /**
     * Moves the lock's end (SQS ChangeMessageVisibility); a deadline at or before now makes the
     * record available at once, with its count unchanged.
     */
    public synchronized Outcome extendLock(long offset, int acquisitions, long newDeadline) {
        Outcome outcome = check(offset, acquisitions);
        if (outcome != Outcome.OK) {
            return outcome;
        }
        if (newDeadline <= clock.millis()) {
            return returnToAvailable(offset, acquisitions, false);
        }
        int slot = window.slot(offset);
        window.setLock(slot, window.consumer(slot), newDeadline);
        addLock(new Lock(newDeadline, offset, window.acquisitions(slot)));
        return Outcome.OK;
    }

    /** Returns everything {@code consumer} holds (its connection closed); returns how many. */
    public synchronized int releaseAll(String consumer) {
        Integer id = consumerIds.get(consumer);
        if (id == null) {
            return 0;
        }
        int released = 0;
        for (long offset = window.start(); offset < window.end(); offset++) {
            int slot = window.slot(offset);
            if (window.state(slot) == InFlightWindow.ACQUIRED && window.consumer(slot) == id) {
                returnToAvailable(offset, -1, false);
                released++;
            }
        }
        return released;
    }

    private Outcome check(long offset, int acquisitions) {
        expireLocks(clock.millis());
        if (offset >= window.end() && offset < log.logEndOffset()) {
            // a delivery this cursor has not read as far as: one made before a restart, or by the
            // node that served the queue before this one took it over (a retried SQS DeleteMessage
            // comes first). Its state is in the restored runs until its record is read back.
            skipRecordsRemovedFromTheLog();
            readIntoWindow(offset + 1);
        }
        if (!window.contains(offset)) {
            return Outcome.UNKNOWN;
        }
        int slot = window.slot(offset);
        byte state = window.state(slot);
        if (state == InFlightWindow.ACKNOWLEDGED || state == InFlightWindow.ARCHIVED || state == InFlightWindow.GAP) {
            return Outcome.UNKNOWN;
        }
        if (acquisitions >= 0 && window.acquisitions(slot) != acquisitions) {
            return Outcome.STALE;
        }
        return state == InFlightWindow.ACQUIRED ? Outcome.OK : Outcome.NOT_ACQUIRED;
    }

    private Outcome returnToAvailable(long offset, int acquisitions, boolean failedDelivery) {
        Outcome outcome = check(offset, acquisitions);
        if (outcome == Outcome.OK && release(window.slot(offset), failedDelivery)) {
            writeState(); // archiving is a durable change
        }
        return outcome;
    }

    /**
     * An acquired record goes back: available, or archived when it has had its last delivery.
     *
     * @return true when it was archived (its slot may then no longer be valid)
     */
    private boolean release(int slot, boolean failedDelivery) {
        settle(slot);
        if (failedDelivery) {
            window.setFailed(slot, window.failed(slot) + 1);
        }
        int used = settings.limitCounts() == ShareGroupSettings.LimitCounts.ACQUISITIONS ? window.acquisitions(slot)
                : window.failed(slot);
        if (used >= settings.maxDeliveries()) {
            archive(slot, ArchiveListener.Reason.DELIVERY_LIMIT);
            return true;
        }
        window.setState(slot, InFlightWindow.AVAILABLE);
        return false;
    }

    private void markAcknowledged(int slot) {
        settle(slot);
        window.setState(slot, InFlightWindow.ACKNOWLEDGED);
    }

    /** Clears an acquired record's lock and its FIFO group's in-flight mark. */
    private void settle(int slot) {
        window.setLock(slot, -1, 0);
        int g = window.group(slot);
        if (g >= 0) {
            groupsInFlight.computeIfPresent(g, (k, n) -> n > 1 ? n - 1 : null);
        }
    }

    private void archive(int slot, ArchiveListener.Reason reason) {
        window.setState(slot, InFlightWindow.ARCHIVED);
        archivedTotal++;
        archiveListener.archived(group, window.offsetOf(slot), reason);
        advanceStart();
    }

    private void advanceStart() {
        if (window.advanceStart() > 0 && !restored.isEmpty()) {
            restored.headMap(window.start()).entrySet().removeIf(e -> e.getValue().last() < window.start());
        }
    }

    /** Returns records whose lock ended to available (or archives them at the limit). */
    private void expireLocks(long now) {
        boolean archived = false;
        while (!locks.isEmpty() && locks.peek().deadline <= now) {
            Lock lock = locks.poll();
            if (isLive(lock)) {
                archived |= release(window.slot(lock.offset), false);
            }
        }
        if (archived) {
            writeState();
        }
    }

    /** Applies lock expiry now (the engine calls this periodically; every operation also does). */
    public void expireLocks() {
        synchronized (this) {
            expireLocks(clock.millis());
        }
    }

    /**
     * Acknowledges every record that is not in flight, up to the log end (AMQP {@code queue.purge},
     * SQS PurgeQueue): records acquired now stay with their consumers. Completes with how many
     * records were dropped once that is durable.
     *
     * <p>When records are still in flight the window keeps one slot per purged offset behind
     * them until they settle (the snapshot stores them as one acknowledged range).
     */
    public CompletableFuture<Long> purge() {
        return purge(false);
    }

    /**
     * {@link #purge()}, and with {@code includingInFlight} the records consumers hold go too
     * (SQS PurgeQueue deletes in-flight messages; AMQP's queue.purge leaves them): their tags
     * then find nothing to settle.
     */
    public CompletableFuture<Long> purge(boolean includingInFlight) {
        long purged = 0;
        synchronized (this) {
            expireLocks(clock.millis());
            skipRecordsRemovedFromTheLog();
            if (includingInFlight) {
                for (long offset = window.start(); offset < window.end(); offset++) {
                    int slot = window.slot(offset);
                    if (window.state(slot) == InFlightWindow.ACQUIRED) {
                        markAcknowledged(slot);
                        purged++;
                    }
                }
            }
            for (long offset = window.nextAvailable(window.start()); offset >= 0;
                    offset = window.nextAvailable(offset + 1)) {
                window.setState(window.slot(offset), InFlightWindow.ACKNOWLEDGED);
                purged++;
            }
            advanceStart();
            readAhead.clear();
            long logEnd = log.logEndOffset();
            if (window.size() == 0) {
                long from = Math.max(window.start(), log.logStartOffset());
                if (logEnd > from) {
                    purged += logEnd - from;
                    window.restartAt(logEnd);
                }
                restored.clear();
            } else {
                while (window.end() < logEnd) {
                    window.append(InFlightWindow.ACKNOWLEDGED, 0, 0, 0, -1, 0, 0);
                    purged++;
                }
            }
            fetchedUpTo = window.end();
        }
        long count = purged;
        return writeState().thenApply(v -> count);
    }

    /**
     * Starts the cursor again at {@code offset} (Kafka's AlterShareGroupOffsets, {@code
     * kafka-share-groups.sh --reset-offsets}): everything it knew — acknowledged, archived and
     * held records, delivery counts — is forgotten, every record from {@code offset} on is
     * available with no delivery counted, and nothing below it is delivered. The offset is kept
     * within the log (its start to its end). Records held now are dropped, their tags then find
     * nothing to settle: the caller resets only a group without consumers, as Kafka does.
     * Completes with the start offset once that is durable.
     */
    public CompletableFuture<Long> resetTo(long offset) {
        long start;
        synchronized (this) {
            start = restartAt(offset);
        }
        return writeState().thenApply(v -> start);
    }

    /**
     * {@link #resetTo} the offset {@code offset} gives (asked only then) only while this cursor has no state at all — none saved, nothing acquired
     * or reset since it opened — so a share group's first fetch starts where the group's
     * {@code share.auto.offset.reset} says, and never moves a cursor that has delivered. Completes
     * with the start offset, durable.
     */
    public CompletableFuture<Long> startAtIfNew(java.util.function.LongSupplier offset) {
        long start;
        synchronized (this) {
            if (!untouched) {
                return CompletableFuture.completedFuture(window.start());
            }
            start = restartAt(offset.getAsLong());
        }
        return writeState().thenApply(v -> start);
    }

    /** Forgets the state and starts again at {@code offset}, kept within the log; the caller holds this lock. */
    private long restartAt(long offset) {
        untouched = false;
        for (long o = window.start(); o < window.end(); o++) {
            int slot = window.slot(o);
            if (window.state(slot) == InFlightWindow.ACQUIRED) {
                settle(slot);
            }
            window.setState(slot, InFlightWindow.ACKNOWLEDGED);
        }
        window.advanceStart();
        locks.clear();
        groupsInFlight.clear();
        restored.clear();
        readAhead.clear();
        long start = Math.max(log.logStartOffset(), Math.min(offset, log.logEndOffset()));
        window.restartAt(start);
        fetchedUpTo = start;
        return start;
    }

    // ---------------------------------------------------------------- counts and state

    /**
     * Counts by state. Records the cursor has not read yet are read into the window first (up to
     * its cap), so delayed ones count as delayed (SQS ApproximateNumberOfMessagesDelayed) before
     * any consumer came near them; what lies past the cap counts as available.
     */
    public synchronized ShareCounts counts() {
        long now = clock.millis();
        expireLocks(now);
        skipRecordsRemovedFromTheLog();
        readIntoWindow(Long.MAX_VALUE);
        long available = 0;
        long acquired = 0;
        long delayed = 0;
        long oldest = -1;
        long availableBytes = 0;
        for (long offset = window.start(); offset < window.end(); offset++) {
            int slot = window.slot(offset);
            byte state = window.state(slot);
            if (state == InFlightWindow.ACQUIRED) {
                acquired++;
            } else if (state == InFlightWindow.AVAILABLE) {
                if (window.notBefore(slot) > now) {
                    delayed++;
                } else {
                    available++;
                    availableBytes += window.bytes(slot) - RECORD_OVERHEAD_BYTES;
                    if (oldest < 0) {
                        oldest = window.timestamp(slot);
                    }
                }
            }
        }
        long beyond = Math.max(0, log.logEndOffset() - Math.max(window.end(), log.logStartOffset()));
        if (beyond > 0 && oldest < 0) {
            List<LogRecord> next = readFrom(Math.max(window.end(), log.logStartOffset()), 1);
            oldest = next.isEmpty() ? -1 : next.get(0).timestamp();
        }
        return new ShareCounts(available + beyond, acquired, delayed, archivedTotal, oldest, availableBytes);
    }

    /**
     * Reads the records past the window into it, below {@code until} and up to the in-flight cap,
     * without delivering any.
     */
    private void readIntoWindow(long until) {
        while (window.size() < settings.maxInFlight() && window.end() < Math.min(until, readableEnd())) {
            if (!readAhead.positionAt(window.end(), from -> readFrom(from, READ_CHUNK_BYTES))) {
                return;
            }
            while (!readAhead.isEmpty()) {
                if (readAhead.peekFirst().offset() >= until || !fitsInWindow(readAhead.peekFirst())) {
                    return;
                }
                materialize(readAhead.pollFirst());
            }
        }
    }

    /**
     * This cursor's view is no longer to be written: the engine forgot it, so that its state is
     * read again from the journal (in a cluster another node may have written it since, and this
     * node is taking the queues over again). A write it still has pending, or asks for later,
     * writes nothing and fails rather than overwrite newer state with this older view.
     */
    public void retire() {
        List<CompletableFuture<Void>> lost;
        synchronized (this) {
            retired = true;
            lost = unwritten;
            unwritten = null;
        }
        if (lost != null) { // as a write would have: this view is not written any more
            IllegalStateException gone = new IllegalStateException("share cursor " + journalKey
                    + " was retired before its state was written");
            lost.forEach(f -> f.completeExceptionally(gone));
        }
    }

    /** The durable state, encoded, or null once {@linkplain #retire retired}; the journal calls this when it writes. */
    synchronized byte[] snapshot() {
        if (retired) {
            return null;
        }
        List<ShareSnapshot.Run> runs = new ArrayList<>();
        // the run being extended, as fields: a Run per offset was most of a snapshot's cost, and a
        // share fetch writes one per partition it touches (bench/kafka/RESULTS.md, 2026-12-06, 20:15)
        long first = -1;
        long last = -1;
        byte runKind = 0;
        int runAcquisitions = 0;
        int runFailed = 0;
        for (long offset = window.start(); offset < window.end(); offset++) {
            int slot = window.slot(offset);
            byte state = window.state(slot);
            byte kind = state == InFlightWindow.ACKNOWLEDGED || state == InFlightWindow.GAP ? ShareSnapshot.ACKNOWLEDGED
                    : state == InFlightWindow.ARCHIVED ? ShareSnapshot.ARCHIVED : ShareSnapshot.COUNTS;
            int acquisitions = window.acquisitions(slot);
            int failed = window.failed(slot);
            if (kind == ShareSnapshot.COUNTS && acquisitions == 0 && failed == 0) {
                continue; // not in a run: the run before it ends (the next offset cannot extend it)
            }
            if (first >= 0 && last == offset - 1 && runKind == kind && runAcquisitions == acquisitions
                    && runFailed == failed) {
                last = offset;
            } else {
                if (first >= 0) {
                    runs.add(new ShareSnapshot.Run(first, last, runKind, runAcquisitions, runFailed));
                }
                first = offset;
                last = offset;
                runKind = kind;
                runAcquisitions = acquisitions;
                runFailed = failed;
            }
        }
        if (first >= 0) {
            runs.add(new ShareSnapshot.Run(first, last, runKind, runAcquisitions, runFailed));
        }
        for (ShareSnapshot.Run run : restored.tailMap(restored.floorKey(window.end()) == null ? window.end()
                : restored.floorKey(window.end())).values()) {
            if (run.last() >= window.end()) {
                runs.add(new ShareSnapshot.Run(Math.max(run.first(), window.end()), run.last(), run.kind(),
                        run.acquisitions(), run.failed()));
            }
        }
        return new ShareSnapshot(window.start(), runs).encode();
    }

    @Override
    public String toString() {
        return "ShareCursor(" + group + " on " + log.topicPartition() + ")";
    }
}
