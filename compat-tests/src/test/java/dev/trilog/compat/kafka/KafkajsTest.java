package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.TrilogHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kafkajs 2.2 (Node.js; speaks only non-flexible protocol versions) against Trilog: admin,
 * an idempotent gzip producer, and a consumer group reading from the beginning and committing.
 * CI installs it ({@code npm ci} in {@code src/test/node/kafkajs}); elsewhere the test is
 * skipped when node or the package is missing.
 */
class KafkajsTest {

    private static final Path PROJECT = Path.of("src/test/node/kafkajs");

    @TempDir
    Path dataDir;

    @Test
    void createsProducesAndConsumesInAGroup() throws Exception {
        boolean installed = Files.isDirectory(PROJECT.resolve("node_modules/kafkajs"));
        if (System.getenv("CI") != null) {
            assertThat(installed).as("CI must install kafkajs (.ci/run)").isTrue();
        }
        Assumptions.assumeTrue(installed, "kafkajs is not installed (npm ci in " + PROJECT + ")");

        try (TrilogHarness trilog = TrilogHarness.start(dataDir)) {
            Process node = new ProcessBuilder("node", "roundtrip.js", trilog.kafkaBootstrap(), "kjs-topic", "kjs-group")
                    .directory(PROJECT.toFile()).redirectErrorStream(true).start();
            String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(node.waitFor(90, TimeUnit.SECONDS)).isTrue();

            assertThat(node.exitValue()).as(output).isZero();
            String result = output.lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
            for (int i = 0; i < 20; i++) {
                assertThat(result).contains("\"value\":\"v" + i + "\"");
            }
            assertThat(result).contains("\"committed\"");
        }
    }

    @Test
    void aTransactionalProducerCommitsAndAbortsForAReadCommittedConsumer() throws Exception {
        boolean installed = Files.isDirectory(PROJECT.resolve("node_modules/kafkajs"));
        Assumptions.assumeTrue(installed, "kafkajs is not installed (npm ci in " + PROJECT + ")");

        try (TrilogHarness trilog = TrilogHarness.start(dataDir)) {
            Process node = new ProcessBuilder("node", "transactions.js", trilog.kafkaBootstrap(), "kjs-txn-topic", "kjs-txn-group")
                    .directory(PROJECT.toFile()).redirectErrorStream(true).start();
            String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(node.waitFor(90, TimeUnit.SECONDS)).isTrue();

            assertThat(node.exitValue()).as(output).isZero();
            String result = output.lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
            assertThat(result).contains("\"seen\":[\"c1\",\"c2\",\"c3\"]").contains("\"offset\":\"7\"");
        }
    }
}
