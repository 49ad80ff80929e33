package dev.trilog.log.share;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.log.Batches;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.log.segment.SegmentFiles;
import dev.trilog.testsupport.LyingBatches.Lie;
import dev.trilog.testsupport.TestClock;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A batch that lies about its records, already on disk (as an older Trilog that did not walk
 * produced records could have written it), does not stop a queue: the share cursor skips it as
 * if compacted away, counts it once, and delivers everything valid around it.
 */
class UnreadableBatchOnDiskTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final TopicPartition TP = new TopicPartition("q", 0);

    @TempDir
    Path dataDir;

    private final TestClock clock = TestClock.frozenAt(T0);
    private LogEngine engine;

    @AfterEach
    void close() throws Exception {
        if (engine != null) {
            engine.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Lie.class, names = {"COUNT_TOO_HIGH", "COUNT_TOO_LOW", "COUNT_HUGE", "RECORD_LENGTH_TOO_LONG",
            "RECORD_LENGTH_TOO_SHORT", "BAD_VARINT", "OFFSET_DELTAS_OUT_OF_ORDER", "WRONG_COMPRESSION",
            "COMPRESSED_COUNT_MISMATCH"})
    void theShareCursorSkipsTheBadBatchAndDeliversEverythingElse(Lie lie) throws Exception {
        engine = LogEngine.open(EngineSettings.of(dataDir).withClock(clock));
        engine.createTopic("q", 1, Map.of());
        engine.appender().append(TP, Batches.of(2, T0)).join();
        engine.close();
        long badBase = 2;
        long badLast = plantAtTheEnd(lie.batch(T0), badBase);

        engine = LogEngine.open(EngineSettings.of(dataDir).withClock(clock));
        assertThat(engine.partition(TP).logEndOffset()).isEqualTo(badLast + 1);
        engine.appender().append(TP, Batches.of(2, T0, 2)).join();
        ShareCursor cursor = engine.shareCursor(TP, "g", new ShareGroupSettings(5,
                ShareGroupSettings.LimitCounts.ACQUISITIONS, 1000), DeliveryPolicy.NONE, (group, offset, reason) -> {
                });

        List<Delivery> first = cursor.acquire("c", 10, 1 << 20, 30_000);
        cursor.acknowledgeAll(first).join(); // a gap wider than the in-flight window waits for the window to drain
        List<Delivery> rest = cursor.acquire("c", 10, 1 << 20, 30_000);

        assertThat(Stream.concat(first.stream(), rest.stream()).map(d -> Batches.text(d.record().value())))
                .containsExactly("v0", "v1", "v2", "v3");
        assertThat(engine.unreadableBatches().count()).isEqualTo(1);
        // reading the same batch again is not a second unreadable batch
        engine.partition(TP).readRecords(0, 1 << 20);
        assertThat(engine.unreadableBatches().count()).isEqualTo(1);
    }

    /** Appends {@code batch} with base offset {@code base} to the last segment file, as a writer that validated nothing would. */
    private long plantAtTheEnd(ByteBuffer batch, long base) throws Exception {
        batch.putLong(0, base); // the base offset is outside what the CRC covers
        Path partitionDir = dataDir.resolve("q-0");
        Path last;
        try (Stream<Path> files = Files.list(partitionDir)) {
            last = files.filter(p -> p.toString().endsWith(SegmentFiles.LOG)).sorted().reduce((a, b) -> b).orElseThrow();
        }
        try (FileChannel channel = FileChannel.open(last, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            channel.write(batch.duplicate());
        }
        return base + batch.getInt(23);
    }
}
