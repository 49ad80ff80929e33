package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.TrilogHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * confluent-kafka for Python (Debian's 1.7.0 over librdkafka 2.0.2) against Trilog: topic
 * creation through its AdminClient, an idempotent lz4 producer, a consumer group that reads
 * everything back and commits, and a transactional producer read by both isolation levels. CI installs the package; elsewhere the test is skipped without it.
 */
class ConfluentKafkaPythonTest {

    /** Debian's interpreter: the package installs into its dist-packages, not into other Pythons. */
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path PACKAGE = Path.of("/usr/lib/python3/dist-packages/confluent_kafka");

    @TempDir
    Path dataDir;

    private TrilogHarness trilog;

    @BeforeEach
    void start() {
        boolean present = Files.isDirectory(PACKAGE);
        if (System.getenv("CI") != null) {
            assertThat(present).as("CI must install python3-confluent-kafka (.ci/run)").isTrue();
        }
        Assumptions.assumeTrue(present, "python3-confluent-kafka is not installed");
        trilog = TrilogHarness.start(dataDir, "group.initial.rebalance.delay.ms", "0");
    }

    @AfterEach
    void stop() {
        if (trilog != null) {
            trilog.close();
        }
    }

    /** Runs a script of src/test/python and returns the key=value pairs of its last line. */
    private Map<String, String> runScript(String script, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(PYTHON.toString(),
                Path.of("src", "test", "python", script).toAbsolutePath().toString(), trilog.kafkaBootstrap()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();

        String lastLine = output.strip().lines().reduce((first, second) -> second).orElseThrow();
        Map<String, String> result = new HashMap<>();
        for (String pair : lastLine.split(" ")) {
            String[] keyValue = pair.split("=", 2);
            result.put(keyValue[0], keyValue.length > 1 ? keyValue[1] : "");
        }
        return result;
    }

    @Test
    void createsProducesIdempotentlyAndConsumesInAGroup() throws Exception {
        Map<String, String> result = runScript("confluent_kafka_roundtrip.py", "py-orders", "300");

        assertThat(result).containsEntry("received", "300").containsEntry("distinct_values", "300")
                .containsEntry("in_order", "True").containsEntry("keys_on_one_partition", "True")
                .containsEntry("committed", "300");
    }

    @Test
    void aTransactionalProducerCommitsAndAbortsAndReadCommittedSeesOnlyTheCommitted() throws Exception {
        Map<String, String> result = runScript("confluent_kafka_transactions.py", "py-txn-topic");

        assertThat(result).containsEntry("read_committed", "10").containsEntry("read_committed_aborted", "0")
                .containsEntry("read_committed_in_order", "True").containsEntry("read_uncommitted", "15");
    }
}
