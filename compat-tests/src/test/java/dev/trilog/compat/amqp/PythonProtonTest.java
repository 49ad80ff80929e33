package dev.trilog.compat.amqp;

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
 * python-qpid-proton (Debian's 0.37, the C proton engine) against Trilog's AMQP 1.0 port: SASL
 * PLAIN, a v1 address that declares its queue, application properties, release and redelivery,
 * and a topic through amq.topic. CI installs the package; elsewhere the test is skipped without it.
 */
class PythonProtonTest {

    /** Debian's interpreter: the package installs into its dist-packages, not into other Pythons. */
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path PACKAGE = Path.of("/usr/lib/python3/dist-packages/proton");

    @TempDir
    Path dataDir;

    private TrilogHarness trilog;

    @BeforeEach
    void start() {
        boolean present = Files.isDirectory(PACKAGE);
        if (System.getenv("CI") != null) {
            assertThat(present).as("CI must install python3-qpid-proton (.ci/run)").isTrue();
        }
        Assumptions.assumeTrue(present, "python3-qpid-proton is not installed");
        trilog = TrilogHarness.start(dataDir);
    }

    @AfterEach
    void stop() {
        if (trilog != null) {
            trilog.close();
        }
    }

    @Test
    void sendsReleasesAndReceivesThroughTheCProtonEngine() throws Exception {
        List<String> command = List.of(PYTHON.toString(),
                Path.of("src", "test", "python", "qpid_proton_roundtrip.py").toAbsolutePath().toString(),
                "amqp://127.0.0.1:" + trilog.amqpPort(), "py-amqp", "20");
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
        assertThat(result).as(output).containsEntry("received", "20").containsEntry("distinct", "20")
                .containsEntry("first", "m0").containsEntry("first_delivery_count", "0")
                .containsEntry("properties_ok", "True").containsEntry("news", "news");
    }
}
