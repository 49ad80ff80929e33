package dev.trilog.compare;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seconds-long {@code trilog compare} through every protocol with a driver: a child gateway
 * (from the class path), a tiny steady fan-out workload and a tiny backlog, the scenarios; then
 * results.json must have every protocol and every figure, and report.html only images that exist.
 */
class CompareSmokeTest {

    private static final List<String> PROTOCOLS = List.of("kafka", "sqs", "amqp091", "amqp10");

    @Test
    @Timeout(180)
    void aTinyRunReportsEveryFigureForEveryProtocol(@TempDir Path dir) throws IOException {
        Path steady = dir.resolve("steady.yaml");
        Files.writeString(steady, """
                name: smoke-steady
                messageSize: 256
                producers: 1
                consumers: 1
                readers: 2
                partitions: 1
                rate: 300
                warmup: 1s
                duration: 2s
                kafka: {lingerMs: 0, commitInterval: 200ms}
                sqs: {waitTimeSeconds: 1}
                """);
        Path backlog = dir.resolve("backlog.json");
        Files.writeString(backlog, """
                {"name": "smoke-backlog", "messageSize": 512, "producers": 1, "consumers": 1, "backlog": 4000}
                """);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        CompareCommand command = new CompareCommand().output(new PrintStream(console, true, StandardCharsets.UTF_8), false);
        int exit = CompareMain.commandLine(command).execute("--quick", "--broker-cores", "0",
                "--broker-jvm-options", "-Xms256m -Xmx256m", "--protocols", String.join(",", PROTOCOLS),
                "--workload", steady.toString(), "--workload", backlog.toString(), "--output", dir.resolve("out").toString());
        String printed = console.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed).isZero();
        assertThat(printed).contains("measuring", "draining backlog", "report: ");

        Path results;
        try (Stream<Path> runs = Files.list(dir.resolve("out"))) {
            results = runs.findFirst().orElseThrow();
        }
        JsonNode json = new ObjectMapper().readTree(results.resolve("results.json").toFile());
        assertThat(json.get("protocols")).extracting(JsonNode::asText).containsExactlyElementsOf(PROTOCOLS);
        assertThat(json.get("machine").get("cores").asInt()).isPositive();
        assertThat(json.get("machine").get("jdk").asText()).isNotBlank();
        assertThat(json.get("machine").get("gitCommit").asText()).isNotBlank();
        assertThat(json.get("broker").get("pinning").asText()).isNotBlank();
        assertThat(json.get("broker").get("pid").asLong()).isPositive();
        assertThat(json.get("workloads")).hasSize(2);

        JsonNode runs = json.get("runs");
        assertThat(runs).hasSize(2 * PROTOCOLS.size());
        for (JsonNode run : runs) {
            String what = run.get("workload").asText() + "/" + run.get("protocol").asText() + ": " + run;
            assertThat(run.get("status").asText()).as(what).isEqualTo("ok");
            for (String figure : List.of("messagesIn", "messagesOut", "messagesPerSecondIn", "messagesPerSecondOut",
                    "mbPerSecondIn", "mbPerSecondOut", "diskBytesWritten", "diskBytesPerMessage")) {
                assertThat(run.get(figure).asDouble()).as(figure + " of " + what).isPositive();
            }
            // CPU time is counted in clock ticks (10 ms): a smoke run of a few milliseconds may read 0
            for (String figure : List.of("brokerCpuSeconds", "brokerCpuSecondsPerMillion", "clientCpuSecondsPerMillion")) {
                assertThat(run.get(figure).isNumber()).as(figure + " of " + what).isTrue();
                assertThat(run.get(figure).asDouble()).as(figure + " of " + what).isNotNegative();
            }
            for (String latency : List.of("endToEnd", "endToEndFromSend", "publish")) {
                JsonNode l = run.get(latency);
                assertThat(l.get("count").asLong()).as(latency + " of " + what).isPositive();
                for (String p : List.of("p50", "p90", "p99", "p999", "max")) {
                    assertThat(l.get(p).asDouble()).as(latency + "." + p + " of " + what).isPositive();
                }
                assertThat(l.get("curve")).as(latency + " curve of " + what).isNotEmpty();
            }
            assertThat(run.get("receiveCalls").asLong()).as(what).isPositive();
            assertThat(run.get("messagesPerReceive").asDouble()).as(what).isPositive();
            assertThat(run.get("publishErrors").asLong()).as(what).isZero();
            assertThat(run.get("consumeErrors").asLong()).as(what).isZero();
            assertThat(run.get("unreadAfterDrain").asLong()).as(what).isZero();
        }
        for (String protocol : PROTOCOLS) {
            List<String> scenarios = new ArrayList<>();
            for (JsonNode s : json.get("scenarios")) {
                if (s.get("protocol").asText().equals(protocol)) {
                    assertThat(s.get("status").asText()).as(s.toString()).isEqualTo("observed");
                    assertThat(s.get("observed").asText()).isNotBlank();
                    scenarios.add(s.get("scenario").asText());
                }
            }
            assertThat(scenarios).as(protocol).containsExactlyInAnyOrder("replay", "consumer-killed", "ordering",
                    "poison-message", "fan-out-cost");
        }

        String html = Files.readString(results.resolve("report.html"));
        Matcher img = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
        int images = 0;
        while (img.find()) {
            Path png = results.resolve(img.group(1));
            assertThat(png).exists();
            byte[] head = Files.readAllBytes(png);
            assertThat(head).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
            images++;
        }
        assertThat(images).isGreaterThanOrEqualTo(6); // 4 bar charts + a latency curve per workload
        assertThat(Files.readString(results.resolve("report.md"))).contains("| smoke-steady | kafka |", "| smoke-steady | sqs |");
        assertThat(results.resolve("gateway.log")).exists();
    }
}
