package dev.trilog.log.segment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.log.Batches;
import dev.trilog.log.record.AppendRules;
import dev.trilog.log.record.PreparedAppend;
import dev.trilog.log.record.RecordFormat;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentRecoveryTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final int INDEX_BYTES = 1 << 16;
    private static final int INTERVAL = 100;

    @TempDir
    Path dir;

    /** Writes {@code batches} batches of 3 records; returns the size after each batch. */
    private int[] fill(Segment segment, int batches) throws IOException {
        int[] sizes = new int[batches];
        long next = segment.nextOffset();
        for (int i = 0; i < batches; i++) {
            PreparedAppend prepared = RecordFormat.prepareAppend(Batches.of(3, T0 + i, i * 3),
                    AppendRules.permissive(1 << 20), next, T0);
            segment.append(prepared, T0);
            next = prepared.lastOffset() + 1;
            sizes[i] = segment.size();
        }
        return sizes;
    }

    @Test
    void truncatesATornLastBatchAndKeepsEverythingBefore() throws IOException {
        Segment segment = Segment.create(dir, 0, INDEX_BYTES, INTERVAL);
        int[] sizes = fill(segment, 10);
        segment.close();
        try (RandomAccessFile file = new RandomAccessFile(SegmentFiles.log(dir, 0).toFile(), "rw")) {
            file.setLength(sizes[9] - 7); // the last write was cut short
        }

        Segment recovered = Segment.open(dir, 0, INDEX_BYTES, INTERVAL, true, true);

        assertThat(recovered.size()).isEqualTo(sizes[8]);
        assertThat(recovered.nextOffset()).isEqualTo(27);
        assertThat(Files.size(SegmentFiles.log(dir, 0))).isEqualTo(sizes[8]);
        assertThat(recovered.find(26, recovered.size()).header().lastOffset()).isEqualTo(26);
        recovered.close();
    }

    @Test
    void truncatesFromTheFirstBatchWhoseCrcFails() throws IOException {
        Segment segment = Segment.create(dir, 0, INDEX_BYTES, INTERVAL);
        int[] sizes = fill(segment, 10);
        segment.close();
        try (RandomAccessFile file = new RandomAccessFile(SegmentFiles.log(dir, 0).toFile(), "rw")) {
            int inBatch7 = sizes[6] + 70; // a byte inside the records of batch 7 (index 7)
            file.seek(inBatch7);
            int b = file.read();
            file.seek(inBatch7);
            file.write(b ^ 0xff);
        }

        Segment recovered = Segment.open(dir, 0, INDEX_BYTES, INTERVAL, true, true);

        assertThat(recovered.size()).isEqualTo(sizes[6]);
        assertThat(recovered.nextOffset()).isEqualTo(21);
        recovered.close();
    }

    @Test
    void rebuildsAMissingIndexOnACleanStart() throws IOException {
        Segment segment = Segment.create(dir, 0, INDEX_BYTES, INTERVAL);
        fill(segment, 20);
        segment.seal();
        segment.close();
        Files.delete(SegmentFiles.offsetIndex(dir, 0));

        Segment reopened = Segment.open(dir, 0, INDEX_BYTES, INTERVAL, false, false);

        assertThat(Files.size(SegmentFiles.offsetIndex(dir, 0))).isPositive();
        assertThat(reopened.nextOffset()).isEqualTo(60);
        assertThat(reopened.find(44, reopened.size()).header().baseOffset()).isEqualTo(42);
        reopened.close();
    }

    @Test
    void rebuildsADamagedIndexOnACleanStart() throws IOException {
        Segment segment = Segment.create(dir, 0, INDEX_BYTES, INTERVAL);
        fill(segment, 20);
        segment.seal();
        segment.close();
        Path index = SegmentFiles.offsetIndex(dir, 0);
        byte[] garbage = Files.readAllBytes(index);
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = (byte) 0x7f;
        }
        Files.write(index, garbage);

        Segment reopened = Segment.open(dir, 0, INDEX_BYTES, INTERVAL, false, false);

        assertThat(reopened.find(44, reopened.size()).header().baseOffset()).isEqualTo(42);
        assertThat(reopened.nextOffset()).isEqualTo(60);
        reopened.close();
    }

    @Test
    void aCleanReopenRestoresTheTailWithoutAScan() throws IOException {
        Segment segment = Segment.create(dir, 100, INDEX_BYTES, INTERVAL);
        fill(segment, 15);
        long maxTimestamp = segment.maxTimestamp();
        long offsetOfMax = segment.offsetOfMaxTimestamp();
        segment.seal();
        segment.close();

        Segment reopened = Segment.open(dir, 100, INDEX_BYTES, INTERVAL, true, false);

        assertThat(reopened.nextOffset()).isEqualTo(145);
        assertThat(reopened.maxTimestamp()).isEqualTo(maxTimestamp);
        assertThat(reopened.offsetOfMaxTimestamp()).isEqualTo(offsetOfMax);
        assertThat(reopened.rollBaseTimestamp()).isEqualTo(T0);
        reopened.close();
    }

    @Test
    void aRetiredSegmentStaysReadableUntilItsLastReaderReleasesIt() throws IOException {
        Segment segment = Segment.create(dir, 0, INDEX_BYTES, INTERVAL);
        fill(segment, 3);
        assertThat(segment.tryRetain()).isTrue();

        segment.retire(true);

        assertThat(segment.channel().isOpen()).isTrue();
        assertThat(segment.read(0, 61).remaining()).isEqualTo(61);
        assertThat(segment.tryRetain()).isFalse();
        segment.release();
        assertThat(segment.channel().isOpen()).isFalse();
        assertThat(Files.exists(SegmentFiles.log(dir, 0))).isFalse();
    }
}
