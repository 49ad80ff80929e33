package dev.trilog.routing.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.message.MessageProperties;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A seeded random driver over the whole {@link Queues} with its policies: publish (FIFO groups,
 * delays, expiry times, deduplication ids) / receive / acknowledge / release / release-failed /
 * reject / make-available / consumer loss / time passing (locks, delays, expiry, the
 * deduplication window) / restart of engine and queues. After every step it checks:
 * <ul>
 *   <li>no acknowledged or dead-lettered message is delivered again;</li>
 *   <li>delivery counts never go backwards, across restarts too;</li>
 *   <li>a FIFO group never has two messages in flight and is delivered in publish order: a
 *       message comes only when every earlier one of its group is acknowledged or dead-lettered;</li>
 *   <li>a publish is a duplicate exactly when its deduplication id was published within the
 *       window (restarts included), and then answers with the original's offset;</li>
 * </ul>
 * and at the end, after draining, that every published message was acknowledged or
 * dead-lettered exactly once — nothing lost in any state a restart hit. A failing seed is in
 * the test name.
 */
class QueuesInvariantsTest {

    private static final long LOCK = 1_000;
    private static final int DELIVERY_LIMIT = 3;
    private static final long DEDUP_WINDOW = 10_000;
    private static final String[] GROUPS = {"g0", "g1", "g2", null};

    @TempDir
    Path dataDir;

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 12);
    }

    /** What the test knows of one published message. */
    private static final class Published {
        final String id;
        final String group;
        final long offsetInQueue;
        final int partition;
        boolean acknowledged;
        boolean deadLettered;
        int lastAcquisitions;

        Published(String id, String group, int partition, long offset) {
            this.id = id;
            this.group = group;
            this.partition = partition;
            this.offsetInQueue = offset;
        }

        boolean done() {
            return acknowledged || deadLettered;
        }
    }

    /** A deduplication id's first publish: the clock before it was sent and after it was answered. */
    private record DedupSeen(long sent, long answered, PublishResult result) {
    }

    private QueuesFixture f;
    private Random random;
    private final Map<String, Published> published = new LinkedHashMap<>();
    private final Map<String, QueueDelivery> held = new HashMap<>();
    private final Map<String, DedupSeen> dedup = new HashMap<>();
    private int nextId;
    private int duplicates;
    private int restarts;

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void invariantsHoldOverRandomRuns(long seed) throws Exception {
        random = new Random(seed);
        f = new QueuesFixture(dataDir, QueuesSettings.defaults().withLongPollTickMs(20)
                .withDeduplicationWindowMs(DEDUP_WINDOW));
        try {
            f.declare("dlq", Map.of());
            f.declare("q", Map.of(QueueSpec.FIFO, HeaderValue.ofBoolean(true),
                    QueueSpec.PARTITIONS, HeaderValue.ofInt(2),
                    QueueSpec.DELIVERY_LIMIT, HeaderValue.ofInt(DELIVERY_LIMIT),
                    QueueSpec.MESSAGE_TTL, HeaderValue.ofInt(30_000),
                    QueueSpec.DEAD_LETTER_EXCHANGE, HeaderValue.ofString(""),
                    QueueSpec.DEAD_LETTER_ROUTING_KEY, HeaderValue.ofString("dlq")));
            for (int step = 0; step < 250; step++) {
                step();
            }
            drain();
            for (Published p : published.values()) {
                assertThat(p.done()).as(p.id + " acknowledged or dead-lettered").isTrue();
            }
            // the run reached the interesting states (a driver that never gets there proves nothing)
            assertThat(published.values()).anyMatch(p -> p.deadLettered).anyMatch(p -> p.acknowledged)
                    .anyMatch(p -> p.lastAcquisitions > 1);
            assertThat(duplicates).isPositive();
            System.out.printf("seed %d: %d published, %d duplicates, %d dead-lettered, %d redelivered, %d restarts%n",
                    seed, published.size(), duplicates, published.values().stream().filter(p -> p.deadLettered).count(),
                    published.values().stream().filter(p -> p.lastAcquisitions > 1).count(), restarts);
        } finally {
            f.close();
        }
    }

    private void step() throws Exception {
        int op = random.nextInt(100);
        if (op < 30) {
            publish();
        } else if (op < 55) {
            receive("c" + random.nextInt(3));
        } else if (op < 68) {
            settle(Settle.ACKNOWLEDGE);
        } else if (op < 73) {
            settle(Settle.RELEASE);
        } else if (op < 77) {
            settle(Settle.RELEASE_FAILED);
        } else if (op < 81) {
            settle(Settle.REJECT);
        } else if (op < 84) {
            settle(Settle.AVAILABLE_NOW);
        } else if (op < 87) {
            String consumer = "c" + random.nextInt(3);
            f.queues.releaseAll("q", consumer);
            held.values().removeIf(d -> consumer.equals(consumerOf(d)));
        } else if (op < 96) {
            f.clock.advance(random.nextInt(1_500));
        } else {
            f.restart();
            restarts++;
            held.clear(); // locks do not survive
        }
    }

    private final Map<DeliveryTag, String> consumers = new HashMap<>();

    private String consumerOf(QueueDelivery d) {
        return consumers.get(d.tag());
    }

    private void publish() throws Exception {
        String group = GROUPS[random.nextInt(GROUPS.length)];
        String id = "m" + nextId++;
        MessageProperties.Builder properties = MessageProperties.builder().messageId(HeaderValue.ofString(id));
        if (random.nextInt(6) == 0) {
            properties.expiryTime(f.clock.millis() + random.nextInt(3_000));
        }
        PublishOptions options = PublishOptions.NONE.withGroupId(group)
                .withDelayMs(random.nextInt(4) == 0 ? random.nextInt(2_000) : -1);
        String dedupId = random.nextInt(5) == 0 ? "d" + random.nextInt(4) : null;
        options = options.withDeduplicationId(dedupId);
        long before = f.clock.millis();
        PublishResult result = f.queues.publish("q", Message.builder().body(id).properties(properties.build()).build(),
                options).get();
        if (dedupId != null) {
            DedupSeen seen = dedup.get(dedupId);
            // the window runs from when the broker remembered the id: between sending and the answer
            // (on a loaded machine that can be seconds of the wall clock this clock follows)
            if (seen != null && before < seen.sent + DEDUP_WINDOW - 500) {
                assertThat(result.duplicate()).as("duplicate of " + dedupId).isTrue();
            } else if (seen == null || before > seen.answered + DEDUP_WINDOW + 500) {
                assertThat(result.duplicate()).as("new " + dedupId).isFalse();
            }
            if (result.duplicate()) {
                duplicates++;
                assertThat(result.offset()).isEqualTo(seen.result.offset());
                assertThat(result.partition()).isEqualTo(seen.result.partition());
                return;
            }
            dedup.put(dedupId, new DedupSeen(before, f.clock.millis(), result));
        }
        assertThat(result.duplicate()).isFalse();
        assertThat(result.messageId()).isEqualTo(id);
        published.put(id, new Published(id, group, result.partition(), result.offset()));
    }

    private void receive(String consumer) {
        List<QueueDelivery> got = f.queues.receive("q", consumer, 1 + random.nextInt(5), LOCK);
        collectDeadLetters();
        Set<String> groupsInThisBatch = new HashSet<>();
        for (QueueDelivery d : got) {
            String id = new String(d.message().bodyBytes(), java.nio.charset.StandardCharsets.UTF_8);
            Published p = published.get(id);
            assertThat(p).as("delivered " + id + " was published").isNotNull();
            assertThat(p.acknowledged).as(id + " delivered after acknowledgement").isFalse();
            assertThat(p.deadLettered).as(id + " delivered after dead-lettering").isFalse();
            assertThat(d.acquisitions()).as(id + " delivery count").isGreaterThan(p.lastAcquisitions);
            assertThat(d.acquisitions()).isLessThanOrEqualTo(DELIVERY_LIMIT);
            assertThat(d.tag().offset()).isEqualTo(p.offsetInQueue);
            p.lastAcquisitions = d.acquisitions();
            if (p.group != null) {
                assertThat(groupsInThisBatch.add(p.group)).as("two of group " + p.group + " in flight").isTrue();
                for (Published earlier : published.values()) {
                    if (earlier == p) {
                        break;
                    }
                    if (p.group.equals(earlier.group)) {
                        assertThat(earlier.done()).as(id + " of " + p.group + " before earlier " + earlier.id).isTrue();
                    }
                }
                for (QueueDelivery other : held.values()) {
                    Published o = published.get(body(other));
                    if (o != p && p.group.equals(o.group)) {
                        // only possible when that lock ran out: then it must be done meanwhile (it is earlier)
                        assertThat(o.done()).as(id + " while " + o.id + " of " + p.group + " held").isTrue();
                    }
                }
            }
            held.put(id, d);
            consumers.put(d.tag(), consumer);
        }
    }

    private static String body(QueueDelivery d) {
        return QueuesFixture.body(d);
    }

    /** Everything in the dead-letter queue is marked and taken out. */
    private void collectDeadLetters() {
        List<QueueDelivery> dead;
        while (!(dead = f.queues.receive("dlq", "inspector", 100, 60_000)).isEmpty()) {
            for (QueueDelivery d : dead) {
                Published p = published.get(body(d));
                assertThat(p).isNotNull();
                assertThat(p.acknowledged).as(p.id + " dead-lettered after acknowledgement").isFalse();
                assertThat(p.deadLettered).as(p.id + " dead-lettered twice").isFalse();
                p.deadLettered = true;
                held.remove(p.id);
                assertThat(f.queues.acknowledge(d.tag()).join()).isEqualTo(SettleResult.OK);
            }
        }
    }

    private enum Settle { ACKNOWLEDGE, RELEASE, RELEASE_FAILED, REJECT, AVAILABLE_NOW }

    private void settle(Settle how) {
        if (held.isEmpty()) {
            return;
        }
        List<String> ids = new ArrayList<>(held.keySet());
        java.util.Collections.sort(ids);
        String id = ids.get(random.nextInt(ids.size()));
        QueueDelivery d = held.remove(id);
        SettleResult outcome = switch (how) {
            case ACKNOWLEDGE -> f.queues.acknowledge(d.tag()).join();
            case RELEASE -> f.queues.release(d.tag());
            case RELEASE_FAILED -> f.queues.releaseFailed(d.tag());
            case REJECT -> f.queues.reject(d.tag()).join();
            case AVAILABLE_NOW -> f.queues.extendLock(d.tag(), 0);
        };
        assertThat(outcome).isIn(SettleResult.OK, SettleResult.NOT_ACQUIRED, SettleResult.STALE);
        if (outcome == SettleResult.OK && how == Settle.ACKNOWLEDGE) {
            published.get(id).acknowledged = true;
        }
        if (how == Settle.REJECT) {
            collectDeadLetters();
            if (outcome == SettleResult.OK) {
                assertThat(published.get(id).deadLettered).as(id + " rejected goes to the dead-letter queue").isTrue();
            }
        }
    }

    /** Time passes beyond every lock and delay; everything left is received and acknowledged. */
    private void drain() {
        for (int round = 0; round < 1_000; round++) {
            f.clock.advance(5_000);
            held.clear();
            List<QueueDelivery> got = f.queues.receive("q", "drain", 50, 60_000);
            collectDeadLetters();
            if (got.isEmpty() && f.queues.counts("q").available() == 0 && f.queues.counts("q").delayed() == 0) {
                return;
            }
            for (QueueDelivery d : got) {
                Published p = published.get(body(d));
                assertThat(p.done()).isFalse();
                assertThat(d.acquisitions()).isGreaterThan(p.lastAcquisitions);
                p.lastAcquisitions = d.acquisitions();
                if (f.queues.acknowledge(d.tag()).join() == SettleResult.OK) {
                    p.acknowledged = true;
                }
            }
        }
    }
}
