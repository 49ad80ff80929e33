package dev.trilog.compare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compare.measure.LatencySummary;
import dev.trilog.compare.run.RunResult;
import dev.trilog.compare.scenario.ScenarioResult;
import dev.trilog.compare.workload.DefaultWorkloads;
import dev.trilog.compare.workload.Workload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What the command refuses before it starts anything, and the fan-out figure it derives. */
class CompareCommandTest {

    private static int run(StringWriter err, String... args) {
        CompareCommand command = new CompareCommand().output(new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), false);
        CommandLine line = CompareMain.commandLine(command);
        line.setErr(new PrintWriter(err, true));
        return line.execute(args);
    }

    @Test
    void anUnknownProtocolIsRefusedNamingTheKnownOnes() {
        StringWriter err = new StringWriter();
        assertThat(run(err, "--protocols", "mqtt")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown protocol 'mqtt' (known: kafka, sqs, amqp091, amqp10)");
    }

    @Test
    void aBadPeerIsRefusedBeforeAnythingStarts(@TempDir Path dir) {
        Path out = dir.resolve("out");
        StringWriter unknown = new StringWriter();
        assertThat(run(unknown, "--peer", "activemq=127.0.0.1:61616", "--output", out.toString())).isEqualTo(2);
        assertThat(unknown.toString()).contains("--peer: unknown system 'activemq' (known: kafka, rabbitmq, sqs)");
        StringWriter noPort = new StringWriter();
        assertThat(run(noPort, "--peer", "rabbitmq=localhost", "--output", out.toString())).isEqualTo(2);
        assertThat(noPort.toString()).contains("--peer rabbitmq=localhost: give HOST:PORT");
        StringWriter notUrl = new StringWriter();
        assertThat(run(notUrl, "--peer", "sqs=127.0.0.1:9324", "--output", out.toString())).isEqualTo(2);
        assertThat(notUrl.toString()).contains("give the endpoint URL");
        StringWriter pidAlone = new StringWriter();
        assertThat(run(pidAlone, "--peer-pid", "kafka=123", "--output", out.toString())).isEqualTo(2);
        assertThat(pidAlone.toString()).contains("--peer-pid kafka: no --peer kafka=ADDRESS");
        assertThat(out).doesNotExist();
    }

    @Test
    void aBadWorkloadFileIsRefusedNamingTheField(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("w.yaml");
        Files.writeString(file, "name: w\nsqs: {visibilityTimeout: soon}\n");
        StringWriter err = new StringWriter();
        assertThat(run(err, "--workload", file.toString(), "--output", dir.resolve("out").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("w.yaml: field 'sqs.visibilityTimeout': expected a duration");
        assertThat(dir.resolve("out")).doesNotExist(); // refused before anything started
    }

    @Test
    void fanOutCostCountsTheCopiesOnDisk() {
        Workload fanOut = DefaultWorkloads.load().get(3);
        LatencySummary none = new LatencySummary(0, 0, 0, 0, 0, 0, 0, List.of());
        RunResult sqs = new RunResult("fan-out-3", "sqs", "aws", "ok", null, 5000, 20, 100_000, 300_000, 5000, 15000,
                5.1, 15.4, none, none, none, 10, 100.0, 307_200_000, 3072, 0, 0, 0, 0, 5, 50, 100, 0, 10.0, List.of());
        List<ScenarioResult> cost = CompareCommand.fanOutCost(List.of(sqs), List.of(fanOut));
        assertThat(cost).singleElement().satisfies(s -> {
            assertThat(s.scenario()).isEqualTo("fan-out-cost");
            assertThat(s.observed()).contains("the producer sent each message to 3 queues", "3,072 bytes written per message (3.0x the body)");
            assertThat(s.figures()).containsEntry("bodyCopiesOnDisk", 3.0);
        });
        // one reader: no fan-out figure
        assertThat(CompareCommand.fanOutCost(List.of(sqs), List.of(DefaultWorkloads.load().get(0)))).isEmpty();
    }
}
