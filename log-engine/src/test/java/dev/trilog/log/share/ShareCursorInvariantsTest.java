package dev.trilog.log.share;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.log.Batches;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.log.record.LogRecord;
import dev.trilog.testsupport.TestClock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A seeded random driver over publish / acquire / acknowledge / release / release-failed /
 * reject / lock expiry / consumer loss / restart, checking after every step what must always
 * hold:
 * <ul>
 *   <li>no acknowledged record is delivered again;</li>
 *   <li>every published record ends acknowledged, archived or still deliverable (drained at
 *       the end);</li>
 *   <li>a record's delivery count only grows, across restarts too;</li>
 *   <li>a FIFO group never has two records in flight, and a record of a group is delivered only
 *       when every earlier record of that group is done.</li>
 * </ul>
 * A failing seed is printed in the test name; rerun it alone to debug.
 */
class ShareCursorInvariantsTest {

    private static final TopicPartition TP = new TopicPartition("inv", 0);
    private static final long LOCK = 1_000;
    private static final int MAX_DELIVERIES = 4;

    @TempDir
    Path dataDir;

    static List<Long> seeds() {
        List<Long> seeds = new ArrayList<>();
        for (long s = 1; s <= 15; s++) {
            seeds.add(s);
        }
        return seeds;
    }

    /** Groups are the record key; a third of records have none. */
    private static final DeliveryPolicy FIFO_BY_KEY = new DeliveryPolicy() {
        @Override
        public long notBefore(LogRecord record) {
            return 0;
        }

        @Override
        public String orderingKey(LogRecord record) {
            String key = Batches.text(record.key());
            return key == null || key.startsWith("none") ? null : key;
        }
    };

    private final TestClock clock = TestClock.frozenAt(1_700_000_000_000L);
    private final Set<Long> archived = ConcurrentHashMap.newKeySet();
    private LogEngine engine;
    private ShareCursor cursor;

    private void open() throws Exception {
        engine = LogEngine.open(EngineSettings.of(dataDir).withClock(clock));
        if (engine.topic("inv").isEmpty()) {
            engine.createTopic("inv", 1, Map.of());
        }
        cursor = engine.shareCursor(TP, "g", new ShareGroupSettings(MAX_DELIVERIES,
                ShareGroupSettings.LimitCounts.ACQUISITIONS, 64), FIFO_BY_KEY, (g, offset, reason) -> archived.add(offset));
    }

    /** What one in-flight delivery the model knows of. */
    private record Held(long offset, int acquisitions, String consumer, long deadline) {
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void invariantsHoldUnderRandomOperations(long seed) throws Exception {
        Random random = new Random(seed);
        open();
        Map<Long, String> groupOf = new HashMap<>();
        Set<Long> acknowledged = new HashSet<>();
        Map<Long, Integer> lastCount = new HashMap<>();
        Map<Long, Held> inFlight = new HashMap<>();
        long published = 0;
        try {
            for (int step = 0; step < 400; step++) {
                int op = random.nextInt(100);
                if (op < 20) {
                    int n = 1 + random.nextInt(5);
                    for (int i = 0; i < n; i++) {
                        String key = random.nextInt(3) == 0 ? "none-" + published : "grp" + random.nextInt(4);
                        engine.appender().append(TP, Batches.keyed(clock.millis(), key, "v" + published)).join();
                        groupOf.put(published, key.startsWith("none") ? null : key);
                        published++;
                    }
                } else if (op < 45) {
                    String consumer = "c" + random.nextInt(3);
                    for (Delivery d : cursor.acquire(consumer, 1 + random.nextInt(6), 1 << 20, LOCK)) {
                        long offset = d.offset();
                        assertThat(acknowledged).as("seed %d: acknowledged %d delivered again", seed, offset)
                                .doesNotContain(offset);
                        assertThat(archived).as("seed %d: archived %d delivered again", seed, offset)
                                .doesNotContain(offset);
                        assertThat(d.acquisitions()).as("seed %d: count of %d went back", seed, offset)
                                .isGreaterThan(lastCount.getOrDefault(offset, 0));
                        lastCount.put(offset, d.acquisitions());
                        String group = groupOf.get(offset);
                        if (group != null) {
                            for (Held held : inFlight.values()) {
                                assertThat(group.equals(groupOf.get(held.offset())))
                                        .as("seed %d: two of %s in flight (%d, %d)", seed, group, held.offset(), offset)
                                        .isFalse();
                            }
                            for (long earlier = 0; earlier < offset; earlier++) {
                                if (group.equals(groupOf.get(earlier))) {
                                    assertThat(acknowledged.contains(earlier) || archived.contains(earlier))
                                            .as("seed %d: %d of %s delivered before %d was done", seed, offset, group,
                                                    earlier)
                                            .isTrue();
                                }
                            }
                        }
                        inFlight.put(offset, new Held(offset, d.acquisitions(), consumer, d.lockDeadline()));
                    }
                } else if (op < 65 && !inFlight.isEmpty()) {
                    Held held = pick(inFlight, random);
                    Outcome outcome = cursor.acknowledge(held.offset(), held.acquisitions()).join();
                    inFlight.remove(held.offset());
                    if (outcome == Outcome.OK) {
                        acknowledged.add(held.offset());
                    }
                } else if (op < 72 && !inFlight.isEmpty()) {
                    Held held = pick(inFlight, random);
                    cursor.release(held.offset(), held.acquisitions());
                    inFlight.remove(held.offset());
                } else if (op < 77 && !inFlight.isEmpty()) {
                    Held held = pick(inFlight, random);
                    cursor.releaseFailed(held.offset(), held.acquisitions());
                    inFlight.remove(held.offset());
                } else if (op < 80 && !inFlight.isEmpty()) {
                    Held held = pick(inFlight, random);
                    cursor.reject(held.offset(), held.acquisitions()).join();
                    inFlight.remove(held.offset());
                } else if (op < 90) {
                    clock.advance(random.nextInt((int) LOCK * 2));
                    inFlight.values().removeIf(h -> h.deadline() <= clock.millis()); // their locks ended
                } else if (op < 94) {
                    String consumer = "c" + random.nextInt(3);
                    cursor.releaseAll(consumer);
                    inFlight.values().removeIf(h -> h.consumer().equals(consumer));
                } else if (op < 95) {
                    engine.close();
                    inFlight.clear(); // locks do not survive a restart
                    open();
                }
                for (long offset : acknowledged) {
                    assertThat(archived).as("seed %d: acknowledged %d was archived", seed, offset).doesNotContain(offset);
                }
            }
            // Drain: everything not acknowledged or archived must still come out.
            inFlight.clear();
            clock.advance(LOCK * 10);
            Set<Long> drained = new HashSet<>();
            for (int round = 0; round < 10_000; round++) {
                List<Delivery> got = cursor.acquire("drain", 50, 1 << 20, LOCK);
                if (got.isEmpty()) {
                    break;
                }
                for (Delivery d : got) {
                    assertThat(acknowledged).doesNotContain(d.offset());
                    cursor.acknowledge(d.offset(), d.acquisitions()).join();
                    drained.add(d.offset());
                }
            }
            for (long offset = 0; offset < published; offset++) {
                assertThat(acknowledged.contains(offset) || archived.contains(offset) || drained.contains(offset))
                        .as("seed %d: record %d was lost", seed, offset).isTrue();
            }
        } finally {
            engine.close();
        }
    }

    private static Held pick(Map<Long, Held> inFlight, Random random) {
        List<Held> held = new ArrayList<>(inFlight.values());
        return held.get(random.nextInt(held.size()));
    }
}
