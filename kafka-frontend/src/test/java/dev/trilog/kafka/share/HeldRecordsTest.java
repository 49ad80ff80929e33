package dev.trilog.kafka.share;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A member's held records as runs: look-ups, forgetting from any place in a run, a later
 * delivery replacing parts of several runs, lock expiry and renewal — and against a plain map of
 * offset to delivery, the structure it replaced, over random operations.
 */
class HeldRecordsTest {

    @Test
    void aRunIsHeldWholeAndForgottenRecordByRecordFromAnyPlace() {
        HeldRecords held = new HeldRecords();
        held.hold(100, 199, 1, 5_000);
        assertThat(held.deliveryCount(99)).isEqualTo(-1);
        assertThat(held.deliveryCount(100)).isEqualTo(1);
        assertThat(held.deliveryCount(199)).isEqualTo(1);
        assertThat(held.deliveryCount(200)).isEqualTo(-1);

        held.forget(100, 1); // the start
        held.forget(150, 1); // the middle: two runs
        held.forget(199, 1); // the end
        assertThat(held.deliveryCount(100)).isEqualTo(-1);
        assertThat(held.deliveryCount(101)).isEqualTo(1);
        assertThat(held.deliveryCount(149)).isEqualTo(1);
        assertThat(held.deliveryCount(150)).isEqualTo(-1);
        assertThat(held.deliveryCount(151)).isEqualTo(1);
        assertThat(held.deliveryCount(198)).isEqualTo(1);
        assertThat(held.deliveryCount(199)).isEqualTo(-1);
    }

    @Test
    void forgettingAnEarlierDeliveryLeavesTheLaterOneHeld() {
        HeldRecords held = new HeldRecords();
        held.hold(0, 9, 1, 5_000);
        held.hold(3, 3, 2, 6_000); // released and acquired again
        held.forget(3, 1); // the first delivery's settling completes after
        assertThat(held.deliveryCount(3)).isEqualTo(2);
        assertThat(held.deliveryCount(2)).isEqualTo(1);
        assertThat(held.deliveryCount(4)).isEqualTo(1);
    }

    @Test
    void aLaterDeliverySpanningSeveralRunsReplacesWhatItCovers() {
        HeldRecords held = new HeldRecords();
        held.hold(0, 5, 1, 5_000);
        held.hold(6, 10, 1, 5_000);
        held.hold(11, 20, 1, 5_000);
        held.hold(3, 13, 2, 7_000);
        assertThat(held.deliveryCount(2)).isEqualTo(1);
        for (long offset = 3; offset <= 13; offset++) {
            assertThat(held.deliveryCount(offset)).isEqualTo(2);
        }
        assertThat(held.deliveryCount(14)).isEqualTo(1);
        held.forgetExpired(5_000); // the first deliveries' locks ran out
        assertThat(held.deliveryCount(2)).isEqualTo(-1);
        assertThat(held.deliveryCount(14)).isEqualTo(-1);
        assertThat(held.deliveryCount(8)).isEqualTo(2);
    }

    @Test
    void aRenewedRecordOutlivesTheRestOfItsRun() {
        HeldRecords held = new HeldRecords();
        held.hold(0, 9, 1, 5_000);
        held.renew(4, 1, 9_000);
        held.renew(5, 2, 9_000); // not that delivery: nothing changes
        held.forgetExpired(5_000);
        assertThat(held.deliveryCount(4)).isEqualTo(1);
        assertThat(held.deliveryCount(5)).isEqualTo(-1);
        held.forgetExpired(9_000);
        assertThat(held.isEmpty()).isTrue();
    }

    @Test
    void agreesWithAMapOfOffsetToDeliveryOverRandomOperations() {
        Random random = new Random(15);
        HeldRecords held = new HeldRecords();
        TreeMap<Long, long[]> model = new TreeMap<>(); // offset -> {delivery count, deadline}
        for (int step = 0; step < 20_000; step++) {
            int op = random.nextInt(10);
            long offset = random.nextInt(300);
            if (op < 3) {
                long last = offset + random.nextInt(40);
                int count = 1 + random.nextInt(3);
                long deadline = 1_000 + random.nextInt(50);
                held.hold(offset, last, count, deadline);
                for (long o = offset; o <= last; o++) {
                    model.put(o, new long[] {count, deadline});
                }
            } else if (op < 8) {
                int count = 1 + random.nextInt(3);
                held.forget(offset, count);
                long[] entry = model.get(offset);
                if (entry != null && entry[0] == count) {
                    model.remove(offset);
                }
            } else if (op < 9) {
                int count = 1 + random.nextInt(3);
                long deadline = 1_000 + random.nextInt(60);
                held.renew(offset, count, deadline);
                long[] entry = model.get(offset);
                if (entry != null && entry[0] == count) {
                    model.put(offset, new long[] {count, deadline});
                }
            } else {
                long now = 1_000 + random.nextInt(20);
                held.forgetExpired(now);
                model.values().removeIf(entry -> entry[1] <= now);
            }
            for (long o = 0; o < 350; o++) {
                long[] entry = model.get(o);
                assertThat(held.deliveryCount(o)).as("offset %d at step %d", o, step)
                        .isEqualTo(entry == null ? -1 : (int) entry[0]);
            }
        }
        assertThat(held.isEmpty()).isEqualTo(model.isEmpty());
    }
}
