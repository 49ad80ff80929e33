package dev.trilog.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.log.durability.GroupCommitFlusher;
import dev.trilog.log.record.LogRecord;
import dev.trilog.log.segment.FullDisk;
import dev.trilog.testsupport.TestClock;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An append reaches the segment before the log end offset moves past it; a read in between must
 * not return it. The crash-loop soak's consumer (issue 18, "run E") got such a batch right after a
 * restart, asked for the offset after it, was told that offset lay past the log end
 * ({@code OFFSET_OUT_OF_RANGE}) and reset to the log start. The read is made at that moment here:
 * the partition's storage-failure state reports the first append written after a failed one from
 * inside that window, and the logger it reports to reads the log.
 */
class ReadsStopAtTheLogEndTest {

    private static final TopicPartition TP = new TopicPartition("bound", 0);
    private static final long TIME = 1_700_000_000_000L;

    @TempDir
    Path dir;

    @RegisterExtension
    final FullDisk disk = new FullDisk();

    private final ExecutorService background = Executors.newSingleThreadExecutor();
    private final List<String> readInTheWindow = new ArrayList<>();
    private PartitionLog log;

    @AfterEach
    void close() throws Exception {
        if (log != null) {
            log.close();
        }
        background.shutdownNow();
    }

    @Test
    void aReadWhileAnAppendIsWrittenButNotYetAtTheLogEndDoesNotReturnIt() throws Exception {
        log = PartitionLog.open(TP, dir, LogConfig.defaults(), TestClock.frozenAt(TIME), background,
                new GroupCommitFlusher(), true, new UnreadableBatches(), new StorageFailures(new RecordingLogger(this::readWhenTheStorageWorksAgain)));
        int firstBatchBytes = Batches.of(3, TIME, 0).remaining();
        log.append(Batches.of(3, TIME, 0), true); // offsets 0-2
        disk.fill();
        assertThatThrownBy(() -> log.append(Batches.of(4, TIME, 3), true)).isInstanceOf(IOException.class);
        disk.free();

        log.append(Batches.of(4, TIME, 3), true); // offsets 3-6: written, then "storage works again" is logged

        assertThat(readInTheWindow).as("what each read got while the log end was still 3")
                .containsExactly("log end 3", "records 0-2", "fetch of " + firstBatchBytes + " bytes",
                        "batches 0-2, next 3");
        assertThat(values(0)).containsExactly("v0", "v1", "v2", "v3", "v4", "v5", "v6");
    }

    private List<String> values(long from) throws Exception {
        List<String> values = new ArrayList<>();
        for (LogRecord record : log.readRecords(from, 1 << 20)) {
            values.add(Batches.text(record.value()));
        }
        return values;
    }

    /** On the line that says the storage works again (logged inside the append), reads the log as a consumer would. */
    private void readWhenTheStorageWorksAgain(String line) {
        if (!line.startsWith("INFO")) {
            return;
        }
        try {
            readInTheWindow.add("log end " + log.logEndOffset());
            List<LogRecord> read = log.readRecords(0, 1 << 20);
            readInTheWindow.add("records " + read.get(0).offset() + "-" + read.get(read.size() - 1).offset());
            try (LogSlice fetched = log.read(0, 1 << 20, true)) { // what a Kafka Fetch sends, zero-copy
                readInTheWindow.add("fetch of " + fetched.length() + " bytes");
            }
            try (LogSlice batches = log.readBatches(0, Long.MAX_VALUE)) { // what a share fetch sends
                readInTheWindow.add("batches " + batches.firstBatchOffset() + "-" + (batches.nextOffset() - 1)
                        + ", next " + batches.nextOffset());
            }
        } catch (IOException | OffsetOutOfRangeException e) {
            readInTheWindow.add(e.toString());
        }
    }
}
