package dev.trilog.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.trilog.frontend.Frontends;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.HeaderValue;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code GET /api/v1/definitions} and {@code trilog definitions export}: what exists, as a file that declares it again. */
class DefinitionsExportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private RunningGateway start(String data, Path definitions) {
        return Gateway.start(TestConfigs.ephemeral(dir.resolve(data), "definitions.file", definitions.toString()),
                Frontends.installed());
    }

    private static int adminPort(RunningGateway gateway) {
        return gateway.listener("admin").boundAddress().getPort();
    }

    @Test
    void theApiAnswersWhatExistsInTheDefinitionsFormat() throws Exception {
        Path definitions = Files.writeString(dir.resolve("defs.yaml"), StartupDefinitionsTest.YAML);
        try (RunningGateway gateway = start("data", definitions)) {
            HttpResponse<String> response = Http.get(adminPort(gateway), "/api/v1/definitions");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
            JsonNode document = JSON.readTree(response.body());
            assertThat(document.fieldNames()).toIterable()
                    .containsExactly("topics", "sqsQueues", "exchanges", "queues", "bindings");
            assertThat(document.get("topics").toString()).isEqualTo("[{\"name\":\"orders\",\"partitions\":3,"
                    + "\"configs\":{\"cleanup.policy\":\"delete\",\"retention.ms\":\"3600000\"}}]");
            assertThat(document.get("sqsQueues")).extracting(q -> q.get("name").asText())
                    .containsExactly("jobs", "jobs-dlq", "tasks.fifo");
            JsonNode jobs = document.get("sqsQueues").get(0);
            assertThat(jobs.get("attributes").get("VisibilityTimeout").asText()).isEqualTo("45");
            assertThat(jobs.get("attributes").get("RedrivePolicy").asText()).isEqualTo("{\"deadLetterTargetArn\":"
                    + "\"arn:aws:sqs:us-east-1:000000000000:jobs-dlq\",\"maxReceiveCount\":3}");
            assertThat(jobs.get("tags").toString()).isEqualTo("{\"team\":\"payments\"}");
            // the predeclared exchanges are not exported, nor the SQS queues as plain queues
            assertThat(document.get("exchanges")).extracting(x -> x.get("name").asText()).containsExactly("audit", "events");
            assertThat(document.get("queues").toString()).isEqualTo("[{\"name\":\"billing\",\"durable\":true,"
                    + "\"arguments\":{\"x-dead-letter-exchange\":\"events\",\"x-message-ttl\":60000}},"
                    + "{\"name\":\"everything\",\"durable\":true}]");
            assertThat(document.get("bindings")).hasSize(3);
        }
    }

    @Test
    void anExportDeclaresTheSameStateInAFreshGateway() throws Exception {
        Path definitions = Files.writeString(dir.resolve("defs.yaml"), StartupDefinitionsTest.YAML);
        Path exported = dir.resolve("exported.json");
        Path exportedYaml = dir.resolve("exported.yaml");
        String first;
        try (RunningGateway gateway = start("first", definitions)) {
            // what clients made counts too: an AMQP-style queue with a 32-bit argument, an exclusive one (not exported)
            gateway.queueLayer().topology().declareQueue(new QueueSpec("client-made", true, false, false,
                    Map.of("x-max-length", HeaderValue.ofInt(10))));
            gateway.queueLayer().topology().declareQueue(new QueueSpec("amq.gen-1", false, true, false, Map.of()));
            gateway.engine().createTopic("clicks", 2, Map.of());
            String admin = "127.0.0.1:" + adminPort(gateway);

            assertThat(run("definitions", "export", "--admin", admin, "--output", exported.toString())).isZero();
            assertThat(run("definitions", "export", "--admin", admin, "--output", exportedYaml.toString())).isZero();
            assertThat(run("definitions", "export", "--admin", admin)).isZero();
            first = out.toString();
        }
        JsonNode document = JSON.readTree(first);
        assertThat(JSON.readTree(exported.toFile())).isEqualTo(document);
        assertThat(new YAMLMapper().readTree(exportedYaml.toFile())).isEqualTo(document);
        assertThat(document.get("queues").toString()).contains("client-made").doesNotContain("amq.gen-1");
        assertThat(document.get("topics").toString()).contains("clicks");

        for (Path file : new Path[] {exported, exportedYaml}) {
            try (RunningGateway fresh = start("fresh-" + file.getFileName(), file)) {
                JsonNode again = JSON.readTree(Http.get(adminPort(fresh), "/api/v1/definitions").body());
                assertThat(again).isEqualTo(document);
            }
        }
    }

    @Test
    void unknownApiPathsAreJson404sAndOtherMethods405() throws Exception {
        try (RunningGateway gateway = Gateway.start(TestConfigs.ephemeral(dir), Frontends.installed())) {
            HttpResponse<String> unknown = Http.get(adminPort(gateway), "/api/v1/nothing");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(unknown.body()).get("error").asText()).isEqualTo("no such endpoint: /api/v1/nothing");

            HttpResponse<String> version = Http.get(adminPort(gateway), "/api/v2/definitions");
            assertThat(version.statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(version.body()).has("error")).isTrue();

            HttpResponse<String> post = Http.send(adminPort(gateway), "/api/v1/definitions", "POST");
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
            assertThat(JSON.readTree(post.body()).get("error").asText()).contains("read-only");
        }
    }

    @Test
    void anUnreachableGatewayIsOneLineAndExitOne() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }

        assertThat(run("definitions", "export", "--admin", "127.0.0.1:" + port)).isEqualTo(1);
        assertThat(err.toString()).startsWith("trilog: cannot reach the admin API at http://127.0.0.1:" + port + ": ")
                .doesNotContain("\tat ");
    }

    private int run(String... args) {
        CommandLine cli = TrilogMain.commandLine(Map.of());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
