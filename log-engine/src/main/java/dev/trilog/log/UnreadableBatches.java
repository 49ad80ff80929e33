package dev.trilog.log;

import dev.trilog.log.record.RecordFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches already on disk whose records cannot be read (written by an older version that did
 * not validate produced batches, or damaged in place). Readers that decode records — the share
 * cursors behind SQS and AMQP queues, internal logs — skip such a batch as if its offsets had
 * been compacted away, so one bad batch cannot stop a queue; this counts them for
 * {@code /metrics} and logs each one once. Kafka fetch is not affected: it serves the bytes as
 * they are, as Kafka does, and the client decides.
 */
public final class UnreadableBatches {

    private static final Logger log = LoggerFactory.getLogger(UnreadableBatches.class);

    private final AtomicLong skipped = new AtomicLong();
    /** Partition and base offset of every batch reported, so a cursor re-reading one counts once. */
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    /** The listener a reader of {@code partition} reports its skips to. */
    RecordFormat.UnreadableBatchListener listenerFor(TopicPartition partition) {
        return (baseOffset, lastOffset, reason) -> {
            if (seen.add(partition + "@" + baseOffset)) {
                skipped.incrementAndGet();
                log.warn("{}: skipped the unreadable record batch at offsets {}..{} ({}); queue readers treat its"
                        + " records as gone, Kafka consumers get its bytes as they are", partition, baseOffset,
                        lastOffset, reason);
            }
        };
    }

    /** Distinct unreadable batches met since the process started. */
    public long count() {
        return skipped.get();
    }
}
