package dev.trilog.compat.soak;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one protocol's clients saw: messages the broker acknowledged, sends whose outcome the
 * kill left unknown, deliveries the protocol allows to repeat (counted), and violations of a
 * promise (an acknowledged message lost, a deleted one back, a committed offset gone back).
 */
final class SoakTally {

    private static final int KEPT_VIOLATIONS = 50;

    final String protocol;
    final AtomicLong acknowledged = new AtomicLong();
    final AtomicLong unknownOutcome = new AtomicLong();
    final AtomicLong allowedRepeats = new AtomicLong();
    final AtomicLong consumed = new AtomicLong();
    private final AtomicLong violationCount = new AtomicLong();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());

    SoakTally(String protocol) {
        this.protocol = protocol;
    }

    void violation(String what) {
        // at once, with the time, so it can be matched with the clients' and the broker's logs
        System.out.printf("soak: %s: broken promise: %s: %s%n", java.time.LocalTime.now(), protocol, what);
        if (violationCount.incrementAndGet() <= KEPT_VIOLATIONS) {
            violations.add(what);
        }
    }

    /**
     * The end of a load whose reader must have read every promised message at least once: counts
     * both, and each promised message never read is a violation ({@code neverRead} names it, {@code %s}).
     */
    void checkEveryPromiseRead(Collection<String> promised, Map<String, Integer> readTimes, String neverRead) {
        acknowledged.set(promised.size());
        consumed.set(readTimes.size());
        for (String message : promised) {
            if (!readTimes.containsKey(message)) {
                violation(String.format(neverRead, message));
            }
        }
    }

    long violationCount() {
        return violationCount.get();
    }

    List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    /** One row of the soak's summary table. */
    String row() {
        return String.format("| %s | %,d | %,d | %,d | %,d | %,d |", protocol, acknowledged.get(), unknownOutcome.get(),
                consumed.get(), allowedRepeats.get(), violationCount.get());
    }

    static String header() {
        return "| protocol | acknowledged | outcome unknown (kill) | consumed | allowed repeats | violations |\n"
                + "| --- | ---: | ---: | ---: | ---: | ---: |";
    }
}
