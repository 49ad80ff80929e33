package dev.trilog.compare;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trilog.frontend.ConfigValue;
import dev.trilog.frontend.Frontends;
import dev.trilog.gateway.Gateway;
import dev.trilog.gateway.RunningGateway;
import dev.trilog.gateway.config.GatewayConfig;
import dev.trilog.gateway.config.GatewayConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --peer}: the same workload runs against a peer system beside Trilog, and the report has
 * the peer's series beside Trilog's, scenarios included. The "peer" here is a second Trilog
 * gateway in this JVM, so the test needs no other broker installed.
 */
class ComparePeerTest {

    @Test
    @Timeout(120)
    void aPeerRunsTheSameWorkloadAndIsReportedBesideTrilog(@TempDir Path dir) throws Exception {
        try (RunningGateway peer = startPeer(dir.resolve("peer"))) {
            String peerSqs = "http://127.0.0.1:" + peer.listener("sqs").boundAddress().getPort();
            Path workload = dir.resolve("tiny.yaml");
            Files.writeString(workload, """
                    name: tiny
                    messageSize: 128
                    producers: 1
                    consumers: 1
                    rate: 200
                    warmup: 200ms
                    duration: 1s
                    sqs: {waitTimeSeconds: 1}
                    """);
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            CompareCommand command = new CompareCommand().output(new PrintStream(console, true, StandardCharsets.UTF_8),
                    false);
            int exit = CompareMain.commandLine(command).execute("--quick", "--broker-cores", "0",
                    "--broker-jvm-options", "-Xms128m -Xmx256m", "--protocols", "sqs", "--peer", "sqs=" + peerSqs,
                    "--peer-pid", "sqs=" + ProcessHandle.current().pid(),
                    "--workload", workload.toString(), "--output", dir.resolve("out").toString());
            String printed = console.toString(StandardCharsets.UTF_8);
            assertThat(exit).as(printed).isZero();

            Path results;
            try (Stream<Path> runs = Files.list(dir.resolve("out"))) {
                results = runs.findFirst().orElseThrow();
            }
            JsonNode json = new ObjectMapper().readTree(results.resolve("results.json").toFile());
            assertThat(json.get("protocols")).extracting(JsonNode::asText).containsExactly("sqs", "sqs@sqs");
            assertThat(json.get("peers")).hasSize(1);
            assertThat(json.get("peers").get(0).get("launch").asText()).isEqualTo("sqs already running");
            List<String> series = new ArrayList<>();
            for (JsonNode run : json.get("runs")) {
                assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("ok");
                assertThat(run.get("messagesOut").asLong()).as(run.toString()).isPositive();
                assertThat(run.get("brokerCpuSecondsPerMillion").asDouble()).as(run.toString()).isPositive();
                series.add(run.get("protocol").asText());
            }
            assertThat(series).containsExactlyInAnyOrder("sqs", "sqs@sqs");
            List<String> scenarioSeries = new ArrayList<>();
            for (JsonNode s : json.get("scenarios")) {
                assertThat(s.get("status").asText()).as(s.toString()).isEqualTo("observed");
                scenarioSeries.add(s.get("protocol").asText());
            }
            assertThat(scenarioSeries).contains("sqs", "sqs@sqs");
            assertThat(Files.readString(results.resolve("report.md"))).contains("sqs@sqs", "sqs already running");
        }
    }

    private static RunningGateway startPeer(Path dataDir) {
        List<ConfigValue> values = List.of(
                new ConfigValue("data.dir", dataDir.toString(), "test"),
                new ConfigValue("kafka.port", "0", "test"),
                new ConfigValue("amqp.port", "0", "test"),
                new ConfigValue("sqs.port", "0", "test"),
                new ConfigValue("admin.port", "0", "test"));
        GatewayConfig config = new GatewayConfigLoader(Map.of()).load(Optional.empty(), new ArrayList<>(values));
        return Gateway.start(config, Frontends.installed());
    }
}
