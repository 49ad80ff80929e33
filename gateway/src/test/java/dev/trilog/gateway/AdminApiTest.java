package dev.trilog.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trilog.frontend.Frontends;
import dev.trilog.testsupport.HeadlessChromium;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
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
        gateway = AdminJson.gatewayWithDefinitions(dir);
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

    private static JsonNode send(String method, String path, String body, int status) throws Exception {
        return AdminJson.send(port, method, path, body, status);
    }

    private static JsonNode get(String path, int status) throws Exception {
        return AdminJson.send(port, "GET", path, null, status);
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
        HttpResponse<String> put = Http.send(port, "/api/v1/topics/orders", "PUT");
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(JSON.readTree(put.body()).get("error").asText()).contains("PUT");
        assertThat(put.headers().firstValue("Allow")).contains("GET, HEAD, POST, DELETE");
        assertThat(send("DELETE", "/api/v1/topics/nope", null, 404).get("error").asText()).isEqualTo("unknown topic 'nope'");
        assertThat(send("POST", "/api/v1/queues/nope/purge", null, 404).get("error").asText())
                .isEqualTo("unknown queue 'nope'");
        assertThat(send("POST", "/api/v1/status", "{}", 405).get("error").asText()).contains("read-only");
        assertThat(get("/api/v1/groups/nope", 404).get("error").asText()).startsWith("unknown group 'nope'");
        // the topic is still there
        assertThat(get("/api/v1/topics/orders", 200).get("name").asText()).isEqualTo("orders");
    }

    /**
     * {@code /api/v1/traffic} counts what the frontends' meters count: the records produced in
     * {@link #startWithData}, and an SQS message sent and received here over SQS's JSON protocol;
     * no AMQP client ever connects to this gateway, so AMQP's figures stay zero.
     */
    @Test
    void trafficCountsConnectionsAndMessagesPerProtocol() throws Exception {
        JsonNode before = get("/api/v1/traffic", 200).get("protocols");
        assertThat(before).extracting(p -> p.get("connections").isNumber()).containsOnly(true);
        java.util.List<String> names = new java.util.ArrayList<>();
        before.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("kafka", "amqp-0-9-1", "amqp-1.0", "sqs");
        assertThat(before.get("kafka").get("messagesIn").asLong()).isGreaterThanOrEqualTo(5);
        assertThat(before.get("kafka").get("messagesOut").isNull()).as("Kafka's fetched records are not counted").isTrue();

        String url = sqs("GetQueueUrl", "{\"QueueName\": \"jobs\"}").get("QueueUrl").asText();
        sqs("SendMessage", "{\"QueueUrl\": \"" + url + "\", \"MessageBody\": \"counted\"}");
        JsonNode received = sqs("ReceiveMessage", "{\"QueueUrl\": \"" + url + "\", \"WaitTimeSeconds\": 5}");
        assertThat(received.get("Messages")).hasSize(1);
        // settled, so the queue is as the other tests expect it
        sqs("DeleteMessage", "{\"QueueUrl\": \"" + url + "\", \"ReceiptHandle\": \""
                + received.get("Messages").get(0).get("ReceiptHandle").asText() + "\"}");

        JsonNode after = get("/api/v1/traffic", 200).get("protocols");
        assertThat(after.get("sqs").get("messagesIn").asLong()).isEqualTo(before.get("sqs").get("messagesIn").asLong() + 1);
        assertThat(after.get("sqs").get("messagesOut").asLong())
                .isEqualTo(before.get("sqs").get("messagesOut").asLong() + 1);
        for (String amqp : new String[] {"amqp-0-9-1", "amqp-1.0"}) {
            assertThat(after.get(amqp).get("connections").asLong()).as(amqp).isZero();
            assertThat(after.get(amqp).get("messagesIn").asLong()).as(amqp).isZero();
            assertThat(after.get(amqp).get("messagesOut").asLong()).as(amqp).isZero();
        }
        assertThat(get("/api/v1/traffic/kafka", 404).get("error").asText()).startsWith("no such endpoint");
        assertThat(send("POST", "/api/v1/traffic", "{}", 405).get("error").asText()).contains("read-only");
    }

    /** One SQS call over the JSON protocol (the gateway's SQS listener takes unsigned requests by default). */
    private static JsonNode sqs(String action, String body) throws Exception {
        int sqsPort = gateway.listener("sqs").boundAddress().getPort();
        HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + sqsPort + "/"))
                .header("Content-Type", "application/x-amz-json-1.0").header("X-Amz-Target", "AmazonSQS." + action)
                .timeout(Duration.ofSeconds(30)).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(action + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
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

    @Test
    void topicsAreCreatedAndDeletedThroughTheApiAsThroughKafka() throws Exception {
        JsonNode created = send("POST", "/api/v1/topics",
                "{\"name\": \"api-made\", \"partitions\": 2, \"configs\": {\"retention.ms\": \"60000\"}}", 201);
        assertThat(created.get("partitions")).hasSize(2);
        assertThat(created.get("configs").get("retention.ms").asText()).isEqualTo("60000");
        assertThat(gateway.engine().topic("api-made").orElseThrow().partitions()).isEqualTo(2);

        assertThat(send("POST", "/api/v1/topics", "{\"name\": \"api-made\"}", 409).get("error").asText())
                .isEqualTo("topic 'api-made' exists already");
        assertThat(send("POST", "/api/v1/topics", "{\"name\": \"bad name!\"}", 400).get("error").asText())
                .contains("bad name!");
        assertThat(send("POST", "/api/v1/topics", "{\"name\": \"x\", \"partitions\": 0}", 400).get("error").asText())
                .contains("partitions");
        assertThat(send("POST", "/api/v1/topics", "{\"name\": \"x\", \"configs\": {\"retention.ms\": \"soon\"}}", 400)
                .get("error").asText()).contains("retention.ms");
        assertThat(send("POST", "/api/v1/topics", "{not json", 400).get("error").asText()).startsWith("the body is not JSON");
        assertThat(send("POST", "/api/v1/topics", "", 400).has("error")).isTrue();
        assertThat(gateway.engine().topic("x")).isEmpty();

        assertThat(send("DELETE", "/api/v1/topics/api-made", null, 200).get("deleted").asText()).isEqualTo("api-made");
        assertThat(gateway.engine().topic("api-made")).isEmpty();
        get("/api/v1/topics/api-made", 404);
        // a queue keeps its messages in its topic: the same refusal Kafka's DeleteTopics gets
        assertThat(send("DELETE", "/api/v1/topics/billing", null, 409).get("error").asText()).contains("billing");
        assertThat(gateway.engine().topic("billing")).isPresent();
    }

    @Test
    void topicsCreateAndDeleteCommands() throws Exception {
        assertThat(run("topics", "create", "cli-made", "--partitions", "3", "--config", "cleanup.policy=compact",
                "--admin", "127.0.0.1:" + port)).isZero();
        assertThat(out.toString()).contains("Topic: cli-made", "cleanup.policy=compact").containsPattern("(?m)^2 +0 +0 ");
        assertThat(gateway.engine().topic("cli-made").orElseThrow().partitions()).isEqualTo(3);

        assertThat(run("topics", "create", "cli-made", "--admin", "127.0.0.1:" + port)).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("trilog: topic 'cli-made' exists already" + System.lineSeparator());

        out.getBuffer().setLength(0);
        assertThat(run("topics", "delete", "cli-made", "--admin", "127.0.0.1:" + port)).isZero();
        assertThat(out.toString()).isEqualTo("Deleted topic cli-made" + System.lineSeparator());
        assertThat(gateway.engine().topic("cli-made")).isEmpty();
    }

    @Test
    void usersAreAddedListedAndRemovedWithoutEverShowingAKey() throws Exception {
        JsonNode added = send("POST", "/api/v1/users",
                "{\"name\": \"api-alice\", \"password\": \"s3cret\", \"iterations\": 8192}", 201);
        assertThat(added.toString()).isEqualTo("{\"name\":\"api-alice\",\"mechanisms\":[{\"mechanism\":\"SCRAM-SHA-256\","
                + "\"iterations\":8192},{\"mechanism\":\"SCRAM-SHA-512\",\"iterations\":8192}],\"permissions\":{}}");
        var store = dev.trilog.frontend.auth.UserStore.open(gateway.engine());
        assertThat(store.authenticatePlain("api-alice", "s3cret")).isTrue();
        send("POST", "/api/v1/users", "{\"name\": \"api-alice\", \"password\": \"changed\","
                + " \"mechanisms\": [\"SCRAM-SHA-512\"]}", 200);
        assertThat(store.authenticatePlain("api-alice", "changed")).isTrue();
        assertThat(get("/api/v1/users", 200).get("users").toString()).contains("api-alice").doesNotContain("salt", "Key");
        assertThat(send("POST", "/api/v1/users", "{\"name\": \"x\", \"password\": \"p\", \"iterations\": 10}", 400)
                .get("error").asText()).contains("Too few iterations");
        assertThat(send("POST", "/api/v1/users", "{\"name\": \"x\", \"password\": \"p\", \"mechanisms\": [\"MD5\"]}",
                400).get("error").asText()).contains("unknown mechanism 'MD5'");
        assertThat(send("POST", "/api/v1/users/api-alice/permissions",
                "{\"configure\": \"^alice\\\\.\", \"write\": \".*\", \"read\": \"\"}", 200).get("permissions").toString())
                .isEqualTo("{\"/\":{\"configure\":\"^alice\\\\.\",\"write\":\".*\",\"read\":\"\"}}");
        var permissions = dev.trilog.frontend.auth.PermissionStore.open(gateway.engine());
        assertThat(permissions.permissions("api-alice", "/")).isPresent();
        assertThat(send("POST", "/api/v1/users/api-alice/permissions",
                "{\"vhost\": \"staging\", \"configure\": \".*\", \"write\": \".*\", \"read\": \".*\"}", 400)
                .get("error").asText()).isEqualTo("no vhost 'staging' (trilog vhosts add makes one)");
        assertThat(send("POST", "/api/v1/users/api-alice/permissions",
                "{\"configure\": \"(\", \"write\": \".*\", \"read\": \".*\"}", 400)
                .get("error").asText()).contains("the configure permission is not a regular expression");
        assertThat(send("POST", "/api/v1/users/nobody/permissions",
                "{\"configure\": \".*\", \"write\": \".*\", \"read\": \".*\"}", 404).get("error").asText())
                .isEqualTo("unknown user 'nobody'");
        send("DELETE", "/api/v1/users/api-alice", null, 200);
        assertThat(permissions.permissions("api-alice", "/")).as("removed with the user").isEmpty();
        assertThat(get("/api/v1/users/api-alice", 404).get("error").asText()).isEqualTo("unknown user 'api-alice'");
        assertThat(store.authenticatePlain("api-alice", "changed")).isFalse();
    }

    @Test
    void vhostsAreAddedListedAndDeletedThroughTheApi() throws Exception {
        assertThat(send("POST", "/api/v1/vhosts", "{\"name\": \"api-dev\"}", 201).toString())
                .isEqualTo("{\"name\":\"api-dev\",\"queues\":0,\"exchanges\":6}");
        send("POST", "/api/v1/vhosts", "{\"name\": \"api-dev\"}", 200);
        assertThat(send("POST", "/api/v1/vhosts", "{\"name\": \"\"}", 400).get("error").asText())
                .isEqualTo("a vhost name must not be empty");
        gateway.queueLayer().topology().declareQueue(dev.trilog.routing.address.QueueSpec.durable("vhost.api-dev.q"));
        assertThat(get("/api/v1/vhosts/api-dev", 200).get("queues").asInt()).isEqualTo(1);
        assertThat(get("/api/v1/vhosts/%2F", 200).get("name").asText()).isEqualTo("/");
        assertThat(get("/api/v1/vhosts", 200).get("vhosts").toString()).contains("\"name\":\"/\"", "\"name\":\"api-dev\"");
        send("POST", "/api/v1/users", "{\"name\": \"api-carol\", \"password\": \"s3cret\"}", 201);
        send("POST", "/api/v1/users/api-carol/permissions",
                "{\"vhost\": \"api-dev\", \"configure\": \".*\", \"write\": \".*\", \"read\": \".*\"}", 200);

        assertThat(send("DELETE", "/api/v1/vhosts/api-dev", null, 200).toString())
                .isEqualTo("{\"deleted\":\"api-dev\",\"queues\":[\"vhost.api-dev.q\"]}");
        assertThat(gateway.queueLayer().topology().queue("vhost.api-dev.q")).isEmpty();
        assertThat(dev.trilog.frontend.auth.PermissionStore.open(gateway.engine()).permissions("api-carol", "api-dev"))
                .as("taken away with the vhost").isEmpty();
        assertThat(get("/api/v1/vhosts/api-dev", 404).get("error").asText()).isEqualTo("unknown vhost 'api-dev'");
        assertThat(send("DELETE", "/api/v1/vhosts/%2F", null, 400).get("error").asText())
                .isEqualTo("vhost '/' cannot be deleted");
        send("DELETE", "/api/v1/users/api-carol", null, 200);
    }

    @Test
    void vhostsCommandsAddListAndDelete() throws Exception {
        assertThat(run("vhosts", "add", "cli-dev", "--admin", "127.0.0.1:" + port)).isZero();
        assertThat(out.toString()).isEqualTo("Vhost cli-dev" + System.lineSeparator());
        out.getBuffer().setLength(0);
        assertThat(run("vhosts", "list", "--admin", "127.0.0.1:" + port)).isZero();
        assertThat(out.toString()).containsPattern("(?m)^/ +\\d+ +\\d+$").containsPattern("(?m)^cli-dev +0 +6$");
        out.getBuffer().setLength(0);
        assertThat(run("users", "add", "cli-dave", "--password", "pw", "--admin", "127.0.0.1:" + port)).isZero();
        out.getBuffer().setLength(0);
        assertThat(run("users", "permissions", "cli-dave", "--vhost", "cli-dev", "--configure", ".*", "--write", ".*",
                "--read", "^dave", "--admin", "127.0.0.1:" + port)).isZero();
        assertThat(out.toString()).isEqualTo("User cli-dave in cli-dev: configure '.*' write '.*' read '^dave'"
                + System.lineSeparator());
        out.getBuffer().setLength(0);
        assertThat(run("users", "permissions", "cli-dave", "--vhost", "cli-dev", "--clear", "--admin",
                "127.0.0.1:" + port)).isZero();
        assertThat(dev.trilog.frontend.auth.PermissionStore.open(gateway.engine()).permissions("cli-dave", "cli-dev"))
                .isEmpty();
        out.getBuffer().setLength(0);
        assertThat(run("vhosts", "delete", "cli-dev", "--admin", "127.0.0.1:" + port)).isZero();
        assertThat(out.toString()).isEqualTo("Deleted vhost cli-dev with 0 queues" + System.lineSeparator());
        assertThat(run("vhosts", "delete", "cli-dev", "--admin", "127.0.0.1:" + port)).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("trilog: unknown vhost 'cli-dev'" + System.lineSeparator());
        run("users", "remove", "cli-dave", "--admin", "127.0.0.1:" + port);
    }

    @Test
    void usersCommandsAddListAndRemove() throws Exception {
        java.io.InputStream stdin = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream("from-stdin\n".getBytes()));
            assertThat(run("users", "add", "cli-bob", "--password-stdin", "--mechanism", "SCRAM-SHA-256",
                    "--admin", "127.0.0.1:" + port)).isZero();
        } finally {
            System.setIn(stdin);
        }
        assertThat(out.toString()).isEqualTo("User cli-bob: SCRAM-SHA-256 (4096)" + System.lineSeparator());
        assertThat(dev.trilog.frontend.auth.UserStore.open(gateway.engine()).authenticatePlain("cli-bob", "from-stdin"))
                .isTrue();
        out.getBuffer().setLength(0);
        assertThat(run("users", "list", "--admin", "127.0.0.1:" + port)).isZero();
        assertThat(out.toString()).containsPattern("(?m)^cli-bob +SCRAM-SHA-256 \\(4096\\) +none$");
        out.getBuffer().setLength(0);
        assertThat(run("users", "permissions", "cli-bob", "--configure", "^bob", "--write", ".*", "--read", ".*",
                "--admin", "127.0.0.1:" + port)).isZero();
        assertThat(out.toString()).isEqualTo("User cli-bob in /: configure '^bob' write '.*' read '.*'"
                + System.lineSeparator());
        out.getBuffer().setLength(0);
        assertThat(run("users", "list", "--admin", "127.0.0.1:" + port)).isZero();
        assertThat(out.toString()).containsPattern("(?m)^cli-bob +SCRAM-SHA-256 \\(4096\\) +configure '\\^bob'");
        out.getBuffer().setLength(0);
        assertThat(run("users", "permissions", "cli-bob", "--clear", "--admin", "127.0.0.1:" + port)).isZero();
        assertThat(dev.trilog.frontend.auth.PermissionStore.open(gateway.engine()).permissions("cli-bob", "/")).isEmpty();
        out.getBuffer().setLength(0);
        assertThat(run("users", "remove", "cli-bob", "--admin", "127.0.0.1:" + port)).isZero();
        assertThat(out.toString()).isEqualTo("Removed user cli-bob" + System.lineSeparator());
        assertThat(run("users", "remove", "cli-bob", "--admin", "127.0.0.1:" + port)).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("trilog: unknown user 'cli-bob'" + System.lineSeparator());
    }

    @Test
    void aPurgeDropsTheQueuesReadyMessagesAndKeepsTheRecords() throws Exception {
        int kafka = gateway.listener("kafka").boundAddress().getPort();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafka,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            producer.send(new ProducerRecord<>("everything", "a")).get();
            producer.send(new ProducerRecord<>("everything", "b")).get();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/api/v1/queues/everything", 200).get("available").asLong() == 2);

        assertThat(run("queues", "purge", "everything", "--admin", "127.0.0.1:" + port)).isZero();
        assertThat(out.toString()).isEqualTo("Purged queue everything" + System.lineSeparator());
        assertThat(get("/api/v1/queues/everything", 200).get("available").asLong()).isZero();
        assertThat(get("/api/v1/topics/everything", 200).get("partitions").get(0).get("endOffset").asLong()).isEqualTo(2);
    }

    @Test
    void groupsShowTheirCommittedOffsetsAndLag() throws Exception {
        int kafka = gateway.listener("kafka").boundAddress().getPort();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafka, ConsumerConfig.GROUP_ID_CONFIG, "readers",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            // orders-1 holds 3 records: the group has read one of them
            consumer.commitSync(Map.of(new TopicPartition("orders", 1), new OffsetAndMetadata(1)));
        }
        JsonNode readers = get("/api/v1/groups/readers", 200);
        assertThat(readers.get("lag").asLong()).isEqualTo(2);
        assertThat(readers.get("state").asText()).isEqualTo("Empty");
        assertThat(readers.get("partitions").toString())
                .isEqualTo("[{\"topic\":\"orders\",\"partition\":1,\"committedOffset\":1,\"endOffset\":3,\"lag\":2}]");
        assertThat(get("/api/v1/groups", 200).get("groups").toString())
                .contains("{\"name\":\"readers\",\"type\":\"classic\",\"state\":\"Empty\",\"members\":0,"
                        + "\"partitions\":1,\"lag\":2}");

        assertThat(run("groups", "list", "--admin", "127.0.0.1:" + port)).isZero();
        assertThat(out.toString()).startsWith("GROUP").containsPattern("(?m)^readers +classic +Empty +0 +1 +2$");
        out.getBuffer().setLength(0);
        assertThat(run("groups", "describe", "readers", "--admin", "127.0.0.1:" + port)).isZero();
        assertThat(out.toString()).containsPattern("(?m)^orders +1 +1 +3 +2$");
    }

    @Test
    void withWritesOffTheApiChangesNothing(@TempDir Path other) throws Exception {
        try (RunningGateway readOnly = Gateway.start(TestConfigs.ephemeral(other, "admin.console.writes", "false"),
                Frontends.installed())) {
            int admin = readOnly.listener("admin").boundAddress().getPort();
            HttpResponse<String> create = Http.send(admin, "/api/v1/topics", "POST", "{\"name\": \"t\"}");
            assertThat(create.statusCode()).isEqualTo(403);
            assertThat(JSON.readTree(create.body()).get("error").asText()).contains("admin.console.writes=false");
            assertThat(readOnly.engine().topic("t")).isEmpty();
            assertThat(Http.get(admin, "/api/v1/topics").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void theConsoleShowsTopicsQueuesAndGroupsAsTheApiDoes() throws Exception {
        HttpResponse<String> overview = Http.get(port, "/");
        assertThat(overview.statusCode()).isEqualTo(200);
        assertThat(overview.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
        assertThat(overview.body()).contains("<a href=\"/console/topics/orders\">orders</a>",
                "<a href=\"/console/queues/billing\">billing</a>", "127.0.0.1:" + port, "id=\"traffic-in\"", "id=\"traffic-out\"",
                "<tr data-protocol=\"amqp-1.0\">");

        String orders = Http.get(port, "/console/topics/orders").body();
        assertThat(orders).contains("<h1>Topic orders</h1>", "<td>retention.ms</td><td>3600000</td>",
                "<tr><td>1</td><td>0</td><td>3</td>");
        String billing = Http.get(port, "/console/queues/billing").body();
        assertThat(billing).contains("<h1>Queue billing</h1>", "<td>events</td><td>invoice.*</td>", "x-message-ttl");

        HttpResponse<String> missing = Http.get(port, "/console/topics/nope");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("unknown topic &#39;nope&#39;");
        assertThat(Http.get(port, "/console/nothing").statusCode()).isEqualTo(404);
        assertThat(Http.send(port, "/", "POST").statusCode()).isEqualTo(405);
    }

    /**
     * The overview in a real browser (headless Chromium, which .ci/run installs): the page loads,
     * its chart script polls the API, and a screenshot is kept for a person to look at.
     */
    @Test
    @org.junit.jupiter.api.Timeout(180)
    void headlessChromiumLoadsTheConsoleAndItsLiveChart(@TempDir Path browserDir) throws Exception {
        java.util.Optional<HeadlessChromium> chromium = HeadlessChromium.find(browserDir);
        org.junit.jupiter.api.Assumptions.assumeTrue(chromium.isPresent(), "no Chromium installed");
        String url = "http://127.0.0.1:" + port + "/";

        assertThat(chromium.get().dom(url)).contains(">orders</a>", ">billing</a>").containsPattern("data-polls=\"[1-9]\\d*\"");

        Path screenshot = Path.of("target", "console-screenshots", "overview.png");
        chromium.get().screenshot(url, screenshot);
        assertThat(screenshot).isNotEmptyFile();
    }

    private int run(String... args) {
        CommandLine cli = TrilogMain.commandLine(Map.of());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
