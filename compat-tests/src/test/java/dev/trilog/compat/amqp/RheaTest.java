package dev.trilog.compat.amqp;

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
 * rhea (Node.js AMQP 1.0) against Trilog: SASL PLAIN, sends settled accepted, an unroutable send
 * released, and a receiver's release with delivery-failed redelivered with its count raised. CI
 * installs it ({@code npm ci} in {@code src/test/node/rhea}); elsewhere the test is skipped when
 * node or the package is missing.
 */
class RheaTest {

    private static final Path PROJECT = Path.of("src/test/node/rhea");

    @TempDir
    Path dataDir;

    @Test
    void sendsAndReceivesWithOutcomes() throws Exception {
        boolean installed = Files.isDirectory(PROJECT.resolve("node_modules/rhea"));
        if (System.getenv("CI") != null) {
            assertThat(installed).as("CI must install rhea (.ci/run)").isTrue();
        }
        Assumptions.assumeTrue(installed, "rhea is not installed (npm ci in " + PROJECT + ")");

        try (TrilogHarness trilog = TrilogHarness.start(dataDir)) {
            Process node = new ProcessBuilder("node", "roundtrip.js", "127.0.0.1", Integer.toString(trilog.amqpPort()),
                    "rhea-queue", "10").directory(PROJECT.toFile()).redirectErrorStream(true).start();
            String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(node.waitFor(90, TimeUnit.SECONDS)).isTrue();
            assertThat(node.exitValue()).as(output).isZero();
            String result = output.lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
            assertThat(result).contains("\"accepted\":10", "\"released\":1", "\"redeliveredCount\":1",
                    "\"colour\":\"blue\"");
            for (int i = 0; i < 10; i++) {
                assertThat(result).contains("\"r" + i + "\"");
            }
        }
    }
}
