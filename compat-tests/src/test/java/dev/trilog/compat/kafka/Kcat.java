package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** kcat (librdkafka's command-line client) as the compat tests run it: required on CI, else skipped when missing. */
final class Kcat {

    static final Path PATH = Path.of("/usr/bin/kcat");

    /** What one run printed (stdout and stderr together) and how it exited. */
    record Run(int exitCode, String output) {
    }

    private Kcat() {
    }

    /** Skips the test where kcat is not installed; fails it on CI, which must install it (.ci/run). */
    static void assumeInstalled() {
        boolean present = Files.isExecutable(PATH);
        if (System.getenv("CI") != null) {
            assertThat(present).as("CI must install kcat (.ci/run)").isTrue();
        }
        Assumptions.assumeTrue(present, "kcat is not installed");
    }

    /** Runs kcat against {@code bootstrap} with {@code args}, {@code input} (or nothing) on its stdin. */
    static Run run(String bootstrap, String input, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PATH.toString(), "-b", bootstrap));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (input != null) {
            process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        }
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output);
    }
}
