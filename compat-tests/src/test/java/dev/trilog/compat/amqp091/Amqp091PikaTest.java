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
 * pika (Python, Debian's python3-pika) against Trilog: confirmed publishes, basic_get, a
 * prefetch-limited consumer with acks, a reject that dead-letters, a passive declare answered
 * 404. CI installs it (.ci/run); elsewhere the test is skipped when it is missing.
 */
class Amqp091PikaTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path PACKAGE = Path.of("/usr/lib/python3/dist-packages/pika");

    @TempDir
    Path dataDir;

    @Test
    void publishesGetsConsumesAndDeadLetters() throws Exception {
        boolean present = Files.isExecutable(PYTHON) && Files.isDirectory(PACKAGE);
        if (System.getenv("CI") != null) {
            assertThat(present).as("CI must install python3-pika (.ci/run)").isTrue();
        }
        Assumptions.assumeTrue(present, "python3-pika is not installed");

        try (Amqp091TestServer server = new Amqp091TestServer(dataDir)) {
            Process python = new ProcessBuilder(PYTHON.toString(),
                    Path.of("src", "test", "python", "pika_roundtrip.py").toAbsolutePath().toString(),
                    Integer.toString(server.port())).redirectErrorStream(true).start();
            String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(python.waitFor(90, TimeUnit.SECONDS)).isTrue();
            assertThat(python.exitValue()).as(output).isZero();
            String last = output.strip().lines().reduce((a, b) -> b).orElseThrow();
            assertThat(last).contains("first=m0").contains("header=0")
                    .contains("seen=m1,m2,m3,m4,m5,m6,m7,m8,m9").contains("dead=m5").contains("missing=404");
        }
    }
}
