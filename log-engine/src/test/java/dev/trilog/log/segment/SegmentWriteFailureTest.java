package dev.trilog.log.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.log.Batches;
import dev.trilog.log.record.AppendRules;
import dev.trilog.log.record.PreparedAppend;
import dev.trilog.log.record.RecordFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A write that fails part-way (a full disk) must leave the segment's file as it was. */
class SegmentWriteFailureTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final int INDEX_BYTES = 1 << 16;
    private static final int INTERVAL = 100;

    @TempDir
    Path dir;

    @RegisterExtension
    final FullDisk disk = new FullDisk();

    private static PreparedAppend batchAt(long offset) {
        return RecordFormat.prepareAppend(Batches.of(3, T0, (int) offset), AppendRules.permissive(1 << 20), offset, T0);
    }

    private static void append(Segment segment) throws IOException {
        segment.append(batchAt(segment.nextOffset()), T0);
    }

    private long fileSize() throws IOException {
        return Files.size(SegmentFiles.log(dir, 0));
    }

    @Test
    void aFailedWriteIsCutOffAndTheNextAppendGoesWhereItWouldHave() throws IOException {
        Segment segment = Segment.create(dir, 0, INDEX_BYTES, INTERVAL);
        for (int i = 0; i < 5; i++) {
            append(segment);
        }
        int good = segment.size();

        disk.fill();
        assertThatThrownBy(() -> append(segment)).isInstanceOf(IOException.class)
                .hasMessage("No space left on device");
        assertThat(disk.failedWrites()).isEqualTo(1);

        assertThat(fileSize()).isEqualTo(good);
        assertThat(segment.size()).isEqualTo(good);
        assertThat(segment.nextOffset()).isEqualTo(15);
        disk.free();
        append(segment);
        assertThat(segment.nextOffset()).isEqualTo(18);
        assertThat(fileSize()).isEqualTo(segment.size());
        segment.close();

        Segment trusted = Segment.open(dir, 0, INDEX_BYTES, INTERVAL, true, false);
        assertThat(trusted.nextOffset()).isEqualTo(18);
        assertThat(trusted.recover()).as("bytes recovery would cut").isZero();
        trusted.close();
    }

    @Test
    void whenTheCutFailsTooTheNextAppendMakesItFirst() throws IOException {
        Segment segment = Segment.create(dir, 0, INDEX_BYTES, INTERVAL);
        append(segment);
        append(segment);
        int good = segment.size();

        disk.fill();
        disk.failTruncates();
        assertThatThrownBy(() -> append(segment)).isInstanceOf(IOException.class)
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
        assertThat(fileSize()).as("the torn bytes are still there").isGreaterThan(good);
        assertThat(segment.size()).isEqualTo(good);

        disk.free();
        append(segment);
        assertThat(segment.nextOffset()).isEqualTo(9);
        assertThat(fileSize()).isEqualTo(segment.size());
        segment.close();

        Segment recovered = Segment.open(dir, 0, INDEX_BYTES, INTERVAL, true, true);
        assertThat(recovered.nextOffset()).isEqualTo(9);
        assertThat(recovered.size()).isEqualTo(segment.size());
        recovered.close();
    }

    @Test
    void sealingCutsOffWhatAFailedWriteLeft() throws IOException {
        Segment segment = Segment.create(dir, 0, INDEX_BYTES, INTERVAL);
        append(segment);
        int good = segment.size();
        disk.fill();
        disk.failTruncates();
        assertThatThrownBy(() -> append(segment)).isInstanceOf(IOException.class);
        disk.free();

        segment.seal();
        segment.close();

        assertThat(fileSize()).isEqualTo(good);
        Segment trusted = Segment.open(dir, 0, INDEX_BYTES, INTERVAL, false, false);
        assertThat(trusted.nextOffset()).isEqualTo(3);
        trusted.close();
    }
}
