package dev.trilog.amqp.v091;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The ring behind a channel's delivery tags and confirm sequences, checked against a TreeMap. */
class SequencedMapTest {

    @Test
    void putRemoveAndTheOldestKey() {
        SequencedMap<String> map = new SequencedMap<>();
        assertThat(map.firstKey(-1)).isEqualTo(-1);
        map.put(1, "a");
        map.put(2, "b");
        map.put(5, "e"); // a gap: a delivery tag used by a direct reply is never held
        assertThat(map.size()).isEqualTo(3);
        assertThat(map.remove(1)).isEqualTo("a");
        assertThat(map.firstKey(-1)).isEqualTo(2);
        assertThat(map.remove(1)).isNull(); // twice: the second finds nothing
        assertThat(map.remove(3)).isNull();
        assertThat(map.remove(9)).isNull();
        assertThat(map.remove(2)).isEqualTo("b");
        assertThat(map.firstKey(-1)).isEqualTo(5); // past the gap
        assertThat(map.get(5)).isEqualTo("e");
    }

    @Test
    void keysOnlyGrow() {
        SequencedMap<String> map = new SequencedMap<>();
        map.put(3, "c");
        map.remove(3);
        assertThatThrownBy(() -> map.put(3, "again")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> map.put(2, "older")).isInstanceOf(IllegalArgumentException.class);
        map.put(4, "d");
        assertThat(map.firstKey(-1)).isEqualTo(4);
    }

    @Test
    void removeUpToHandsOverInOrder() {
        SequencedMap<Integer> map = new SequencedMap<>();
        for (int i = 1; i <= 10; i++) {
            map.put(i, i);
        }
        map.remove(3);
        List<Integer> got = new ArrayList<>();
        map.removeUpTo(6, got::add);
        assertThat(got).containsExactly(1, 2, 4, 5, 6);
        assertThat(map.firstKey(-1)).isEqualTo(7);
        got.clear();
        map.removeAll(got::add);
        assertThat(got).containsExactly(7, 8, 9, 10);
        assertThat(map.isEmpty()).isTrue();
    }

    /** One delivery held while many after it come and go: it leaves the ring, the ring stays small. */
    @Test
    void aKeyHeldFarBehindTheNewestMovesOutOfTheRing() {
        SequencedMap<Long> map = new SequencedMap<>();
        map.put(1, 1L);
        long n = 10L * SequencedMap.SPAN_MAX;
        for (long k = 2; k <= n; k++) {
            map.put(k, k);
            assertThat(map.remove(k)).isEqualTo(k);
        }
        assertThat(map.size()).isEqualTo(1);
        assertThat(map.firstKey(-1)).isEqualTo(1);
        assertThat(map.get(1)).isEqualTo(1L);
        map.put(n + 1, n + 1);
        List<Long> got = new ArrayList<>();
        map.removeAll(got::add);
        assertThat(got).containsExactly(1L, n + 1);
    }

    @Test
    void behavesAsASortedMapUnderRandomUse() {
        Random random = new Random(12);
        SequencedMap<Long> map = new SequencedMap<>();
        TreeMap<Long, Long> expected = new TreeMap<>();
        long next = 1;
        for (int step = 0; step < 200_000; step++) {
            int op = random.nextInt(100);
            if (op < 50) {
                next += random.nextInt(20) == 0 ? 1 + random.nextInt(3 * SequencedMap.SPAN_MAX) : 1;
                map.put(next, next);
                expected.put(next, next);
            } else if (op < 90) {
                long key = next - random.nextInt(300);
                assertThat(map.remove(key)).isEqualTo(expected.remove(key));
            } else if (op < 95) {
                long key = next - random.nextInt(400);
                List<Long> got = new ArrayList<>();
                map.removeUpTo(key, got::add);
                var head = expected.headMap(key, true);
                assertThat(got).containsExactlyElementsOf(new ArrayList<>(head.values()));
                head.clear();
            } else {
                long key = next - random.nextInt(400);
                assertThat(map.get(key)).isEqualTo(expected.get(key));
            }
            assertThat(map.size()).isEqualTo(expected.size());
            assertThat(map.firstKey(-1)).isEqualTo(expected.isEmpty() ? -1 : expected.firstKey());
        }
    }
}
