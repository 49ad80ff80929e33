package dev.trilog.kafka.share;

import dev.trilog.kafka.records.KafkaRecords;
import dev.trilog.log.LogSlice;
import dev.trilog.log.OffsetOutOfRangeException;
import dev.trilog.log.PartitionLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ShareFetchResponseData.AcquiredRecords;
import org.apache.kafka.common.protocol.Errors;

/**
 * One attempt of a share fetch: acquires records for the member from its session's partitions
 * (topic by topic, at most the request's record and byte budget, starting at a different
 * partition each time so none starves), notes them as the member's, and reads the log batches
 * they are in. Kafka's client keeps, of each batch, only the offsets named as acquired.
 */
final class ShareFetchRead {

    /** What a partition answers: an error, or batches and the acquired ranges within them. */
    record Fetched(Errors error, ByteBuffer batches, List<AcquiredRecords> acquired) {

        static Fetched error(Errors error) {
            return new Fetched(error, ByteBuffer.allocate(0), List.of());
        }
    }

    /** How much is read from the log at a time to find the batches of acquired records. */
    private static final int READ_BYTES = 1 << 20;

    private final ShareSession session;
    private final ShareSources sources;
    private final int maxRecords;
    private final int maxBytes;
    private final long lockMs;
    private final InstantSource clock;

    ShareFetchRead(ShareSession session, ShareSources sources, int maxRecords, int maxBytes, long lockMs,
            InstantSource clock) {
        this.session = session;
        this.sources = sources;
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
        this.lockMs = lockMs;
        this.clock = clock;
    }

    /** The logs of the session's partitions, whose appends may give a waiting fetch records. */
    List<PartitionLog> logs() {
        List<PartitionLog> logs = new ArrayList<>();
        partitionsByTopic().forEach((topicId, partitions) -> {
            ShareSource source = sources.of(topicId, session.group);
            if (source != null) {
                for (int p : partitions) {
                    PartitionLog log = source.log(p);
                    if (log != null) {
                        logs.add(log);
                    }
                }
            }
        });
        return logs;
    }

    /** Acquires and reads once; completes with the partitions that have records or an error (empty: none). */
    CompletableFuture<Map<SharePartition, Fetched>> attempt() {
        Map<SharePartition, Fetched> answers = new LinkedHashMap<>();
        CompletableFuture<Integer> chain = CompletableFuture.completedFuture(0);
        for (Map.Entry<Uuid, List<Integer>> topic : partitionsByTopic().entrySet()) {
            chain = chain.thenCompose(taken -> acquireFrom(topic.getKey(), topic.getValue(), maxRecords - taken,
                    answers).thenApply(n -> taken + n));
        }
        return chain.thenApply(taken -> answers);
    }

    private CompletableFuture<Integer> acquireFrom(Uuid topicId, List<Integer> partitions, int budget,
            Map<SharePartition, Fetched> answers) {
        ShareSource source = sources.of(topicId, session.group);
        if (source == null) {
            partitions.forEach(p -> answers.put(new SharePartition(topicId, p), Fetched.error(Errors.UNKNOWN_TOPIC_ID)));
            return CompletableFuture.completedFuture(0);
        }
        List<Integer> readable = new ArrayList<>();
        for (int p : partitions) {
            if (source.log(p) == null) {
                answers.put(new SharePartition(topicId, p), Fetched.error(Errors.UNKNOWN_TOPIC_OR_PARTITION));
            } else {
                readable.add(p);
            }
        }
        if (budget <= 0 || readable.isEmpty()) {
            return CompletableFuture.completedFuture(0);
        }
        Collections.rotate(readable, -(int) (session.nextRotation() % readable.size()));
        return source.acquire(session.member, readable, budget, maxBytes, lockMs).thenApply(acquired -> {
            long deadline = clock.millis() + lockMs;
            Map<Integer, List<ShareSource.Acquired>> byPartition = new LinkedHashMap<>();
            for (ShareSource.Acquired a : acquired) {
                session.hold(new SharePartition(topicId, a.partition()), a.offset(), a.deliveryCount(), deadline);
                byPartition.computeIfAbsent(a.partition(), p -> new ArrayList<>()).add(a);
            }
            byPartition.forEach((p, records) -> answers.put(new SharePartition(topicId, p),
                    read(source.log(p), records)));
            return acquired.size();
        });
    }

    /** The batches holding {@code acquired} (in offset order) and the acquired ranges. */
    private static Fetched read(PartitionLog log, List<ShareSource.Acquired> acquired) {
        List<ByteBuffer> parts = new ArrayList<>();
        long upTo = acquired.get(acquired.size() - 1).offset();
        int i = 0;
        try {
            while (i < acquired.size()) {
                long from = acquired.get(i).offset();
                try (LogSlice slice = log.read(from, READ_BYTES, true)) {
                    ByteBuffer bytes = slice.readBytes();
                    long last = KafkaRecords.lastOffset(bytes);
                    if (last < from) {
                        break; // gone from the log since it was acquired: the client sees no record for it
                    }
                    parts.add(KafkaRecords.batchesOverlapping(bytes, from, upTo));
                    while (i < acquired.size() && acquired.get(i).offset() <= last) {
                        i++;
                    }
                }
            }
        } catch (OffsetOutOfRangeException e) {
            // removed by retention since acquired: what was read so far goes out
        } catch (IOException e) {
            return Fetched.error(Errors.KAFKA_STORAGE_ERROR);
        }
        return new Fetched(Errors.NONE, concat(parts), ranges(acquired));
    }

    /** Consecutive offsets with one delivery count make one range. */
    private static List<AcquiredRecords> ranges(List<ShareSource.Acquired> acquired) {
        List<AcquiredRecords> ranges = new ArrayList<>();
        AcquiredRecords current = null;
        for (ShareSource.Acquired a : acquired) {
            if (current != null && current.lastOffset() + 1 == a.offset() && current.deliveryCount() == a.deliveryCount()) {
                current.setLastOffset(a.offset());
            } else {
                current = new AcquiredRecords().setFirstOffset(a.offset()).setLastOffset(a.offset())
                        .setDeliveryCount((short) Math.min(a.deliveryCount(), Short.MAX_VALUE));
                ranges.add(current);
            }
        }
        return ranges;
    }

    private static ByteBuffer concat(List<ByteBuffer> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        // several reads (acquired records past the first read's end): one buffer, as Records is one
        ByteBuffer all = ByteBuffer.allocate(parts.stream().mapToInt(ByteBuffer::remaining).sum());
        parts.forEach(part -> all.put(part.duplicate()));
        return all.flip();
    }

    private Map<Uuid, List<Integer>> partitionsByTopic() {
        Map<Uuid, List<Integer>> byTopic = new LinkedHashMap<>();
        synchronized (session) {
            for (SharePartition p : session.partitions) {
                byTopic.computeIfAbsent(p.topicId(), t -> new ArrayList<>()).add(p.partition());
            }
        }
        return byTopic;
    }
}
