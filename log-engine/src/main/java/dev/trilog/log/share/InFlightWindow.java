package dev.trilog.log.share;

import java.util.BitSet;

/**
 * The records of a share cursor between its start offset and its fetch position, one slot per
 * offset in a ring of parallel primitive arrays (no object per record). Offsets at or past the
 * fetch position are one implicit run of available, never-delivered records; offsets below the
 * start are done. The start moves past done slots as they reach the head, so the ring holds
 * only what is genuinely in flight.
 *
 * <p>Not thread-safe: the owning cursor serialises access.
 */
final class InFlightWindow {

    static final byte AVAILABLE = 0;
    static final byte ACQUIRED = 1;
    static final byte ACKNOWLEDGED = 2;
    static final byte ARCHIVED = 3;
    /** An offset with no deliverable record (a gap left by compaction, or a control record). */
    static final byte GAP = 4;

    private long start;
    private int head;
    private int size;
    private byte[] state;
    private int[] acquisitions;
    private int[] failed;
    private long[] lockDeadline;
    private int[] consumer;
    private long[] notBefore;
    private int[] group;
    private long[] timestamp;
    private int[] bytes;
    /**
     * Ring indexes of AVAILABLE slots, so finding the next deliverable record skips the rest; and
     * bit {@code capacity}, past the ring, always set: {@code BitSet.clear} scans down from its
     * highest word for the highest one left set, so without it acquiring a window's last available
     * record scanned every word below — once per record as new records were appended and acquired
     * one by one, 7.5 % of a share fetch's broker samples (bench/kafka/RESULTS.md, 2026-12-06, 20:15).
     * Searches stop at the ring's end, so that bit is never found as a slot.
     */
    private BitSet available;

    InFlightWindow(long start, int initialCapacity) {
        this.start = start;
        allocate(Integer.highestOneBit(Math.max(16, initialCapacity - 1)) << 1);
    }

    private void allocate(int capacity) {
        state = new byte[capacity];
        acquisitions = new int[capacity];
        failed = new int[capacity];
        lockDeadline = new long[capacity];
        consumer = new int[capacity];
        notBefore = new long[capacity];
        group = new int[capacity];
        timestamp = new long[capacity];
        bytes = new int[capacity];
        available = new BitSet(capacity + 1);
        available.set(capacity);
    }

    long start() {
        return start;
    }

    /** The fetch position: the first offset not yet in the window. */
    long end() {
        return start + size;
    }

    int size() {
        return size;
    }

    boolean contains(long offset) {
        return offset >= start && offset < start + size;
    }

    int slot(long offset) {
        return (head + (int) (offset - start)) & (state.length - 1);
    }

    long offsetOf(int slot) {
        return start + ((slot - head) & (state.length - 1));
    }

    /** Appends the slot for offset {@link #end()}. */
    int append(byte initialState, int acq, int fail, long notBeforeMs, int groupId, long ts, int size0) {
        if (size == state.length) {
            grow();
        }
        int slot = (head + size) & (state.length - 1);
        size++;
        state[slot] = initialState;
        acquisitions[slot] = acq;
        failed[slot] = fail;
        lockDeadline[slot] = 0;
        consumer[slot] = -1;
        notBefore[slot] = notBeforeMs;
        group[slot] = groupId;
        timestamp[slot] = ts;
        bytes[slot] = size0;
        available.set(slot, initialState == AVAILABLE);
        return slot;
    }

    private void grow() {
        int capacity = state.length;
        byte[] oldState = state;
        int[] oldAcq = acquisitions;
        int[] oldFailed = failed;
        long[] oldDeadline = lockDeadline;
        int[] oldConsumer = consumer;
        long[] oldNotBefore = notBefore;
        int[] oldGroup = group;
        long[] oldTs = timestamp;
        int[] oldBytes = bytes;
        allocate(capacity * 2);
        for (int i = 0; i < size; i++) {
            int from = (head + i) & (capacity - 1);
            state[i] = oldState[from];
            acquisitions[i] = oldAcq[from];
            failed[i] = oldFailed[from];
            lockDeadline[i] = oldDeadline[from];
            consumer[i] = oldConsumer[from];
            notBefore[i] = oldNotBefore[from];
            group[i] = oldGroup[from];
            timestamp[i] = oldTs[from];
            bytes[i] = oldBytes[from];
            available.set(i, state[i] == AVAILABLE);
        }
        head = 0;
    }

    /** Moves the start past done slots at the head; returns how far it moved. */
    long advanceStart() {
        long moved = 0;
        while (size > 0) {
            byte s = state[head];
            if (s != ACKNOWLEDGED && s != ARCHIVED && s != GAP) {
                break;
            }
            available.clear(head);
            head = (head + 1) & (state.length - 1);
            size--;
            start++;
            moved++;
        }
        if (size == 0 && state.length > 1024) {
            allocate(1024); // give back the memory of a drained burst
            head = 0;
        }
        return moved;
    }

    /** Skips an empty window forward (records below {@code offset} left the log). */
    void restartAt(long offset) {
        if (size != 0) {
            throw new IllegalStateException("window not empty");
        }
        start = offset;
    }

    /** The next AVAILABLE slot at or after {@code fromOffset} within the window, as an offset; -1 if none. */
    long nextAvailable(long fromOffset) {
        if (!contains(fromOffset)) {
            return -1;
        }
        // Bits are set only inside the window. Search the ring from the slot of fromOffset to the
        // array's end, then the part of the window that wrapped to the array's start.
        int remaining = (int) (end() - fromOffset);
        int from = slot(fromOffset);
        int firstEnd = Math.min(from + remaining, state.length);
        int found = available.nextSetBit(from);
        if (found >= 0 && found < firstEnd) {
            return offsetOf(found);
        }
        int wrapped = remaining - (firstEnd - from);
        if (wrapped > 0) {
            found = available.nextSetBit(0);
            if (found >= 0 && found < wrapped) {
                return offsetOf(found);
            }
        }
        return -1;
    }

    byte state(int slot) {
        return state[slot];
    }

    void setState(int slot, byte newState) {
        state[slot] = newState;
        available.set(slot, newState == AVAILABLE);
    }

    int acquisitions(int slot) {
        return acquisitions[slot];
    }

    void setAcquisitions(int slot, int value) {
        acquisitions[slot] = value;
    }

    int failed(int slot) {
        return failed[slot];
    }

    void setFailed(int slot, int value) {
        failed[slot] = value;
    }

    long lockDeadline(int slot) {
        return lockDeadline[slot];
    }

    void setLock(int slot, int consumerId, long deadline) {
        consumer[slot] = consumerId;
        lockDeadline[slot] = deadline;
    }

    int consumer(int slot) {
        return consumer[slot];
    }

    long notBefore(int slot) {
        return notBefore[slot];
    }

    int group(int slot) {
        return group[slot];
    }

    long timestamp(int slot) {
        return timestamp[slot];
    }

    int bytes(int slot) {
        return bytes[slot];
    }
}
