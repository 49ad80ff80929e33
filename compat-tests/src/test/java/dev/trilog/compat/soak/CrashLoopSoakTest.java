package dev.trilog.compat.soak;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The crash loop across protocols (issue 18): one {@code trilog serve} process under mixed load —
 * an idempotent Kafka producer and a consumer group, an SQS sender and a receiver deleting what it
 * receives, an AMQP 0-9-1 publisher with confirms and a consumer with manual acks — is killed with
 * SIGKILL at a random moment and restarted over the same data directory, {@code trilog.soak.cycles}
 * times (3 in {@code verify}; {@code bench/soak/run.sh} runs 100). Then every client reads on until
 * all it was promised arrived, and each protocol's promises are checked (see the loads): nothing
 * acknowledged lost, nothing deleted back, committed offsets never back, repeats only where the
 * protocol allows them, and counted.
 */
class CrashLoopSoakTest {

    /** Kept when the soak fails, for the post-mortem: the data directory it ran on. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    /**
     * The Kafka consumer's own account, at INFO, of every position it did not reach by reading: a
     * reset after an out-of-range fetch, a partition with no committed offset, a truncation found
     * by OffsetForLeaderEpoch, each rebalance, and the committed offset each partition was set to
     * after one ({@code ConsumerUtils}: every restart loses the group's members, so the consumer
     * takes all its partitions back from OffsetFetch, and a stale answer shows only there). A
     * committed offset going back is explained by one of these, so a failing soak carries its own
     * evidence (the clients log at WARN elsewhere).
     */
    private static void logWhyConsumersMovePositions() {
        for (String internals : List.of("SubscriptionState", "FetchCollector", "ConsumerCoordinator", "ConsumerUtils",
                "OffsetFetcherUtils", "OffsetsForLeaderEpochUtils", "OffsetFetcher")) {
            ((Logger) LoggerFactory.getLogger("org.apache.kafka.clients.consumer.internals." + internals)).setLevel(Level.INFO);
        }
    }

    @Test
    void killNineAtRandomMomentsUnderLoadOnEveryProtocolBreaksNoPromise() throws Exception {
        logWhyConsumersMovePositions();
        int cycles = Integer.getInteger("trilog.soak.cycles", 3);
        long seed = Long.getLong("trilog.soak.seed", System.nanoTime());
        Random random = new Random(seed);
        // under target/, so it outlives the run: every incarnation's log, and a thread dump if one hangs
        Path brokerOutput = Files.createDirectories(Path.of("target", "soak")).resolve("broker-" + seed + ".out")
                .toAbsolutePath();
        System.out.printf("soak: %d cycles, seed %d (-Dtrilog.soak.seed=%d repeats the kill moments), broker output %s%n",
                cycles, seed, seed, brokerOutput);

        List<Long> restartMillis = new ArrayList<>();
        try (SoakBroker broker = SoakBroker.start(dir.resolve("data"), brokerOutput)) {
            List<SoakLoad> loads = List.of(new KafkaSoakLoad(broker), new SqsSoakLoad(broker), new AmqpSoakLoad(broker));
            try {
                for (SoakLoad load : loads) {
                    load.start();
                }
                for (int cycle = 1; cycle <= cycles; cycle++) {
                    int loadMillis = 1_000 + random.nextInt(3_000); // a random moment of the load
                    Thread.sleep(loadMillis);
                    long killedAt = System.nanoTime();
                    broker.kill();
                    // what was promised is noted while nothing can answer: noted after the restart, it
                    // would include what the new incarnation answered first (a commit of a reset
                    // position), and the check after the restart would compare that with itself
                    for (SoakLoad load : loads) {
                        load.killed();
                    }
                    broker.restart();
                    restartMillis.add((System.nanoTime() - killedAt) / 1_000_000);
                    System.out.printf("soak: cycle %d: killed after %d ms of load, healthy again %d ms later%n", cycle,
                            loadMillis, restartMillis.get(restartMillis.size() - 1));
                    for (SoakLoad load : loads) {
                        load.restarted();
                    }
                }
                Thread.sleep(2_000); // load on the last incarnation too
                for (SoakLoad load : loads) {
                    load.finish(Duration.ofSeconds(90));
                }
            } finally {
                for (SoakLoad load : loads) {
                    load.close();
                }
            }
            report(cycles, restartMillis, loads);
            // what each restart spent opening the log (recovery after SIGKILL) and the queues
            Files.readAllLines(brokerOutput).stream()
                    .filter(line -> line.contains("Log engine opened") || line.contains("Topology loaded"))
                    .forEach(line -> System.out.println("soak: broker: " + line));
            for (SoakLoad load : loads) {
                SoakTally tally = load.tally();
                assertThat(tally.acknowledged.get()).as("%s: the load ran", tally.protocol).isPositive();
                assertThat(tally.violations()).as("%s: broken promises (%d in all)", tally.protocol,
                        tally.violationCount()).isEmpty();
            }
        }
    }

    private static void report(int cycles, List<Long> restartMillis, List<SoakLoad> loads) {
        StringBuilder table = new StringBuilder(SoakTally.header());
        loads.forEach(load -> table.append('\n').append(load.tally().row()));
        System.out.printf("soak: %d kill -9 cycles, restart to healthy %s ms (median %d)%n%s%n", cycles, restartMillis,
                restartMillis.stream().sorted().skip(restartMillis.size() / 2).findFirst().orElse(0L), table);
    }
}
