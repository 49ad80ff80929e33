package dev.trilog.log.meta;

import dev.trilog.log.share.StateJournal;
import java.io.IOException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Share cursors' state in the internal compacted log {@code __trilog_share_state}: one entry per
 * cursor (key {@code <group>\u0000<topic>\u0000<partition>}, value the cursor's snapshot), so
 * compaction keeps only the newest.
 *
 * <p>Group commit: {@link #write} only marks a cursor dirty; one writer thread takes every dirty
 * cursor at once, asks each for its snapshot, appends them all as one batch, waits until that
 * batch is as durable as the topic policy asks, and completes every waiting future. Writes that
 * arrive meanwhile go into the next batch. A {@link #batch} scope goes further: the writes a
 * thread asks for inside it reach the writer together when it closes, so several changes of one
 * request (a share fetch's acknowledgements and its acquisitions) cost one write, not one each.
 *
 * <p>Except when the write is quick and nobody else is writing: when the journal's writes are
 * done once they are in the page cache (one node, no fsync policy on the log: the default) and
 * no write is pending or running, {@link #write} writes the one snapshot on the caller's thread
 * and returns a future already complete. The hop to the writer thread and back was a third of
 * an SQS receive's thread switches (bench/sqs/RESULTS.md, 2026-12-06). Writes asked for while
 * such a write runs are batched and written by that thread right after its own, once; only what
 * overlaps that second write goes to the writer thread. One write runs at a time either way
 * ({@code writing}), so a cursor's snapshots reach the log in the order they were taken.
 *
 * <p>Only the node serving the queues writes here: in a cluster a write from a node that has lost
 * them is refused ({@link InternalLog#writeIfServing}) and its waiters fail.
 */
public final class ShareStateStore implements StateJournal, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ShareStateStore.class);

    private final InternalLog journal;
    private final Map<String, byte[]> saved = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private final Thread writer;
    private LinkedHashMap<String, Pending> dirty = new LinkedHashMap<>();
    /** A batch is being written, by the writer thread or a caller (guarded by {@code lock}). */
    private boolean writing;
    /** The writes asked for on this thread inside an open {@link #batch}; null outside one. */
    private final ThreadLocal<LinkedHashMap<String, Pending>> batching = new ThreadLocal<>();
    private boolean closed;

    private static final class Pending {
        Supplier<byte[]> snapshot;
        final List<CompletableFuture<Void>> waiting = new ArrayList<>(2);

        /** One more change to write: the newest snapshot covers the earlier ones. */
        void add(Supplier<byte[]> newest, List<CompletableFuture<Void>> waiters) {
            snapshot = newest;
            waiting.addAll(waiters);
        }
    }

    public ShareStateStore(InternalLog journal) throws IOException {
        this.journal = journal;
        journal.subscribe((key, value) -> {
            if (value == null) {
                saved.remove(key);
            } else {
                saved.put(key, value);
            }
        });
        writer = new Thread(this::writeLoop, "trilog-share-state-writer");
        writer.setDaemon(true);
        writer.start();
    }

    public static String key(String group, org.apache.kafka.common.TopicPartition tp) {
        return group + '\u0000' + tp.topic() + '\u0000' + tp.partition();
    }

    @Override
    public byte[] load(String key) {
        return saved.get(key);
    }

    @Override
    public CompletableFuture<Void> write(String key, Supplier<byte[]> snapshot) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        LinkedHashMap<String, Pending> held = batching.get();
        if (held != null) {
            held.computeIfAbsent(key, k -> new Pending()).add(snapshot, List.of(done));
            return done;
        }
        Pending change = new Pending();
        change.add(snapshot, List.of(done));
        submit(Map.of(key, change));
        return done;
    }

    /**
     * Hands {@code changes} to the writer thread, or writes them on this thread when that is quick
     * and nothing else is pending or running: they are then the whole batch.
     */
    private void submit(Map<String, Pending> changes) {
        synchronized (lock) {
            if (closed) {
                IOException stopped = new IOException("share state store closed");
                changes.values().forEach(p -> p.waiting.forEach(f -> f.completeExceptionally(stopped)));
                return;
            }
            if (writing || !dirty.isEmpty() || !journal.writesAtOnce()) {
                changes.forEach((key, p) -> dirty.computeIfAbsent(key, k -> new Pending()).add(p.snapshot, p.waiting));
                if (!writing) {
                    lock.notifyAll(); // else the thread writing now takes them or wakes the writer when it is done
                }
                return;
            }
            writing = true;
        }
        try {
            writeBatch(changes);
            Map<String, Pending> queued = queuedMeanwhile();
            if (!queued.isEmpty()) {
                writeBatch(queued);
            }
        } finally {
            synchronized (lock) {
                writing = false;
                if (!dirty.isEmpty() || closed) {
                    // the writer takes whatever came meanwhile (or stops); with nothing there, waking
                    // it only cost a context switch on each side per write (one per ack burst)
                    lock.notifyAll();
                }
            }
        }
    }

    /**
     * What other threads asked for while this one wrote, taken to write on this thread too (still
     * {@code writing}): the writer thread's wake-up was one more thread to run between a change and
     * its waiter — on a busy machine a long poll's answer waited for it behind a CPU hog
     * (bench/sqs/RESULTS.md, sqs24). Once only, so a caller's thread never turns into the writer;
     * what queues during this second write goes to the writer as before.
     */
    private Map<String, Pending> queuedMeanwhile() {
        synchronized (lock) {
            if (dirty.isEmpty() || closed) {
                return Map.of();
            }
            LinkedHashMap<String, Pending> queued = dirty;
            dirty = new LinkedHashMap<>();
            return queued;
        }
    }

    /**
     * Opens a scope on this thread: the writes asked for in it are handed over together when it
     * closes (to the writer, or written on this thread as a lone {@link #write} would be), so they
     * go into one batch (a key written twice is written once, with its newest snapshot). Nothing
     * inside may wait for such a write: it only starts at close. A scope opened inside another is
     * part of it.
     */
    @Override
    public Batch batch() {
        if (batching.get() != null) {
            return () -> { };
        }
        LinkedHashMap<String, Pending> held = new LinkedHashMap<>();
        batching.set(held);
        return () -> {
            batching.remove();
            if (!held.isEmpty()) {
                submit(held);
            }
        };
    }

    @Override
    public void remove(String key) {
        remove(List.of(key), true);
    }

    /** The topics {@code group} has durable share state on (DeleteGroups forgets them all). */
    public java.util.SortedSet<String> topicsOf(String group) {
        String prefix = group + '\u0000';
        java.util.SortedSet<String> topics = new java.util.TreeSet<>();
        for (String key : saved.keySet()) {
            if (key.startsWith(prefix)) {
                topics.add(key.substring(prefix.length(), key.lastIndexOf('\u0000')));
            }
        }
        return topics;
    }

    /**
     * Forgets every cursor of {@code topic}'s partitions (the topic was deleted): on whichever node
     * deletes the topic, so not only the serving one — tombstones of a topic on its way out
     * overwrite no newer state.
     */
    public void removeTopic(String topic) {
        String infix = '\u0000' + topic + '\u0000';
        List<String> keys = saved.keySet().stream().filter(key -> key.contains(infix)).toList();
        if (!keys.isEmpty()) {
            remove(keys, false);
        }
    }

    private void remove(List<String> keys, boolean ifServing) {
        List<Map.Entry<String, byte[]>> tombstones = new ArrayList<>(keys.size());
        keys.forEach(key -> tombstones.add(new AbstractMap.SimpleEntry<>(key, (byte[]) null)));
        try {
            if (ifServing) {
                journal.writeIfServing(tombstones);
            } else {
                journal.write(tombstones);
            }
            keys.forEach(saved::remove);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void writeLoop() {
        while (true) {
            LinkedHashMap<String, Pending> batch;
            synchronized (lock) {
                while (writing || dirty.isEmpty() && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                if (dirty.isEmpty()) {
                    return;
                }
                batch = dirty;
                dirty = new LinkedHashMap<>();
                writing = true;
            }
            try {
                writeBatch(batch);
            } finally {
                synchronized (lock) {
                    writing = false;
                }
            }
        }
    }

    private void writeBatch(Map<String, Pending> batch) {
        List<Map.Entry<String, byte[]>> entries = new ArrayList<>(batch.size());
        try {
            for (Map.Entry<String, Pending> e : batch.entrySet()) {
                byte[] snapshot = e.getValue().snapshot.get();
                if (snapshot == null) { // its cursor was retired: its view is not to be written
                    IOException retired = new IOException("share cursor " + e.getKey() + " was retired before its state was written");
                    e.getValue().waiting.forEach(f -> f.completeExceptionally(retired));
                    e.getValue().waiting.clear();
                } else {
                    entries.add(Map.entry(e.getKey(), snapshot));
                }
            }
            journal.writeIfServing(entries);
            entries.forEach(e -> saved.put(e.getKey(), e.getValue()));
            batch.values().forEach(p -> p.waiting.forEach(f -> f.complete(null)));
        } catch (IOException e) { // a full disk, or (in a cluster) this node no longer serves the queues
            log.warn("Writing share-cursor state failed; {} cursors' changes are not durable: {}", batch.size(),
                    e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
            batch.values().forEach(p -> p.waiting.forEach(f -> f.completeExceptionally(e)));
        } catch (RuntimeException e) {
            log.error("Writing share-cursor state failed; {} cursors' changes are not durable", batch.size(), e);
            batch.values().forEach(p -> p.waiting.forEach(f -> f.completeExceptionally(e)));
        }
    }

    /** Writes what is dirty, then stops the writer. */
    @Override
    public void close() throws InterruptedException {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        writer.join(30_000);
    }
}
