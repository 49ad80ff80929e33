package dev.trilog.gateway;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code trilog} run as a separate JVM on the test class path, as a user runs it: real signals,
 * real exit status, real stdout and stderr (each read continuously so a full pipe never blocks it).
 */
final class TrilogProcess implements AutoCloseable {

    private static final Pattern ADMIN_LISTENING = Pattern.compile("admin listening on \\S+:(\\d+)");

    private final Process process;
    private final StringBuffer stdout = new StringBuffer();
    private final StringBuffer stderr = new StringBuffer();
    private final Thread stdoutReader;
    private final Thread stderrReader;

    private TrilogProcess(Process process) {
        this.process = process;
        this.stdoutReader = drain(process.getInputStream(), stdout, "stdout");
        this.stderrReader = drain(process.getErrorStream(), stderr, "stderr");
    }

    static TrilogProcess start(String... args) {
        return start(java.util.Map.of(), args);
    }

    /** With {@code environment} added to a clean one (no TRILOG_* variable of the machine's). */
    static TrilogProcess start(java.util.Map<String, String> environment, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // a short-lived test JVM: start fast rather than peak fast
                "-XX:TieredStopAtLevel=1", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"),
                TrilogMain.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        // the machine's own TRILOG_* settings must not leak into the test
        builder.environment().keySet().removeIf(name -> name.startsWith("TRILOG_"));
        builder.environment().putAll(environment);
        try {
            return new TrilogProcess(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The admin port from the startup banner, once it has been printed. */
    int awaitAdminPort() {
        return await().atMost(Duration.ofSeconds(30)).until(() -> {
            Matcher matcher = ADMIN_LISTENING.matcher(stdout);
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
            if (!process.isAlive()) {
                throw new AssertionError("trilog exited " + process.exitValue() + ":\n" + stdout + stderr);
            }
            return null;
        }, port -> port != null);
    }

    /**
     * Sends SIGTERM, as {@code kill} or {@code docker stop} would. Through the process handle:
     * {@link Process#destroy()} sends the same signal but also closes our ends of the pipes, and
     * everything the process logs while stopping would be lost.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    /** The exit status, once the process has exited and both streams are read to their end. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("trilog did not exit:\n" + stdout + stderr);
        }
        stdoutReader.join(TimeUnit.SECONDS.toMillis(5));
        stderrReader.join(TimeUnit.SECONDS.toMillis(5));
        return process.exitValue();
    }

    /** What was printed so far; all of it after {@link #awaitExit()}. */
    String stdout() {
        return stdout.toString();
    }

    /** What was printed so far; all of it after {@link #awaitExit()}. */
    String stderr() {
        return stderr.toString();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private static Thread drain(InputStream stream, StringBuffer into, String name) {
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    into.append(line).append('\n');
                }
            } catch (IOException e) {
                // the process is gone; what was read is what there is
            }
        }, "trilog-" + name);
        reader.setDaemon(true);
        reader.start();
        return reader;
    }
}
