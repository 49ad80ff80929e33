package dev.trilog.compat.amqp091;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * amqplib (Node.js) against Trilog: topic exchange, confirm channel, prefetch-limited consumer
 * with acks, a nack dead-lettered, a passive check answered 404. CI installs it
 * ({@code npm ci} in {@code src/test/node/amqplib}); elsewhere the test is skipped when node or
 * the package is missing.
 */
class Amqp091AmqplibTest {

    private static final Path PROJECT = Path.of("src/test/node/amqplib");

    @TempDir
    Path dataDir;

    @Test
    void publishesConsumesAndDeadLetters() throws Exception {
        boolean installed = Files.isDirectory(PROJECT.resolve("node_modules/amqplib"));
        if (System.getenv("CI") != null) {
            assertThat(installed).as("CI must install amqplib (.ci/run)").isTrue();
        }
        Assumptions.assumeTrue(installed, "amqplib is not installed (npm ci in " + PROJECT + ")");

        try (Amqp091TestServer server = new Amqp091TestServer(dataDir)) {
            Process node = new ProcessBuilder("node", "roundtrip.js", "amqp://guest:guest@127.0.0.1:" + server.port())
                    .directory(PROJECT.toFile()).redirectErrorStream(true).start();
            String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(node.waitFor(90, TimeUnit.SECONDS)).isTrue();
            assertThat(node.exitValue()).as(output).isZero();
            String result = output.lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
            for (int i = 0; i < 20; i++) {
                assertThat(result).contains("\"m" + i + "\"");
            }
            assertThat(result).contains("\"dead\":\"m7\"").contains("\"deathReason\":\"rejected\"")
                    .contains("\"missing\":404");
            int maxUnacked = Integer.parseInt(result.replaceAll(".*\"maxUnacked\":(\\d+).*", "$1"));
            assertThat(maxUnacked).isBetween(1, 5);
        }
    }
}
