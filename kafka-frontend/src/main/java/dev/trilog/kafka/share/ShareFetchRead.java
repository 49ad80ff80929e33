package dev.trilog.kafka.share;

import dev.trilog.log.LogSlice;
import dev.trilog.log.OffsetOutOfRangeException;
import dev.trilog.log.PartitionLog;
import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
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
 * partition each time so none starves), notes them as the member's, and answers the log batches
 * they are in as slices of the segment files, sent zero-copy as a plain Fetch's are. A batch only
 * partly acquired goes whole too, as in Kafka: the client keeps, of each batch, only the offsets
 * named as acquired; batches with none acquired are not sent.
 */
final class ShareFetchRead {

    /**
     * What a partition answers: an error, or the batches (slices to close once the response is
     * written) and the acquired ranges within them.
     */
    record Fetched(Errors error, List<LogSlice> batches, List<AcquiredRecords> acquired) {

        static Fetched error(Errors error) {
            return new Fetched(error, List.of(), List.of());
        }

        static void closeAll(java.util.Collection<Fetched> fetched) {
            fetched.forEach(f -> f.batches.forEach(LogSlice::close));
        }
    }

    private final ShareSession session;
    private final ShareSources sources;
    private final int maxRecords;
    private final int maxBytes;
    private final long lockMs;
    private final InstantSource clock;
    /** Whether an acquisition runs on to the end of the log batch it stops in (batch-optimized, not record-limit). */
    private final boolean wholeBatches;
    /**
     * Whether this node holds a copy of a partition: in a cluster, a topic with fewer replicas
     * than nodes may have none here, and its empty local log must not be served as the partition.
     */
    private final java.util.function.Predicate<org.apache.kafka.common.TopicPartition> heldHere;

    ShareFetchRead(ShareSession session, ShareSources sources, int maxRecords, int maxBytes, long lockMs,
            InstantSource clock, boolean wholeBatches,
            java.util.function.Predicate<org.apache.kafka.common.TopicPartition> heldHere) {
        this.heldHere = heldHere;
        this.session = session;
        this.sources = sources;
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
        this.lockMs = lockMs;
        this.clock = clock;
        this.wholeBatches = wholeBatches;
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
        return chain.handle((taken, failure) -> {
            if (failure != null) {
                Fetched.closeAll(answers.values()); // the slices of the topics read before the failure
                throw failure instanceof java.util.concurrent.CompletionException c ? c
                        : new java.util.concurrent.CompletionException(failure);
            }
            return answers;
        });
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
            PartitionLog log = source.log(p);
            if (log == null) {
                answers.put(new SharePartition(topicId, p), Fetched.error(Errors.UNKNOWN_TOPIC_OR_PARTITION));
            } else if (!heldHere.test(log.topicPartition())) {
                answers.put(new SharePartition(topicId, p), Fetched.error(Errors.NOT_LEADER_OR_FOLLOWER));
            } else {
                readable.add(p);
            }
        }
        if (budget <= 0 || readable.isEmpty()) {
            return CompletableFuture.completedFuture(0);
        }
        Collections.rotate(readable, -(int) (session.nextRotation() % readable.size()));
        return source.acquire(session.member, readable, budget, maxBytes, lockMs, wholeBatches)
                .thenApply(acquired -> {
                    long deadline = clock.millis() + lockMs;
                    Map<Integer, List<ShareSource.Acquired>> byPartition = new LinkedHashMap<>();
                    for (ShareSource.Acquired a : acquired) {
                        byPartition.computeIfAbsent(a.partition(), p -> new ArrayList<>()).add(a);
                    }
                    byPartition.forEach((p, records) -> {
                        // a batch's rest acquired after the first pass may come after redeliveries of lower offsets
                        records.sort(Comparator.comparingLong(ShareSource.Acquired::offset));
                        SharePartition partition = new SharePartition(topicId, p);
                        List<AcquiredRecords> ranges = ranges(records);
                        int first = 0; // the range's first record (the wire's delivery count is capped to a short)
                        for (AcquiredRecords range : ranges) {
                            session.hold(partition, range.firstOffset(), range.lastOffset(),
                                    records.get(first).deliveryCount(), deadline);
                            first += (int) (range.lastOffset() - range.firstOffset() + 1);
                        }
                        answers.put(partition, read(source.log(p), records, ranges));
                    });
                    return acquired.size();
                });
    }

    /**
     * The whole batches holding {@code acquired} (in offset order), one slice per run of
     * consecutive acquired offsets (and per segment), none twice; and {@code ranges}, the acquired ranges.
     */
    private static Fetched read(PartitionLog log, List<ShareSource.Acquired> acquired, List<AcquiredRecords> ranges) {
        List<LogSlice> slices = new ArrayList<>();
        long covered = -1; // the batches below this offset are in the slices already
        int i = 0;
        try {
            while (i < acquired.size()) {
                long first = acquired.get(i).offset();
                long last = first;
                while (++i < acquired.size() && acquired.get(i).offset() == last + 1) {
                    last++;
                }
                long from = Math.max(first, covered);
                while (from <= last) {
                    LogSlice slice;
                    try {
                        slice = log.readBatches(from, last);
                    } catch (OffsetOutOfRangeException e) {
                        break; // removed by retention since acquired: the client sees no record for those
                    }
                    if (slice.isEmpty()) {
                        break;
                    }
                    slices.add(slice);
                    from = slice.nextOffset();
                    covered = from;
                }
            }
        } catch (IOException e) {
            slices.forEach(LogSlice::close);
            return Fetched.error(Errors.KAFKA_STORAGE_ERROR);
        }
        return new Fetched(Errors.NONE, slices, ranges);
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
