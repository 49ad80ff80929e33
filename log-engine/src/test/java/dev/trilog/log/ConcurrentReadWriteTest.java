package dev.trilog.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.log.durability.GroupCommitFlusher;
import dev.trilog.log.record.LogRecord;
import dev.trilog.testsupport.TestClock;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One writer appending and rolling segments, readers at random offsets: no torn or wrong record, ever. */
class ConcurrentReadWriteTest {

    @TempDir
    Path dir;

    @Test
    void readersSeeOnlyWholeCorrectRecordsWhileTheWriterAppendsAndRolls() throws Exception {
        GroupCommitFlusher flusher = new GroupCommitFlusher();
        ExecutorService threads = Executors.newFixedThreadPool(3);
        PartitionLog log = PartitionLog.open(new TopicPartition("rw", 0), dir,
                LogConfig.defaults().withOverrides(Map.of("segment.bytes", "8192", "index.interval.bytes", "512")),
                TestClock.frozenAt(1_700_000_000_000L), threads, flusher, true);
        AtomicBoolean writing = new AtomicBoolean(true);
        try {
            Future<?> writer = threads.submit(() -> {
                for (int i = 0; i < 3000; i++) {
                    log.append(Batches.of(4, 1_700_000_000_000L, i * 4), true);
                }
                writing.set(false);
                return null;
            });
            Future<Long> reader = threads.submit(() -> {
                long checked = 0;
                while (writing.get() || checked == 0) {
                    long end = log.logEndOffset();
                    if (end == 0) {
                        continue;
                    }
                    long offset = ThreadLocalRandom.current().nextLong(end);
                    List<LogRecord> records = log.readRecords(offset, 4096);
                    assertThat(records).isNotEmpty();
                    long expected = offset;
                    for (LogRecord record : records) {
                        assertThat(record.offset()).isEqualTo(expected);
                        assertThat(Batches.text(record.value())).isEqualTo("v" + expected);
                        expected++;
                        checked++;
                    }
                }
                return checked;
            });
            writer.get(60, TimeUnit.SECONDS);
            assertThat(reader.get(60, TimeUnit.SECONDS)).isPositive();
            assertThat(log.logEndOffset()).isEqualTo(12_000);
            assertThat(log.segmentCount()).isGreaterThan(10);
        } finally {
            threads.shutdown();
            threads.awaitTermination(10, TimeUnit.SECONDS);
            log.close();
            flusher.close();
        }
    }
}
