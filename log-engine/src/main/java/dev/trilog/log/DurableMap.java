package dev.trilog.log;

import dev.trilog.log.meta.InternalLog;
import java.io.IOException;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small durable map of names to bytes in one namespace of the engine's metadata log, for
 * metadata that layers above the engine own (exchanges, queues, bindings). Writes are fsynced
 * before they return and survive restarts; reads are from memory.
 *
 * <p>Entry format in {@code __trilog_metadata}: key {@code <namespace>/<name>}, value the bytes
 * given (the owner's own encoding); a tombstone removes the entry.
 *
 * <p>A map of queue state ({@link LogEngine#queueStateMap}) is written only by the node serving
 * the queues: in a cluster a write from a node that has lost them fails with an IOException.
 */
public final class DurableMap {

    private final String prefix;
    private final InternalLog log;
    private final boolean queueState;
    private final Map<String, byte[]> entries = new ConcurrentHashMap<>();
    /** Bumped on every change, local or replicated, so owners may cache what they derive from the entries. */
    private final java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();

    DurableMap(String namespace, InternalLog log, boolean queueState) throws IOException {
        if (namespace.isEmpty() || namespace.contains("/") || "topic".equals(namespace) || "producer-ids".equals(namespace)) {
            throw new IllegalArgumentException("namespace must be a plain word other than the engine's own (topic, producer-ids): " + namespace);
        }
        this.prefix = namespace + "/";
        this.log = log;
        this.queueState = queueState;
        log.subscribe((key, value) -> {
            if (key.startsWith(prefix)) {
                String name = key.substring(prefix.length());
                if (value == null) {
                    entries.remove(name);
                } else {
                    entries.put(name, value);
                }
                version.incrementAndGet();
            }
        });
    }

    public Optional<byte[]> get(String name) {
        return Optional.ofNullable(entries.get(name)).map(byte[]::clone);
    }

    /** Every entry, a snapshot. */
    public Map<String, byte[]> all() {
        return Map.copyOf(entries);
    }

    public void put(String name, byte[] value) throws IOException {
        write(Map.entry(prefix + name, value.clone()));
        entries.put(name, value.clone());
        version.incrementAndGet();
    }

    /** A number that changes whenever an entry does; read it before {@link #all} to cache what is derived from it. */
    public long version() {
        return version.get();
    }

    public void remove(String name) throws IOException {
        write(new AbstractMap.SimpleEntry<>(prefix + name, (byte[]) null));
        entries.remove(name);
        version.incrementAndGet();
    }

    /** Whether this map holds queue state, written only by the node serving the queues. */
    boolean queueState() {
        return queueState;
    }

    private void write(Map.Entry<String, byte[]> entry) throws IOException {
        if (queueState) {
            log.writeIfServing(List.of(entry));
        } else {
            log.write(List.of(entry));
        }
    }
}
