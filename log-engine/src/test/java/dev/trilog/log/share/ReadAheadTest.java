package dev.trilog.log.share;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.log.record.LogRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

class ReadAheadTest {

    /** A log holding offsets 0..99 except 10..14 (a gap: markers, compaction); each read returns 20 records at most. */
    private final List<Long> reads = new ArrayList<>();
    private final LongFunction<List<LogRecord>> log = from -> {
        reads.add(from);
        List<LogRecord> chunk = new ArrayList<>();
        for (long offset = from; offset < 100 && chunk.size() < 20; offset++) {
            if (offset < 10 || offset > 14) {
                chunk.add(new LogRecord(offset, 0, null, null, List.of()));
            }
        }
        return chunk;
    };

    private final ReadAhead readAhead = new ReadAhead();

    private List<Long> take(int n) {
        List<Long> taken = new ArrayList<>();
        for (int i = 0; i < n && !readAhead.isEmpty(); i++) {
            taken.add(readAhead.pollFirst().offset());
        }
        return taken;
    }

    @Test
    void readsAtTheWindowsEndWhenNothingIsHeldThenServesWhatItHolds() {
        assertThat(readAhead.positionAt(0, log)).isTrue();
        assertThat(take(5)).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(readAhead.positionAt(5, log)).isTrue();
        assertThat(readAhead.peekFirst().offset()).isEqualTo(5);
        assertThat(reads).containsExactly(0L);
    }

    @Test
    void aPrefetchReadsNothingBeforeTheWindowsEndIsKnown() {
        readAhead.prefetch(0, 100, 10, log);

        assertThat(reads).isEmpty();
    }

    @Test
    void aPrefetchExtendsWhatIsHeldFromJustAfterItsLastRecordSoNoOffsetIsSkipped() {
        readAhead.positionAt(0, log); // 0..9, 15..24
        take(20);
        readAhead.prefetch(25, 100, 10, log);

        assertThat(reads).containsExactly(0L, 25L);
        assertThat(readAhead.positionAt(25, log)).isTrue();
        assertThat(take(100)).containsExactlyElementsOf(range(25, 45));
    }

    @Test
    void aPrefetchLeavesEnoughAlone() {
        readAhead.positionAt(0, log);
        readAhead.prefetch(0, 100, 10, log);
        readAhead.prefetch(0, 100, 10, log);

        assertThat(reads).containsExactly(0L);
    }

    @Test
    void aPrefetchDoesNotReadPastTheReadableEnd() {
        readAhead.positionAt(0, log);
        take(20);
        readAhead.prefetch(25, 25, 10, log);

        assertThat(reads).containsExactly(0L);
    }

    @Test
    void whatAPrefetchReadAcrossAClearIsDropped() {
        readAhead.positionAt(0, log);
        take(20);
        readAhead.prefetch(25, 100, 10, from -> {
            List<LogRecord> chunk = log.apply(from);
            readAhead.clear(); // the window restarted while the prefetch was reading
            return chunk;
        });

        assertThat(readAhead.isEmpty()).isTrue();
        assertThat(readAhead.positionAt(60, log)).isTrue();
        assertThat(readAhead.peekFirst().offset()).isEqualTo(60);
    }

    @Test
    void whatAPrefetchReadIsDroppedWhenTheCursorAddedOtherRecordsMeanwhile() {
        readAhead.positionAt(0, log);
        take(20);
        readAhead.prefetch(25, 100, 10, from -> {
            List<LogRecord> chunk = log.apply(from);
            take(100);
            readAhead.positionAt(30, log); // the cursor read on under its lock
            return chunk;
        });

        assertThat(take(100)).containsExactlyElementsOf(range(30, 50));
    }

    @Test
    void aWindowMovedBackBehindWhatIsHeldReadsAgain() {
        readAhead.positionAt(50, log);

        assertThat(readAhead.positionAt(40, log)).isTrue();
        assertThat(readAhead.peekFirst().offset()).isEqualTo(40);
        assertThat(reads).containsExactly(50L, 40L);
    }

    @Test
    void theFirstRecordHeldAfterAGapIsTheOneAtOrAfterTheWindowsEnd() {
        readAhead.positionAt(8, log);
        take(2);

        assertThat(readAhead.positionAt(10, log)).isTrue();
        assertThat(readAhead.peekFirst().offset()).isEqualTo(15);
        assertThat(reads).containsExactly(8L);
    }

    private static List<Long> range(long from, long to) {
        List<Long> offsets = new ArrayList<>();
        for (long o = from; o < to; o++) {
            offsets.add(o);
        }
        return offsets;
    }
}
