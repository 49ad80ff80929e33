package dev.trilog.kafka.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchResponse;

/**
 * One incremental fetch session (KIP-227, Kafka's {@code FetchSession}): the partitions a fetcher
 * reads, with where it reads each from and what it was last told of each, so that its requests
 * name only what changed and its responses carry only what changed. Guarded by its own monitor:
 * take it before reading or changing anything, and never take the cache's lock while holding it.
 */
final class FetchSession {

    /**
     * A partition as a fetch names it: by topic ID from Fetch v13 (then {@code topic} is null),
     * else by name (then {@code topicId} is zero).
     */
    record PartitionKey(String topic, Uuid topicId, int partition) {

        static PartitionKey of(boolean byId, String topic, Uuid topicId, int partition) {
            return byId ? new PartitionKey(null, topicId, partition) : new PartitionKey(topic, Uuid.ZERO_UUID, partition);
        }

        /** The same topic as {@code other}: one topic entry in the response. */
        boolean sameTopic(PartitionKey other) {
            return other != null && java.util.Objects.equals(topic, other.topic) && topicId.equals(other.topicId);
        }
    }

    /** A partition to read, and from where: a request's, or a session's remembered one. */
    record FetchTarget(PartitionKey key, long fetchOffset, int maxBytes) {
    }

    /** A session's partition: the request's last fetch parameters and the response's last metadata. */
    private static final class CachedPartition {
        long fetchOffset;
        int maxBytes;
        long highWatermark = -1;
        long logStartOffset = -1;

        CachedPartition(FetchTarget target) {
            fetchOffset = target.fetchOffset();
            maxBytes = target.maxBytes();
        }

        /**
         * Whether an incremental response must carry this partition (Kafka's
         * {@code CachedPartition.maybeUpdateResponseData}): records, a new high watermark or log
         * start offset, an error (after which the high watermark is forgotten, so the partition is
         * sent again once the error clears), a preferred replica or a diverging epoch. Remembers
         * what it is told.
         */
        boolean mustRespond(FetchResponseData.PartitionData answer) {
            boolean must = FetchResponse.recordsSize(answer) > 0;
            if (highWatermark != answer.highWatermark()) {
                must = true;
                highWatermark = answer.highWatermark();
            }
            if (logStartOffset != answer.logStartOffset()) {
                must = true;
                logStartOffset = answer.logStartOffset();
            }
            if (answer.errorCode() != Errors.NONE.code()) {
                highWatermark = -1;
                must = true;
            }
            return must || FetchResponse.isPreferredReplica(answer) || FetchResponse.isDivergingEpoch(answer);
        }
    }

    final int id;
    /** A follower's session, which outranks consumers' in the cache. */
    final boolean privileged;
    /** Whether its partitions are named by topic ID (Fetch v13+); a request of the other kind is refused. */
    final boolean usesTopicIds;
    final long creationMs;
    long lastUsedMs;
    /** The epoch the next incremental request must carry. */
    int epoch;
    /** Its size when the cache last indexed it; -1 when it is not in the cache. */
    int cachedSize = -1;
    /** In read order: a partition that returned records moves to the end, so the others go first next time. */
    private final LinkedHashMap<PartitionKey, CachedPartition> partitions = new LinkedHashMap<>();

    /** A session of {@code targets} as a full fetch read them, remembering what {@code response} told of each. */
    FetchSession(int id, boolean privileged, boolean usesTopicIds, long nowMs, int epoch, List<FetchTarget> targets,
            FetchResponseData response) {
        this.id = id;
        this.privileged = privileged;
        this.usesTopicIds = usesTopicIds;
        this.creationMs = nowMs;
        this.lastUsedMs = nowMs;
        this.epoch = epoch;
        for (FetchTarget target : targets) {
            partitions.put(target.key(), new CachedPartition(target));
        }
        for (FetchResponseData.FetchableTopicResponse topic : response.responses()) {
            for (FetchResponseData.PartitionData answer : topic.partitions()) {
                CachedPartition cached = partitions.get(keyOf(topic, answer));
                if (cached != null) {
                    cached.highWatermark = answer.highWatermark();
                    cached.logStartOffset = answer.logStartOffset();
                }
            }
        }
    }

    /** How many partitions it holds. */
    synchronized int size() {
        return partitions.size();
    }

    /** An incremental request's changes: new and changed partitions, and those it forgets. */
    synchronized void update(List<FetchTarget> changed, List<PartitionKey> forgotten) {
        for (FetchTarget target : changed) {
            CachedPartition cached = partitions.get(target.key());
            if (cached == null) {
                partitions.put(target.key(), new CachedPartition(target));
            } else {
                cached.fetchOffset = target.fetchOffset();
                cached.maxBytes = target.maxBytes();
            }
        }
        forgotten.forEach(partitions::remove);
    }

    /** Every partition to read, in the session's order. */
    synchronized List<FetchTarget> targets() {
        List<FetchTarget> targets = new ArrayList<>(partitions.size());
        partitions.forEach((key, cached) -> targets.add(new FetchTarget(key, cached.fetchOffset, cached.maxBytes)));
        return targets;
    }

    /**
     * Leaves out of {@code response} (read for every partition of the session) each partition
     * with nothing new to tell, remembering what the rest tell; partitions that returned records
     * move to the end of the session's order.
     */
    synchronized void prune(FetchResponseData response) {
        response.responses().removeIf(topic -> {
            topic.partitions().removeIf(answer -> {
                PartitionKey key = keyOf(topic, answer);
                CachedPartition cached = partitions.get(key);
                if (cached == null) {
                    return false; // not the session's: said as it is
                }
                if (!cached.mustRespond(answer)) {
                    return true;
                }
                if (FetchResponse.recordsSize(answer) > 0) {
                    partitions.remove(key);
                    partitions.put(key, cached);
                }
                return false;
            });
            return topic.partitions().isEmpty();
        });
    }

    private PartitionKey keyOf(FetchResponseData.FetchableTopicResponse topic, FetchResponseData.PartitionData answer) {
        return PartitionKey.of(usesTopicIds, topic.topic(), topic.topicId(), answer.partitionIndex());
    }

    @Override
    public synchronized String toString() {
        return "FetchSession(id=" + id + ", privileged=" + privileged + ", partitions=" + partitions.size()
                + ", usesTopicIds=" + usesTopicIds + ", epoch=" + epoch + ")";
    }
}
