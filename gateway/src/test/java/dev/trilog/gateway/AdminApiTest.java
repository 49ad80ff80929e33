package dev.trilog.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trilog.frontend.Frontends;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The admin JSON API (docs/admin-api.md) and the client commands over it ({@code trilog topics},
 * {@code queues}, {@code status}) against one in-process gateway holding records and queued messages.
 */
class AdminApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static RunningGateway gateway;
    static int port;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void startWithData() throws Exception {
        Path definitions = Files.writeString(dir.resolve("defs.yaml"), StartupDefinitionsTest.YAML);
        gateway = Gateway.start(TestConfigs.ephemeral(dir.resolve("data"), "definitions.file", definitions.toString()),
                Frontends.installed());
        port = gateway.listener("admin").boundAddress().getPort();
        int kafka = gateway.listener("kafka").boundAddress().getPort();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafka,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>("orders", 1, "k" + i, "order " + i)).get();
            }
            // records of a queue's topic are the queue's messages
            producer.send(new ProducerRecord<>("billing", "invoice")).get();
            producer.send(new ProducerRecord<>("billing", "invoice")).get();
        }
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static JsonNode get(String path, int status) throws Exception {
        HttpResponse<String> response = Http.get(port, path);
        assertThat(response.statusCode()).as(path).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        return JSON.readTree(response.body());
    }

    @Test
    void topicsListsEveryTopicWithItsRecords() throws Exception {
        JsonNode topics = get("/api/v1/topics", 200).get("topics");

        assertThat(topics).extracting(t -> t.get("name").asText())
                .contains("orders", "billing", "jobs", "jobs-dlq", "tasks.fifo", "everything");
        JsonNode orders = topics.findParents("name").stream().filter(t -> t.get("name").asText().equals("orders"))
                .findFirst().orElseThrow();
        assertThat(orders.get("partitions").asInt()).isEqualTo(3);
        assertThat(orders.get("records").asLong()).isEqualTo(3);
        assertThat(orders.get("sizeBytes").asLong()).isPositive();
        assertThat(orders.get("queue").asBoolean()).isFalse();
    }

    @Test
    void aTopicHasItsPartitionsOffsetsAndConfigs() throws Exception {
        JsonNode orders = get("/api/v1/topics/orders", 200);

        assertThat(orders.get("name").asText()).isEqualTo("orders");
        assertThat(orders.get("id").asText()).isEqualTo(gateway.engine().topic("orders").orElseThrow().id().toString());
        assertThat(orders.get("configs").get("retention.ms").asText()).isEqualTo("3600000");
        assertThat(orders.get("partitions")).hasSize(3);
        JsonNode p1 = orders.get("partitions").get(1);
        assertThat(p1.get("partition").asInt()).isEqualTo(1);
        assertThat(p1.get("startOffset").asLong()).isZero();
        assertThat(p1.get("endOffset").asLong()).isEqualTo(3);
        assertThat(p1.get("segments").asInt()).isEqualTo(1);
        assertThat(orders.get("partitions").get(0).get("endOffset").asLong()).isZero();
    }

    @Test
    void queuesHaveTheirProtocolAndCounts() throws Exception {
        JsonNode queues = get("/api/v1/queues", 200).get("queues");

        assertThat(queues).extracting(q -> q.get("name").asText() + ":" + q.get("protocol").asText())
                .containsExactly("billing:amqp", "everything:amqp", "jobs:sqs", "jobs-dlq:sqs", "tasks.fifo:sqs");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode billing = get("/api/v1/queues/billing", 200);
            assertThat(billing.get("available").asLong()).isEqualTo(2);
            assertThat(billing.get("inFlight").asLong()).isZero();
            assertThat(billing.get("delayed").asLong()).isZero();
            assertThat(billing.get("deadLettered").asLong()).isZero();
            assertThat(billing.get("oldestAgeMs").asLong()).isNotNegative();
        });
        JsonNode billing = get("/api/v1/queues/billing", 200);
        assertThat(billing.get("arguments").toString())
                .isEqualTo("{\"x-dead-letter-exchange\":\"events\",\"x-message-ttl\":60000}");
        assertThat(billing.get("bindings").toString()).isEqualTo("[{\"source\":\"events\",\"routingKey\":\"invoice.*\"}]");
        JsonNode jobs = get("/api/v1/queues/jobs", 200);
        assertThat(jobs.get("arguments").has("x-trilog-sqs")).isFalse();
        assertThat(jobs.get("arguments").get("x-delivery-limit").asInt()).isEqualTo(3);
    }

    @Test
    void statusNamesTheListenersAndCounts() throws Exception {
        JsonNode status = get("/api/v1/status", 200);

        assertThat(status.get("dataDir").asText()).isEqualTo(gateway.config().dataDir().toString());
        assertThat(status.get("uptimeMs").asLong()).isNotNegative();
        assertThat(status.get("listeners").get("admin").asText()).isEqualTo("127.0.0.1:" + port);
        assertThat(status.get("listeners").fieldNames()).toIterable().contains("kafka", "amqp", "sqs", "admin");
        assertThat(status.get("queues").asInt()).isEqualTo(5);
        assertThat(status.get("version").asText()).isNotEmpty();
    }

    @Test
    void unknownNamesAndPathsAreJson404s() throws Exception {
        assertThat(get("/api/v1/topics/nope", 404).get("error").asText()).isEqualTo("unknown topic 'nope'");
        assertThat(get("/api/v1/queues/nope", 404).get("error").asText()).isEqualTo("unknown queue 'nope'");
        assertThat(get("/api/v1/topics/", 404).get("error").asText()).isEqualTo("no such endpoint: /api/v1/topics/");
        assertThat(get("/api/v1/topics/orders/partitions", 404).get("error").asText())
                .startsWith("no such endpoint");
        assertThat(get("/api/v1/topics/a%2Fb", 404).has("error")).isTrue();
        assertThat(get("/api/v1/queues/..", 404).has("error")).isTrue();
        assertThat(get("/api/", 404).get("error").asText()).contains("/api/v1/");
        HttpResponse<String> delete = Http.send(port, "/api/v1/topics/orders", "DELETE");
        assertThat(delete.statusCode()).isEqualTo(405);
        assertThat(JSON.readTree(delete.body()).get("error").asText()).contains("read-only");
        // the topic is still there
        assertThat(get("/api/v1/topics/orders", 200).get("name").asText()).isEqualTo("orders");
    }

    @Test
    void topicsCommandsPrintTablesOrJson() throws Exception {
        assertThat(run("topics", "list", "--admin", "127.0.0.1:" + port)).isZero();
        assertThat(out.toString()).startsWith("TOPIC").contains("PARTITIONS", "RECORDS")
                .containsPattern("(?m)^orders +3 +3 +\\d+ +no$")
                .containsPattern("(?m)^billing +1 +\\d+ +\\d+ +yes$");

        out.getBuffer().setLength(0);
        assertThat(run("topics", "describe", "orders", "--admin", "127.0.0.1:" + port)).isZero();
        assertThat(out.toString()).contains("Topic: orders", "retention.ms=3600000")
                .containsPattern("(?m)^1 +0 +3 +\\d+ +1$");

        out.getBuffer().setLength(0);
        assertThat(run("topics", "describe", "orders", "--json", "--admin", "127.0.0.1:" + port)).isZero();
        assertThat(JSON.readTree(out.toString())).isEqualTo(get("/api/v1/topics/orders", 200));
    }

    @Test
    void queuesCommandsPrintTablesOrJson() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/api/v1/queues/billing", 200).get("available").asLong() == 2);
        assertThat(run("queues", "list", "--admin", "127.0.0.1:" + port)).isZero();
        assertThat(out.toString()).startsWith("QUEUE").contains("IN FLIGHT", "DEAD-LETTERED")
                .containsPattern("(?m)^billing +amqp +2 +0 +0 +0 +\\d+$")
                .containsPattern("(?m)^jobs +sqs +0 +0 +0 +0 +0$");

        out.getBuffer().setLength(0);
        assertThat(run("queues", "describe", "billing", "--admin", "127.0.0.1:" + port)).isZero();
        assertThat(out.toString()).contains("x-message-ttl=60000", "from events key 'invoice.*'");

        out.getBuffer().setLength(0);
        assertThat(run("queues", "list", "--json", "--admin", "127.0.0.1:" + port)).isZero();
        assertThat(JSON.readTree(out.toString()).get("queues")).hasSize(5);
    }

    @Test
    void statusCommandPrintsTheListeners() throws Exception {
        assertThat(run("status", "--admin", "127.0.0.1:" + port)).isZero();
        assertThat(out.toString()).contains("data directory: " + gateway.config().dataDir(), "queues: 5")
                .containsPattern("(?m)^admin +127\\.0\\.0\\.1:" + port + "$");

        out.getBuffer().setLength(0);
        assertThat(run("status", "--json", "--admin", "127.0.0.1:" + port)).isZero();
        assertThat(JSON.readTree(out.toString()).get("listeners").get("admin").asText()).isEqualTo("127.0.0.1:" + port);
    }

    @Test
    void anUnknownNameIsOneLineAndExitOne() {
        assertThat(run("queues", "describe", "nope", "--admin", "127.0.0.1:" + port)).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("trilog: unknown queue 'nope'" + System.lineSeparator());
    }

    @Test
    void aGroupWithoutItsSubcommandIsAUsageError() {
        assertThat(run("topics")).isEqualTo(2);
        assertThat(err.toString()).contains("list", "describe");
    }

    private int run(String... args) {
        CommandLine cli = TrilogMain.commandLine(Map.of());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
