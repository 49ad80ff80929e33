package dev.trilog.kafka.share;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.protocol.Errors;

/**
 * Applies the acknowledgement batches of a ShareFetch or ShareAcknowledge to the share sources:
 * each offset of a batch gets its type (one for the whole batch, or one per offset), and is
 * settled as the delivery the member was given. The answer per partition is Kafka's: NONE,
 * INVALID_REQUEST for a malformed batch, INVALID_RECORD_STATE when a record is not the member's
 * to settle (never given to it, its lock ran out, already settled).
 */
final class ShareAcknowledgements {

    /** One acknowledgement batch as the wire carries it. */
    record Batch(long firstOffset, long lastOffset, List<Byte> types) {
    }

    /** No batch may span more offsets than this: a member holds far fewer records at once. */
    static final long MAX_BATCH_SPAN = 1 << 20;

    private ShareAcknowledgements() {
    }

    /** Settles every partition's batches; completes with the error of each partition named. */
    static CompletableFuture<Map<SharePartition, Errors>> apply(ShareSession session, ShareSources sources,
            Map<SharePartition, List<Batch>> batches, long lockMs, boolean renewAllowed, long now) {
        Map<SharePartition, Errors> errors = new ConcurrentHashMap<>(); // settled on other threads
        List<CompletableFuture<Void>> settling = new ArrayList<>();
        for (Map.Entry<SharePartition, List<Batch>> entry : batches.entrySet()) {
            SharePartition partition = entry.getKey();
            if (entry.getValue().isEmpty()) {
                continue;
            }
            errors.put(partition, Errors.NONE);
            if (!wellFormed(entry.getValue(), renewAllowed)) {
                errors.put(partition, Errors.INVALID_REQUEST);
                continue;
            }
            ShareSource source = sources.of(partition.topicId(), session.group);
            if (source == null) {
                errors.put(partition, Errors.UNKNOWN_TOPIC_ID);
                continue;
            }
            heldByType(session, partition, entry.getValue(), errors).forEach((type, held) -> {
                boolean renewing = type == ShareAcknowledgement.RENEW;
                settling.add(source.settle(held, type, lockMs).thenAccept(settled -> {
                    if (settled.contains(false)) {
                        fail(errors, partition);
                    }
                    session.settled(partition, held, settled, renewing, now + lockMs);
                }));
            });
        }
        return CompletableFuture.allOf(settling.toArray(CompletableFuture[]::new)).thenApply(v -> Map.copyOf(errors));
    }

    /**
     * The records the batches name, by type (gaps left out), as the member holds them: one it does
     * not hold fails the partition and is left out.
     */
    private static Map<ShareAcknowledgement, List<ShareSource.Held>> heldByType(ShareSession session,
            SharePartition partition, List<Batch> batches, Map<SharePartition, Errors> errors) {
        Map<ShareAcknowledgement, List<ShareSource.Held>> byType = new EnumMap<>(ShareAcknowledgement.class);
        synchronized (session) {
            HeldRecords held = session.held(partition);
            for (Batch batch : batches) {
                for (long offset = batch.firstOffset(); offset <= batch.lastOffset(); offset++) {
                    ShareAcknowledgement type = typeOf(batch, offset);
                    if (type == ShareAcknowledgement.GAP) {
                        continue;
                    }
                    int deliveryCount = held == null ? -1 : held.deliveryCount(offset);
                    if (deliveryCount < 0) {
                        fail(errors, partition);
                    } else {
                        byType.computeIfAbsent(type, t -> new ArrayList<>())
                                .add(new ShareSource.Held(partition.partition(), offset, deliveryCount));
                    }
                }
            }
        }
        return byType;
    }

    private static void fail(Map<SharePartition, Errors> errors, SharePartition partition) {
        errors.put(partition, Errors.INVALID_RECORD_STATE);
    }

    /** Whether every batch spans a sane range and names a known type (RENEW only where allowed) per offset or for all. */
    private static boolean wellFormed(List<Batch> batches, boolean renewAllowed) {
        for (Batch batch : batches) {
            long span = batch.lastOffset() - batch.firstOffset() + 1;
            if (batch.firstOffset() < 0 || span < 1 || span > MAX_BATCH_SPAN || batch.types().isEmpty()
                    || (batch.types().size() != 1 && batch.types().size() != span)) {
                return false;
            }
            for (byte code : batch.types()) {
                Optional<ShareAcknowledgement> type = ShareAcknowledgement.of(code);
                if (type.isEmpty() || (type.get() == ShareAcknowledgement.RENEW && !renewAllowed)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The type of the offset in a well-formed batch: the batch's one type, or the offset's own. */
    private static ShareAcknowledgement typeOf(Batch batch, long offset) {
        byte code = batch.types().get(batch.types().size() == 1 ? 0 : (int) (offset - batch.firstOffset()));
        return ShareAcknowledgement.of(code).orElseThrow();
    }
}
