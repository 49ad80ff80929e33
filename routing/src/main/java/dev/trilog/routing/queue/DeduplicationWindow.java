package dev.trilog.routing.queue;

import dev.trilog.log.DurableMap;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deduplication ids seen per queue within a window (SQS: 5 minutes), with the result of the
 * publish that carried each first, so that a duplicate gets the original's answer.
 *
 * <p>Durable in the engine's {@link DurableMap} {@value #NAMESPACE} (name
 * {@code <queue>/<id>}), written after the original publish is durable: a crash in between
 * forgets the id, so a retry after it is written again (at least once, never lost). Expired
 * entries are removed by {@link #sweep}.
 */
final class DeduplicationWindow {

    static final String NAMESPACE = "queue-dedup";

    private static final Logger log = LoggerFactory.getLogger(DeduplicationWindow.class);

    private final DurableMap store;
    private final long windowMs;
    private final InstantSource clock;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<PublishResult>> inProgress = new ConcurrentHashMap<>();
    private volatile long lastSweep;
    /** Writes remembered ids: each is an fsync, kept off the append threads that complete publishes. */
    private final Executor writer;

    private record Seen(long expiresAt, PublishResult result) {
    }

    DeduplicationWindow(DurableMap store, long windowMs, InstantSource clock, Executor writer) {
        this.store = store;
        this.writer = writer;
        this.windowMs = windowMs;
        this.clock = clock;
        load();
    }

    private void load() {
        long now = clock.millis();
        store.all().forEach((name, bytes) -> {
            Seen entry = decode(bytes);
            if (entry.expiresAt > now) {
                seen.put(name, entry);
            }
        });
        lastSweep = now;
    }

    /** Reads the remembered ids again from the store, which other nodes of a cluster may have written. */
    void reload() {
        seen.clear();
        load();
    }

    /** The id of a content-based deduplication: the SHA-256 of the body, in hex. */
    static String contentId(byte[] body) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(body == null ? new byte[0] : body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * Runs {@code publish} unless {@code id} was published to {@code queue} within the window
     * (or is being published now): then completes with the original's result marked duplicate.
     */
    CompletableFuture<PublishResult> publishOnce(String queue, String id,
            Supplier<CompletableFuture<PublishResult>> publish) {
        String name = queue + '/' + id;
        PublishResult earlier = live(name);
        if (earlier != null) {
            return CompletableFuture.completedFuture(earlier.asDuplicate());
        }
        CompletableFuture<PublishResult> mine = new CompletableFuture<>();
        CompletableFuture<PublishResult> other = inProgress.putIfAbsent(name, mine);
        if (other != null) {
            return other.thenApply(PublishResult::asDuplicate);
        }
        earlier = live(name); // finished between the first look and taking the slot
        if (earlier != null) {
            inProgress.remove(name, mine);
            mine.complete(earlier);
            return CompletableFuture.completedFuture(earlier.asDuplicate());
        }
        publish.get().whenCompleteAsync((result, failure) -> {
            if (failure == null) {
                remember(name, result);
            }
            inProgress.remove(name, mine);
            if (failure != null) {
                mine.completeExceptionally(failure);
            } else {
                mine.complete(result);
            }
        }, writer);
        return mine;
    }

    private PublishResult live(String name) {
        Seen entry = seen.get(name);
        return entry != null && entry.expiresAt > clock.millis() ? entry.result : null;
    }

    private void remember(String name, PublishResult result) {
        Seen entry = new Seen(clock.millis() + windowMs, result);
        seen.put(name, entry);
        try {
            store.put(name, encode(entry));
        } catch (IOException | UncheckedIOException e) {
            // the id stays in memory; only a restart within the window could let a retry through
            log.warn("Could not persist deduplication id {}", name, e);
        }
    }

    /** Forgets expired ids (memory and store); cheap when called often. */
    void sweep() {
        long now = clock.millis();
        if (now - lastSweep < Math.max(1_000, windowMs / 10)) {
            return;
        }
        lastSweep = now;
        seen.forEach((name, entry) -> {
            if (entry.expiresAt <= now && seen.remove(name, entry)) {
                try {
                    store.remove(name);
                } catch (IOException | UncheckedIOException e) {
                    log.warn("Could not remove expired deduplication id {}", name, e);
                }
            }
        });
    }

    private static byte[] encode(Seen entry) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1); // format version
            out.writeLong(entry.expiresAt);
            out.writeInt(entry.result.partition());
            out.writeLong(entry.result.offset());
            String id = entry.result.messageId();
            out.writeBoolean(id != null);
            if (id != null) {
                byte[] text = id.getBytes(StandardCharsets.UTF_8);
                out.writeInt(text.length);
                out.write(text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static Seen decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            in.readByte();
            long expiresAt = in.readLong();
            int partition = in.readInt();
            long offset = in.readLong();
            String id = null;
            if (in.readBoolean()) {
                id = new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8);
            }
            return new Seen(expiresAt, new PublishResult(partition, offset, id, false));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable deduplication entry", e);
        }
    }
}
