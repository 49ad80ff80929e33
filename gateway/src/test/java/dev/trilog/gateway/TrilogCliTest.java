package dev.trilog.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line in-process: exit codes and the one-line messages on stderr. */
class TrilogCliTest {

    @TempDir
    Path dataDir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void versionIsPrinted() {
        assertThat(run(Map.of(), "--version")).isZero();
        assertThat(out.toString()).startsWith("trilog ");
    }

    @Test
    void serveHelpExplainsTheConfigurationLayers() {
        assertThat(run(Map.of(), "serve", "--help")).isZero();
        assertThat(out.toString()).contains("--data-dir", "--kafka-port", "--set", "TRILOG_KAFKA_PORT");
    }

    @Test
    void serveHelpListsEveryKeyWithItsDefaultTheFrontendsIncluded() {
        assertThat(run(Map.of(), "serve", "--help")).isZero();
        assertThat(out.toString()).contains("data.dir=data", "admin.port=8080", "kafka.port=9092",
                "num.partitions=1", "amqp.port=5672", "sqs.port=9324", "sqs.account-id=000000000000",
                "TRILOG_SQS_ACCESS_KEYS");
    }

    @Test
    void noSubcommandIsAUsageError() {
        assertThat(run(Map.of())).isEqualTo(2);
        assertThat(err.toString()).contains("serve");
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertThat(run(Map.of(), "serve", "--kafka-prot=1")).isEqualTo(2);
        assertThat(err.toString()).startsWith("trilog: Unknown option: '--kafka-prot=1'");
    }

    @Test
    void unknownKeyInSetIsNamed() {
        assertThat(run(Map.of(), "serve", "--set", "kafka.prot=1")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("trilog: unknown config key 'kafka.prot' (from --set)" + System.lineSeparator());
    }

    @Test
    void unknownEnvironmentVariableIsNamed() {
        assertThat(run(Map.of("TRILOG_KAFKA_PROT", "1"), "serve")).isEqualTo(2);
        assertThat(err.toString()).startsWith("trilog: environment variable TRILOG_KAFKA_PROT matches no config key");
    }

    @Test
    void badPortFlagIsNamed() {
        assertThat(run(Map.of(), "serve", "--admin-port", "eighty")).isEqualTo(2);
        assertThat(err.toString()).startsWith("trilog: invalid value 'eighty' for admin.port (from --admin-port)");
    }

    @Test
    void takenPortIsOneLineAndExitOne() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            int status = run(Map.of(), "serve", "--data-dir", dataDir.toString(), "--admin-port", String.valueOf(port));

            assertThat(status).isEqualTo(1);
            assertThat(err.toString()).isEqualTo(
                    "trilog: admin.port " + port + " is already in use on 127.0.0.1" + System.lineSeparator());
        }
    }

    @Test
    void aMissingDefinitionsFileIsOneLineAndExitOne() {
        Path missing = dataDir.resolve("defs.yaml");

        int status = run(Map.of(), "serve", "--data-dir", dataDir.toString(), "--definitions", missing.toString());

        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("trilog: definitions " + missing + ": no such file" + System.lineSeparator());
    }

    @Test
    void definitionsWithClusterNodesAreAConfigurationError() {
        int status = run(Map.of(), "serve", "--data-dir", dataDir.toString(), "--definitions", "defs.yaml",
                "--set", "cluster.nodes=1@127.0.0.1:19999", "--set", "node.id=1");

        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).startsWith("trilog: definitions.file (from --definitions) cannot be used with"
                + " cluster.nodes (from --set)");
    }

    private int run(Map<String, String> environment, String... args) {
        CommandLine cli = TrilogMain.commandLine(environment);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
