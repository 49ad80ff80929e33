package dev.trilog.sqs.queue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trilog.log.DurableMap;
import dev.trilog.log.LogEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The SQS queues' own metadata ({@link SqsQueueMetadata}) and the broker's receipt-handle secret,
 * kept durably in the engine's metadata log (namespaces {@value #QUEUES} and {@value #SECRETS})
 * and served from memory. The queue itself — topic, share group, policies — is the topology's.
 */
public final class SqsQueueCatalog {

    static final String QUEUES = "sqs-queues";
    static final String SECRETS = "sqs-secrets";
    private static final String RECEIPT_SECRET = "receipt-handle-key";

    private final DurableMap store;
    private final DurableMap secrets;
    private final ObjectMapper json = new ObjectMapper();
    private final ConcurrentSkipListMap<String, SqsQueueMetadata> queues = new ConcurrentSkipListMap<>();
    private final Map<String, Long> deletedAtMillis = new ConcurrentHashMap<>();

    private SqsQueueCatalog(DurableMap store, DurableMap secrets) {
        this.store = store;
        this.secrets = secrets;
    }

    public static SqsQueueCatalog open(LogEngine engine) throws IOException {
        SqsQueueCatalog catalog = new SqsQueueCatalog(engine.durableMap(QUEUES), engine.durableMap(SECRETS));
        for (Map.Entry<String, byte[]> e : catalog.store.all().entrySet()) {
            catalog.queues.put(e.getKey(), catalog.json.readValue(e.getValue(), SqsQueueMetadata.class));
        }
        return catalog;
    }

    /** The secret receipt handles are sealed with: made once, then the same across restarts. */
    public synchronized byte[] receiptHandleSecret() throws IOException {
        Optional<byte[]> existing = secrets.get(RECEIPT_SECRET);
        if (existing.isPresent()) {
            return existing.get();
        }
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        secrets.put(RECEIPT_SECRET, secret);
        return secret;
    }

    public Optional<SqsQueueMetadata> get(String name) {
        return Optional.ofNullable(queues.get(name));
    }

    /** Every queue, sorted by name. */
    public List<SqsQueueMetadata> all() {
        return new ArrayList<>(queues.values());
    }

    public void put(SqsQueueMetadata metadata) {
        try {
            store.put(metadata.name(), json.writeValueAsBytes(metadata));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        queues.put(metadata.name(), metadata);
    }

    public void remove(String name, long nowMillis) {
        try {
            store.remove(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        queues.remove(name);
        deletedAtMillis.put(name, nowMillis);
    }

    /** When this process last deleted the queue (SQS refuses to re-create a name for 60 s), if it did. */
    public Optional<Long> deletedAt(String name) {
        return Optional.ofNullable(deletedAtMillis.get(name));
    }
}
