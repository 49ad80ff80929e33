package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.TrilogHarness;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kafka's own command-line tools against Trilog, each in its own JVM as the scripts run them. */
class CliToolsTest {

    @TempDir
    Path dataDir;

    private TrilogHarness trilog;

    @BeforeEach
    void start() {
        trilog = TrilogHarness.start(dataDir);
    }

    @AfterEach
    void stop() {
        trilog.close();
    }

    @Test
    void consoleProducerThenConsoleConsumerOnAPartition() throws Exception {
        KafkaCli.Result produced = KafkaCli.run(KafkaCli.CONSOLE_PRODUCER, "first\nsecond\nthird\n",
                "--bootstrap-server", trilog.kafkaBootstrap(), "--topic", "console");
        assertThat(produced.exitCode()).as(produced.output()).isZero();

        KafkaCli.Result consumed = KafkaCli.run(KafkaCli.CONSOLE_CONSUMER, null,
                "--bootstrap-server", trilog.kafkaBootstrap(), "--topic", "console", "--partition", "0",
                "--offset", "earliest", "--max-messages", "3", "--timeout-ms", "20000");

        assertThat(consumed.exitCode()).as(consumed.output()).isZero();
        assertThat(consumed.output().lines()).containsSubsequence("first", "second", "third");
    }
}
