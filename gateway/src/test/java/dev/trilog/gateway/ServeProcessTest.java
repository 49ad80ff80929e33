package dev.trilog.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trilog serve} as its own process: start, serve, SIGTERM, exit status and messages. */
class ServeProcessTest {

    @TempDir
    Path dataDir;

    @Test
    void servesUntilSigtermThenStopsCleanlyWithStatusZero() throws Exception {
        try (TrilogProcess trilog = TrilogProcess.start("serve", "--data-dir", dataDir.toString(),
                "--kafka-port", "0", "--amqp-port", "0", "--sqs-port", "0", "--admin-port", "0")) {
            int port = trilog.awaitAdminPort();

            await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> Http.get(port, "/health").statusCode() == 200);
            HttpResponse<String> metrics = Http.get(port, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("jvm_memory_used_bytes");

            trilog.terminate();

            assertThat(trilog.awaitExit()).as(trilog.stderr()).isZero();
            assertThat(trilog.stdout()).as("stderr: " + trilog.stderr()).contains("data directory: " + dataDir.toAbsolutePath(), "stopped cleanly");
            assertThat(trilog.stderr()).isEmpty();
        }
    }

    @Test
    void logLevelSetsTheRootLevelAndSingleLoggers() throws Exception {
        try (TrilogProcess trilog = TrilogProcess.start("serve", "--data-dir", dataDir.toString(),
                "--kafka-port", "0", "--amqp-port", "0", "--sqs-port", "0", "--admin-port", "0",
                "--log-level", "warn,dev.trilog.gateway.StartupBanner=INFO")) {
            trilog.awaitAdminPort(); // the banner, at INFO: its logger's own level

            trilog.terminate();

            assertThat(trilog.awaitExit()).as(trilog.stderr()).isZero();
            assertThat(trilog.stdout()).contains("StartupBanner - config logging.level=warn,dev.trilog.gateway"
                    + ".StartupBanner=INFO (from --log-level)")
                    .doesNotContain("Log engine opened", "stopped cleanly"); // INFO of other loggers: below WARN
        }
    }

    /**
     * SIGTERM while the gateway is still starting (its settings logged, its log and ports being
     * opened): it finishes starting, then stops cleanly with status 0 — not 143, with the log
     * left unclosed, as when the stop hook was installed only once the start was over.
     */
    @Test
    void aSigtermDuringStartUpStopsCleanlyWithStatusZero() throws Exception {
        try (TrilogProcess trilog = TrilogProcess.start("serve", "--data-dir", dataDir.toString(),
                "--kafka-port", "0", "--amqp-port", "0", "--sqs-port", "0", "--admin-port", "0")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> trilog.stdout().contains("config data.dir="));
            assertThat(trilog.stdout()).as("still starting when signalled").doesNotContain("admin listening");

            trilog.terminate();

            assertThat(trilog.awaitExit()).as(trilog.stdout() + trilog.stderr()).isZero();
            assertThat(trilog.stdout()).contains("stopped cleanly");
        }
    }

    /**
     * A node of a three-node cluster started alone has no majority: its start-up writes wait for
     * one, for ever. SIGTERM must still end it promptly and cleanly, status 0 — the stop hook
     * waited up to 120 s for a start that could not finish, then the JVM ended with 143.
     */
    @Test
    void aSigtermWhileALoneClusterNodeWaitsForAMajorityStopsCleanlyWithStatusZero() throws Exception {
        String nodes = "1@127.0.0.1:" + freePort() + ",2@127.0.0.1:" + freePort() + ",3@127.0.0.1:" + freePort();
        try (TrilogProcess trilog = TrilogProcess.start("serve", "--data-dir", dataDir.toString(),
                "--kafka-port", "0", "--amqp-port", "0", "--sqs-port", "0", "--admin-port", "0",
                "--set", "cluster.nodes=" + nodes, "--set", "node.id=1")) {
            // its Raft server runs (a start-up write waits on it), and no majority ever answers
            await().atMost(Duration.ofSeconds(60)).until(() -> dataDir.resolve("raft").toFile().isDirectory());
            assertThat(trilog.stdout()).as("still starting when signalled").doesNotContain("admin listening");

            trilog.terminate();

            assertThat(trilog.awaitExit()).as(trilog.stdout() + trilog.stderr()).isZero();
            assertThat(trilog.stdout()).contains("stopping while starting", "stopped cleanly");
            assertThat(trilog.stderr()).isEmpty();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aTakenPortEndsStartupWithOneLineAndStatusOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                TrilogProcess trilog = TrilogProcess.start("serve", "--data-dir", dataDir.toString(),
                        "--admin-port", String.valueOf(taken.getLocalPort()))) {

            assertThat(trilog.awaitExit()).isEqualTo(1);
            assertThat(trilog.stderr()).isEqualTo(
                    "trilog: admin.port " + taken.getLocalPort() + " is already in use on 127.0.0.1\n");
        }
    }

    @Test
    void anUnknownConfigKeyIsNamedWithStatusTwo() throws InterruptedException, IOException {
        try (TrilogProcess trilog = TrilogProcess.start("serve", "--data-dir", dataDir.toString(),
                "--set", "log.retention.hours=1")) {

            assertThat(trilog.awaitExit()).isEqualTo(2);
            assertThat(trilog.stderr()).isEqualTo("trilog: unknown config key 'log.retention.hours' (from --set);"
                    + " Trilog's is log.retention.ms (broker-wide; per topic, set retention.ms with kafka-configs as with"
                    + " Kafka)\n");
        }
    }
}
