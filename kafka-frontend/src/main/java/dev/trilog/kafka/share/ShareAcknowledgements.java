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
            Optional<Map<ShareAcknowledgement, List<Long>>> byType = offsetsByType(entry.getValue(), renewAllowed);
            if (byType.isEmpty()) {
                errors.put(partition, Errors.INVALID_REQUEST);
                continue;
            }
            ShareSource source = sources.of(partition.topicId(), session.group);
            if (source == null) {
                errors.put(partition, Errors.UNKNOWN_TOPIC_ID);
                continue;
            }
            for (Map.Entry<ShareAcknowledgement, List<Long>> typed : byType.get().entrySet()) {
                ShareAcknowledgement type = typed.getKey();
                if (type == ShareAcknowledgement.GAP) {
                    continue;
                }
                List<ShareSource.Held> held = new ArrayList<>();
                for (long offset : typed.getValue()) {
                    ShareSession.HeldRecord record = session.held(partition, offset);
                    if (record == null) {
                        fail(errors, partition);
                    } else {
                        held.add(new ShareSource.Held(partition.partition(), offset, record.deliveryCount()));
                    }
                }
                if (held.isEmpty()) {
                    continue;
                }
                settling.add(source.settle(held, type, lockMs).thenAccept(settled -> {
                    for (int i = 0; i < held.size(); i++) {
                        long offset = held.get(i).offset();
                        int deliveryCount = held.get(i).deliveryCount();
                        if (!settled.get(i)) {
                            fail(errors, partition);
                            session.forget(partition, offset, deliveryCount);
                        } else if (type == ShareAcknowledgement.RENEW) {
                            session.renewed(partition, offset, now + lockMs);
                        } else {
                            session.forget(partition, offset, deliveryCount);
                        }
                    }
                }));
            }
        }
        return CompletableFuture.allOf(settling.toArray(CompletableFuture[]::new)).thenApply(v -> Map.copyOf(errors));
    }

    private static void fail(Map<SharePartition, Errors> errors, SharePartition partition) {
        errors.put(partition, Errors.INVALID_RECORD_STATE);
    }

    /** The offsets of the batches by type, or empty when a batch is malformed. */
    private static Optional<Map<ShareAcknowledgement, List<Long>>> offsetsByType(List<Batch> batches,
            boolean renewAllowed) {
        Map<ShareAcknowledgement, List<Long>> byType = new EnumMap<>(ShareAcknowledgement.class);
        for (Batch batch : batches) {
            long span = batch.lastOffset() - batch.firstOffset() + 1;
            if (batch.firstOffset() < 0 || span < 1 || span > MAX_BATCH_SPAN || batch.types().isEmpty()
                    || (batch.types().size() != 1 && batch.types().size() != span)) {
                return Optional.empty();
            }
            for (long i = 0; i < span; i++) {
                byte code = batch.types().get(batch.types().size() == 1 ? 0 : (int) i);
                Optional<ShareAcknowledgement> type = ShareAcknowledgement.of(code);
                if (type.isEmpty() || (type.get() == ShareAcknowledgement.RENEW && !renewAllowed)) {
                    return Optional.empty();
                }
                byType.computeIfAbsent(type.get(), t -> new ArrayList<>()).add(batch.firstOffset() + i);
            }
        }
        return Optional.of(byType);
    }
}
