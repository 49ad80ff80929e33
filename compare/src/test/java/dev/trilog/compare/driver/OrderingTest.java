package dev.trilog.compare.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderingTest {

    @Test
    void countsArrivalsAfterALaterSentOneAcrossConsumersInTimeOrder() {
        List<long[]> arrivals = new ArrayList<>(List.of(
                new long[] {30, 2, 1}, // {receive time, number, consumer}, given out of time order
                new long[] {10, 0, 0},
                new long[] {20, 3, 0},
                new long[] {40, 1, 1},
                new long[] {50, 4, 0},
                new long[] {60, 4, 1}));
        Ordering order = Ordering.of(arrivals);
        assertThat(order.received()).isEqualTo(6);
        assertThat(order.inversions()).isEqualTo(2); // 2 after 3, 1 after 3
        assertThat(order.distinct()).isEqualTo(5);
        assertThat(order.describe(5)).isEqualTo("6 of 5 received, 2 after a later-sent message had already arrived (1 twice).");
    }

    @Test
    void inOrderHasNoInversions() {
        List<long[]> arrivals = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            arrivals.add(new long[] {i, i, i % 2});
        }
        assertThat(Ordering.of(arrivals).inversions()).isZero();
    }
}
