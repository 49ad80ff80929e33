package dev.trilog.log;

import dev.trilog.log.durability.DurabilityWaiters;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Partitions whose disk is failing them (full, read-only, I/O errors). A partition enters the
 * failed state when a write of its log (an append, with the roll before it) or an fsync fails
 * with an {@link IOException}, and leaves it when the kind of operation that failed next succeeds:
 * a failed write is over at the next append that is written, a failed fsync at the next fsync
 * that completes. Each entry is one WARN line with the cause, each exit one INFO line with how
 * many operations failed meanwhile, so a producer retrying thousands of times against a full
 * disk costs the log two lines; {@link #count()} is the {@code /metrics} gauge.
 *
 * <p>Any failure since the engine opened also keeps its shutdown from being marked clean
 * ({@link #occurred()}): whatever a failed write left behind is then found by the next start's
 * recovery, which checks every batch of each partition's last segment.
 */
public final class StorageFailures {

    private final Logger log;
    private final Set<TopicPartition> failing = ConcurrentHashMap.newKeySet();
    private volatile boolean occurred;

    StorageFailures() {
        this(LoggerFactory.getLogger(StorageFailures.class));
    }

    /** With the logger the transitions are written to (tests read it). */
    StorageFailures(Logger log) {
        this.log = log;
    }

    /** Partitions in the failed state now, internal logs included. */
    public int count() {
        return failing.size();
    }

    /** True when {@code partition} is in the failed state. */
    public boolean failing(TopicPartition partition) {
        return failing.contains(partition);
    }

    /** True when a write or fsync of any partition failed since the engine opened, even if it works again. */
    public boolean occurred() {
        return occurred;
    }

    /** The state of one partition, which its log reports every write and fsync to. */
    Partition partition(TopicPartition partition) {
        return new Partition(partition);
    }

    /**
     * One partition's state. Writes are reported under the partition's write lock, fsyncs by the
     * flusher thread or the partition; the transitions are serialised on this object. A
     * success while the partition is not failing costs one volatile read.
     */
    final class Partition implements DurabilityWaiters.FsyncOutcomes {

        private final TopicPartition topicPartition;
        private volatile boolean failed;
        private boolean writeFailed;
        private boolean fsyncFailed;
        /** Operations that failed since the partition entered the failed state. */
        private long failures;
        private long sinceNanos;

        private Partition(TopicPartition topicPartition) {
            this.topicPartition = topicPartition;
        }

        /** An append (or the roll before it) could not be written. */
        void writeFailed(IOException cause) {
            fail(true, cause);
        }

        /** An append was written. */
        void written() {
            if (failed) {
                succeed(true);
            }
        }

        @Override
        public void fsyncFailed(IOException cause) {
            fail(false, cause);
        }

        @Override
        public void fsynced() {
            if (failed) {
                succeed(false);
            }
        }

        /** The partition is deleted: it no longer counts as failed. */
        synchronized void forget() {
            if (failed) {
                failed = false;
                failing.remove(topicPartition);
            }
        }

        private synchronized void fail(boolean write, IOException cause) {
            occurred = true;
            failures++;
            if (write) {
                writeFailed = true;
            } else {
                fsyncFailed = true;
            }
            if (!failed) {
                failed = true;
                sinceNanos = System.nanoTime();
                failing.add(topicPartition);
                String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
                log.warn("{}: storage failed ({} failed: {}); writes to it fail (Kafka: KAFKA_STORAGE_ERROR) until"
                        + " the disk works again, and the next start checks its log", topicPartition,
                        write ? "a write" : "an fsync", message);
            }
        }

        private synchronized void succeed(boolean write) {
            if (write) {
                writeFailed = false;
            } else {
                fsyncFailed = false;
            }
            if (failed && !writeFailed && !fsyncFailed) {
                failed = false;
                failing.remove(topicPartition);
                log.info("{}: storage works again: {} after {} failed operations in {} ms", topicPartition,
                        write ? "an append was written" : "an fsync completed", failures,
                        (System.nanoTime() - sinceNanos) / 1_000_000);
                failures = 0;
            }
        }
    }
}
