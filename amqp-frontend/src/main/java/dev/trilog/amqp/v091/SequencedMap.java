package dev.trilog.amqp.v091;

import java.util.Arrays;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Values under keys that only grow, most of them removed soon and roughly in order: a channel's
 * unacked deliveries by delivery tag, its unconfirmed publishes by sequence number. A ring of
 * slots indexed by key − the oldest key held, so a put, a remove and the oldest key cost an array
 * access each; the {@code TreeMap} it replaces cost a tree node, a boxed {@code Long} and a dozen
 * compares per put and per remove, twice per message on the consume and the publish paths.
 *
 * <p>The ring spans at most {@value #SPAN_MAX} keys: a key that far behind the newest (a delivery
 * a client holds while it acks thousands after it) moves to a sorted map of stragglers, so the
 * memory stays bounded by what is held, not by how far apart the keys are. Not thread-safe (one
 * channel's event loop).
 */
final class SequencedMap<V> {

    static final int SPAN_MAX = 1 << 14;

    private Object[] ring = new Object[64];
    /** The key of {@code ring[head]}; after trimming, a held key unless the ring is empty. */
    private long base = 1;
    private int head;
    /** Keys {@code base .. base + span - 1} are the ring's (some removed: null). */
    private int span;
    /** Values in the ring. */
    private int inRing;
    /** Keys below {@link #base}, moved out of the ring (see the class comment). */
    private final TreeMap<Long, V> stragglers = new TreeMap<>();

    /**
     * Adds {@code value} under {@code key}, which must be above every key put so far.
     *
     * @throws IllegalArgumentException for a key not above the newest
     */
    void put(long key, V value) {
        Objects.requireNonNull(value, "value");
        if (key < base + span) {
            throw new IllegalArgumentException("key " + key + " is not above the newest, " + (base + span - 1));
        }
        while (span > 0 && key - base >= SPAN_MAX) {
            evictOldest();
        }
        if (span == 0) {
            base = key;
        }
        int needed = (int) (key - base) + 1;
        if (needed > ring.length) {
            grow(needed);
        }
        ring[slot(needed - 1)] = value;
        span = needed;
        inRing++;
    }

    /** The value under {@code key}, or null. */
    @SuppressWarnings("unchecked")
    V get(long key) {
        if (key < base) {
            return stragglers.get(key);
        }
        return key - base < span ? (V) ring[slot((int) (key - base))] : null;
    }

    boolean containsKey(long key) {
        return get(key) != null;
    }

    /** Removes and returns the value under {@code key}, or null when there is none. */
    @SuppressWarnings("unchecked")
    V remove(long key) {
        if (key < base) {
            return stragglers.remove(key);
        }
        if (key - base >= span) {
            return null;
        }
        int i = slot((int) (key - base));
        V value = (V) ring[i];
        if (value != null) {
            ring[i] = null;
            inRing--;
            if (key == base) {
                trimHead();
            }
        }
        return value;
    }

    /** The smallest key held, or {@code none} when empty. */
    long firstKey(long none) {
        if (!stragglers.isEmpty()) {
            return stragglers.firstKey();
        }
        return inRing > 0 ? base : none;
    }

    boolean isEmpty() {
        return inRing == 0 && stragglers.isEmpty();
    }

    int size() {
        return inRing + stragglers.size();
    }

    /** Removes every value under a key up to {@code key} (inclusive), handing each to {@code into}, oldest first. */
    void removeUpTo(long key, Consumer<? super V> into) {
        var old = stragglers.headMap(key, true);
        old.values().forEach(into);
        old.clear();
        while (inRing > 0 && base <= key) {
            @SuppressWarnings("unchecked")
            V value = (V) ring[head];
            ring[head] = null;
            inRing--;
            into.accept(value); // never null: the head is trimmed to a held key
            advance();
            trimHead();
        }
    }

    /** Removes every value; the next key put must still be above every key put so far. */
    void clear() {
        removeAll(value -> { });
    }

    /** Removes every value, handing each to {@code into}, oldest first. */
    void removeAll(Consumer<? super V> into) {
        removeUpTo(Long.MAX_VALUE, into);
    }

    private int slot(int offset) {
        return (head + offset) & (ring.length - 1);
    }

    /** Past the removed slots at the head, to the oldest key still held (or an empty ring). */
    private void trimHead() {
        while (span > 0 && ring[head] == null) {
            advance();
        }
    }

    private void advance() {
        head = (head + 1) & (ring.length - 1);
        base++;
        span--;
    }

    @SuppressWarnings("unchecked")
    private void evictOldest() {
        V value = (V) ring[head];
        if (value != null) {
            ring[head] = null;
            inRing--;
            stragglers.put(base, value);
        }
        advance();
        trimHead();
    }

    /** A ring of at least {@code needed} slots (a power of two), the keys in order from slot 0. */
    private void grow(int needed) {
        int length = ring.length;
        while (length < needed) {
            length <<= 1;
        }
        Object[] bigger = new Object[length];
        for (int i = 0; i < span; i++) {
            bigger[i] = ring[slot(i)];
        }
        Arrays.fill(ring, null);
        ring = bigger;
        head = 0;
    }
}
