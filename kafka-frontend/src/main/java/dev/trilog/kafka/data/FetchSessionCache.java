package dev.trilog.kafka.data;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.apache.kafka.common.requests.FetchMetadata;

/**
 * The incremental fetch sessions this broker keeps: at most
 * {@code max.incremental.fetch.session.cache.slots} (Kafka's default 1000; 0 turns sessions off),
 * evicted by Kafka's rules ({@code FetchSessionCacheShard.tryEvict}). When the cache is full, a
 * new session takes the place of
 * <ol>
 * <li>the least recently used session, if it has been unused for more than {@link #EVICTION_MS}; else</li>
 * <li>the least valuable evictable session, if the new one is worth at least as much: a follower's
 * session is worth more than a consumer's, then more partitions more than fewer. A consumer's new
 * session may evict only sessions created more than {@link #EVICTION_MS} ago; a follower's may
 * also evict any consumer's, however young.</li>
 * </ol>
 * Otherwise no session is made and the fetcher goes on with full fetches. Kafka splits its cache
 * into eight shards that each apply these rules to their own sessions; this is one cache, the
 * rules applied to all sessions at once.
 *
 * <p>Thread-safe: every method holds the cache's monitor, and takes a session's inside it, never
 * the other way round.
 */
final class FetchSessionCache {

    /** Kafka's {@code MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS}: how long a session is safe from eviction. */
    static final long EVICTION_MS = 120_000;

    private record LastUsedKey(long lastUsedMs, int id) implements Comparable<LastUsedKey> {
        @Override
        public int compareTo(LastUsedKey other) {
            int byTime = Long.compare(lastUsedMs, other.lastUsedMs);
            return byTime != 0 ? byTime : Integer.compare(id, other.id);
        }
    }

    /** A session's worth: privileged above not, then by size, then by id; the least is evicted first. */
    private record EvictableKey(boolean privileged, int size, int id) implements Comparable<EvictableKey> {
        @Override
        public int compareTo(EvictableKey other) {
            int c = Boolean.compare(privileged, other.privileged);
            if (c == 0) {
                c = Integer.compare(size, other.size);
            }
            return c != 0 ? c : Integer.compare(id, other.id);
        }
    }

    private final int maxEntries;
    private final long evictionMs;
    private final LongSupplier clockMs;
    private final Map<Integer, FetchSession> sessions = new HashMap<>();
    private final TreeMap<LastUsedKey, FetchSession> lastUsed = new TreeMap<>();
    /** Sessions any new session may evict: those older than the eviction time. */
    private final TreeMap<EvictableKey, FetchSession> evictableByAll = new TreeMap<>();
    /** Sessions a follower's new session may evict: every consumer's, and followers' older than the eviction time. */
    private final TreeMap<EvictableKey, FetchSession> evictableByPrivileged = new TreeMap<>();
    private long partitions;
    private long evictions;

    /**
     * @param maxEntries {@code max.incremental.fetch.session.cache.slots}
     * @param evictionMs how long a session is safe from eviction ({@link #EVICTION_MS})
     * @param clockMs    the time in milliseconds
     */
    FetchSessionCache(int maxEntries, long evictionMs, LongSupplier clockMs) {
        this.maxEntries = maxEntries;
        this.evictionMs = evictionMs;
        this.clockMs = clockMs;
    }

    /** A cache of {@code maxEntries} sessions with Kafka's eviction time, on the monotonic clock. */
    static FetchSessionCache of(int maxEntries) {
        return new FetchSessionCache(maxEntries, EVICTION_MS, () -> System.nanoTime() / 1_000_000);
    }

    synchronized FetchSession get(int id) {
        return sessions.get(id);
    }

    synchronized int size() {
        return sessions.size();
    }

    /** Partitions held by all sessions, as last indexed. */
    synchronized long totalPartitions() {
        return partitions;
    }

    /** Sessions evicted to make room for others since the cache was made. */
    synchronized long evictions() {
        return evictions;
    }

    /** Builds a new session from its id and creation time. */
    @FunctionalInterface
    interface SessionFactory {
        FetchSession create(int id, long nowMs);
    }

    /**
     * Makes a session of {@code size} partitions when there is room or room can be made by
     * eviction, built by {@code factory}.
     *
     * @return the session's id, or {@link FetchMetadata#INVALID_SESSION_ID} when none was made
     */
    synchronized int maybeCreate(boolean privileged, int size, SessionFactory factory) {
        long now = clockMs.getAsLong();
        if (sessions.size() >= maxEntries && !tryEvict(privileged, new EvictableKey(privileged, size, 0), now)) {
            return FetchMetadata.INVALID_SESSION_ID;
        }
        FetchSession session = factory.create(newSessionId(), now);
        sessions.put(session.id, session);
        touch(session, now);
        return session.id;
    }

    private int newSessionId() {
        int id;
        do {
            id = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
        } while (sessions.containsKey(id));
        return id;
    }

    private boolean tryEvict(boolean privileged, EvictableKey key, long now) {
        Map.Entry<LastUsedKey, FetchSession> oldest = lastUsed.firstEntry();
        if (oldest == null) {
            return false; // no session at all (a cache of no slots)
        }
        if (now - oldest.getKey().lastUsedMs() > evictionMs) {
            evict(oldest.getValue());
            return true;
        }
        Map.Entry<EvictableKey, FetchSession> cheapest = (privileged ? evictableByPrivileged : evictableByAll).firstEntry();
        if (cheapest == null || key.compareTo(cheapest.getKey()) < 0) {
            return false;
        }
        evict(cheapest.getValue());
        return true;
    }

    private void evict(FetchSession session) {
        remove(session);
        evictions++;
    }

    /** Closes session {@code id}, if there is one. */
    synchronized void remove(int id) {
        FetchSession session = sessions.get(id);
        if (session != null) {
            remove(session);
        }
    }

    synchronized void remove(FetchSession session) {
        EvictableKey evictable;
        synchronized (session) {
            lastUsed.remove(new LastUsedKey(session.lastUsedMs, session.id));
            evictable = new EvictableKey(session.privileged, session.cachedSize, session.id);
        }
        evictableByAll.remove(evictable);
        evictableByPrivileged.remove(evictable);
        if (sessions.remove(session.id) != null) {
            partitions -= session.cachedSize;
        }
    }

    /** Marks {@code session} used now and re-indexes it by its current size. */
    synchronized void touch(FetchSession session) {
        touch(session, clockMs.getAsLong());
    }

    private void touch(FetchSession session, long now) {
        synchronized (session) {
            lastUsed.remove(new LastUsedKey(session.lastUsedMs, session.id));
            session.lastUsedMs = now;
            lastUsed.put(new LastUsedKey(now, session.id), session);
            if (session.cachedSize != -1) {
                EvictableKey old = new EvictableKey(session.privileged, session.cachedSize, session.id);
                evictableByAll.remove(old);
                evictableByPrivileged.remove(old);
                partitions -= session.cachedSize;
            }
            session.cachedSize = session.size();
            EvictableKey key = new EvictableKey(session.privileged, session.cachedSize, session.id);
            boolean old = now - session.creationMs > evictionMs;
            if (!session.privileged || old) {
                evictableByPrivileged.put(key, session);
            }
            if (old) {
                evictableByAll.put(key, session);
            }
            partitions += session.cachedSize;
        }
    }
}
