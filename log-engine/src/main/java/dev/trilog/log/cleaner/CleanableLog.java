package dev.trilog.log.cleaner;

import dev.trilog.log.LogConfig;
import dev.trilog.log.segment.AbortedTransaction;
import dev.trilog.log.segment.Segment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * What the {@link LogCleaner} sees of one partition and the one change it may make: it reads the
 * sealed segments without a lock, and swaps a segment for its compacted copy (or drops one
 * compaction emptied) under the partition's write lock. The partition hands this view to the
 * engine; it is not part of the partition's API.
 */
public interface CleanableLog {

    TopicPartition topicPartition();

    LogConfig config();

    /** Wall-clock time by the partition's clock, for the compaction lag and tombstone expiry. */
    long now();

    /** The partition's directory, where the cleaned copies are written. */
    Path dir();

    /** The sealed segments (never the active one), oldest first. */
    List<Segment> sealedSegments();

    long lastStableOffset();

    /** Every aborted transaction of the partition from its log start offset on. */
    List<AbortedTransaction> abortedTransactions();

    /**
     * Under the partition's write lock, has {@code replacement} rename the copy (already opened and
     * fsynced) into place and puts it in place of {@code original}; readers of the original keep it
     * until they release it. When retention removed the original meanwhile, the copy is deleted
     * instead.
     */
    void replace(Segment original, Replacement replacement) throws IOException;

    /** Removes a sealed segment compaction emptied (under the write lock); its offsets stay a gap, as in Kafka. */
    void drop(Segment original);

    /** Renames a prepared compacted copy's files into place (renames only: it runs under the lock). */
    @FunctionalInterface
    interface Replacement {
        Segment install() throws IOException;
    }
}
