package dev.trilog.compare.driver;

import java.util.Comparator;
import java.util.List;

/**
 * Arrivals of numbered messages ({receive nanoTime, number, consumer}) in the order they arrived
 * across consumers: how many arrived after a higher number had already arrived.
 */
record Ordering(int received, int inversions, int distinct) {

    static Ordering of(List<long[]> arrivals) {
        arrivals.sort(Comparator.comparingLong(a -> a[0]));
        long highest = -1;
        int inversions = 0;
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (long[] arrival : arrivals) {
            if (arrival[1] < highest) {
                inversions++;
            }
            highest = Math.max(highest, arrival[1]);
            seen.add(arrival[1]);
        }
        return new Ordering(arrivals.size(), inversions, seen.size());
    }

    String describe(int sent) {
        return received + " of " + sent + " received, " + inversions + " after a later-sent message had already arrived"
                + (received > distinct ? " (" + (received - distinct) + " twice)" : "") + ".";
    }
}
