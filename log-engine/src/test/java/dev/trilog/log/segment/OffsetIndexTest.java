package dev.trilog.log.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OffsetIndexTest {

    @TempDir
    Path dir;

    @Test
    void looksUpTheLargestEntryAtOrBelowTheTarget() throws Exception {
        OffsetIndex index = new OffsetIndex(dir.resolve("i"), 1000, 1024, true, false);
        index.append(1010, 400);
        index.append(1020, 800);
        index.append(1035, 1200);

        assertThat(index.lookup(999)).isEqualTo(new OffsetIndex.Position(1000, 0));
        assertThat(index.lookup(1009)).isEqualTo(new OffsetIndex.Position(1000, 0));
        assertThat(index.lookup(1010)).isEqualTo(new OffsetIndex.Position(1010, 400));
        assertThat(index.lookup(1034)).isEqualTo(new OffsetIndex.Position(1020, 800));
        assertThat(index.lookup(Long.MAX_VALUE)).isEqualTo(new OffsetIndex.Position(1035, 1200));
    }

    @Test
    void refusesEntriesThatDoNotIncrease() throws Exception {
        OffsetIndex index = new OffsetIndex(dir.resolve("i"), 0, 1024, true, false);
        index.append(10, 400);

        assertThatThrownBy(() -> index.append(10, 500)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> index.append(11, 400)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void isFullAtItsMaximumSizeAndSurvivesSealingAndReopening() throws Exception {
        Path file = dir.resolve("i");
        OffsetIndex index = new OffsetIndex(file, 0, 32, true, false);
        for (int i = 1; i <= 4; i++) {
            index.append(i * 10, i * 100);
        }
        assertThat(index.isFull()).isTrue();
        index.seal();

        OffsetIndex reopened = new OffsetIndex(file, 0, 32, false, true);

        assertThat(reopened.entries()).isEqualTo(4);
        assertThat(reopened.lookup(35)).isEqualTo(new OffsetIndex.Position(30, 300));
    }

    @Test
    void timeIndexFindsTheBatchToScanFrom() throws Exception {
        TimeIndex index = new TimeIndex(dir.resolve("t"), 0, 1200, true, false);
        index.maybeAppend(100, 9);
        index.maybeAppend(100, 19); // not larger: skipped
        index.maybeAppend(250, 29);

        assertThat(index.lookupStartOffset(50)).isZero();
        assertThat(index.lookupStartOffset(100)).isEqualTo(9);
        assertThat(index.lookupStartOffset(249)).isEqualTo(9);
        assertThat(index.lookupStartOffset(300)).isEqualTo(29);
        assertThat(index.lastEntry()).isEqualTo(new TimeIndex.Entry(250, 29));
    }
}
