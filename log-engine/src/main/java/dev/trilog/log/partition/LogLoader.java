package dev.trilog.log.partition;

import dev.trilog.log.LogConfig;
import dev.trilog.log.cleaner.SegmentSwap;
import dev.trilog.log.producer.ProducerStates;
import dev.trilog.log.record.BatchHeader;
import dev.trilog.log.record.RecordFormat;
import dev.trilog.log.record.TxnMarker;
import dev.trilog.log.segment.AbortedTransaction;
import dev.trilog.log.segment.Segment;
import dev.trilog.log.segment.SegmentFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens a partition's directory and brings it to a state appends can continue from, as Kafka's
 * {@code LogLoader}:
 *
 * <ol>
 *   <li>a compaction interrupted by a crash is finished or discarded ({@link SegmentSwap});</li>
 *   <li>every {@code <base>.log} is opened, oldest first. After a clean shutdown the files are
 *       trusted, and an index is rebuilt only when missing or failing its checks; after an
 *       unclean one the last segment is verified batch by batch, a torn tail is truncated and
 *       its indexes rebuilt. An empty directory gets one segment at the log start offset;</li>
 *   <li>the log start offset is the checkpoint's, but never below the first segment nor above
 *       the log end offset;</li>
 *   <li>producer state (idempotence, open transactions) and the aborted-transaction indexes
 *       are rebuilt: see {@link #rebuildProducerStates}.</li>
 * </ol>
 */
public final class LogLoader {

    /** What loading found: the segments, the offsets they imply, and the producers' state. */
    public record LoadedLog(LogSegments segments, ProducerStates producerStates, long logStartOffset,
            long logEndOffset) {
    }

    private LogLoader() {
    }

    /** Loads the partition in {@code dir}, creating the directory when missing. */
    public static LoadedLog load(Path dir, LogStartOffsetCheckpoint checkpoint, LogConfig config, InstantSource clock,
            boolean cleanShutdown) throws IOException {
        Files.createDirectories(dir);
        SegmentSwap.completeInterrupted(dir);
        List<Long> baseOffsets = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SegmentFiles.LOG)) {
            for (Path file : files) {
                long base = SegmentFiles.baseOffsetOf(file);
                if (base >= 0) {
                    baseOffsets.add(base);
                }
            }
        }
        baseOffsets.sort(Long::compare);
        long logStart = checkpoint.read();
        List<Segment> loaded = new ArrayList<>();
        if (baseOffsets.isEmpty()) {
            loaded.add(Segment.create(dir, logStart, config.segmentIndexBytes(), config.indexIntervalBytes()));
        }
        for (int i = 0; i < baseOffsets.size(); i++) {
            boolean last = i == baseOffsets.size() - 1;
            loaded.add(Segment.open(dir, baseOffsets.get(i), config.segmentIndexBytes(),
                    config.indexIntervalBytes(), last, last && !cleanShutdown));
        }
        LogSegments segments = new LogSegments(loaded);
        long logEndOffset = segments.active().nextOffset();
        long logStartOffset = Math.min(Math.max(segments.firstBaseOffset(), logStart), logEndOffset);
        ProducerStates producerStates = rebuildProducerStates(dir, segments, logEndOffset, clock);
        return new LoadedLog(segments, producerStates, logStartOffset, logEndOffset);
    }

    /**
     * Producer state (idempotence, open transactions) and the aborted-transaction indexes: the
     * snapshot, then the batches after it, read from their headers (and transaction markers
     * read whole). Aborted-transaction entries from the replayed range are dropped first and
     * written again by the replay, so a crash between a marker and its index entry loses nothing.
     */
    private static ProducerStates rebuildProducerStates(Path dir, LogSegments segments, long logEndOffset,
            InstantSource clock) throws IOException {
        ProducerStates producerStates = new ProducerStates();
        long from = producerStates.loadSnapshot(dir, logEndOffset);
        if (from < 0) {
            from = segments.firstBaseOffset();
        }
        for (Segment segment : segments.all()) {
            segment.truncateAbortedTransactionsFrom(from);
        }
        for (Segment segment : segments.all()) {
            if (segment.nextOffset() <= from) {
                continue;
            }
            Segment.BatchPosition start = segment.find(from, segment.size());
            int position = start == null ? segment.size() : start.position();
            while (position + BatchHeader.SIZE <= segment.size()) {
                BatchHeader header = segment.headerAt(position);
                if (header.hasProducerId() && header.lastOffset() >= from) {
                    if (!header.control()) {
                        producerStates.update(header, header.maxTimestamp());
                    } else {
                        TxnMarker marker = RecordFormat.txnMarkerOf(segment.read(position, header.sizeInBytes()));
                        if (marker != null) {
                            AbortedTransaction aborted = producerStates.endTransaction(header, marker);
                            if (aborted != null) {
                                segment.addAbortedTransaction(aborted);
                            }
                        }
                    }
                }
                position += header.sizeInBytes();
            }
        }
        producerStates.expire(clock.millis());
        return producerStates;
    }
}
