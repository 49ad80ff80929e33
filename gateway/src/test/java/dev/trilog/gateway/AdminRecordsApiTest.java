package dev.trilog.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trilog.frontend.Frontends;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.message.MessageProperties;
import dev.trilog.routing.queue.PublishOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The admin API's record and message views (docs/admin-api.md): browsing a partition, producing a
 * test record, peeking a queue, and their console pages, against one in-process gateway.
 */
class AdminRecordsApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static RunningGateway gateway;
    static int port;
    static long beforeSecondProduce;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void startWithData() throws Exception {
        gateway = AdminJson.gatewayWithDefinitions(dir);
        port = gateway.listener("admin").boundAddress().getPort();
        int kafka = gateway.listener("kafka").boundAddress().getPort();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafka,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(new ProducerRecord<>("orders", 2, null, bytes("k0"), bytes("{\"id\": 1, \"sum\": 9.5}"),
                    List.of(new RecordHeader("source", bytes("shop"))))).get();
            producer.send(new ProducerRecord<>("orders", 2, bytes("k1"), bytes("plain text"))).get();
            Thread.sleep(5); // the third record is later than this time
            beforeSecondProduce = System.currentTimeMillis();
            Thread.sleep(5);
            producer.send(new ProducerRecord<>("orders", 2, null, new byte[] {0, (byte) 0xFF, 7})).get();
        }
        gateway.engine().createTopic("scratch", 3, Map.of()); // where the produce tests write
        // an AMQP-style message: its properties travel in the reserved headers
        gateway.queueLayer().queues().publish("billing", Message.builder().body("{\"invoice\": 7}")
                .header("region", HeaderValue.ofInt(3))
                .properties(MessageProperties.builder().contentType("application/json").messageId("inv-7").priority(5)
                        .build()).build(), PublishOptions.NONE).get();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode send(String method, String path, String body, int status) throws Exception {
        return AdminJson.send(port, method, path, body, status);
    }

    private static JsonNode get(String path, int status) throws Exception {
        return send("GET", path, null, status);
    }

    @Test
    void aPartitionsRecordsShowKeyHeadersAndValueAsJsonTextOrHex() throws Exception {
        JsonNode page = get("/api/v1/topics/orders/partitions/2/records?offset=0", 200);

        assertThat(page.get("startOffset").asLong()).isZero();
        assertThat(page.get("endOffset").asLong()).isEqualTo(3);
        assertThat(page.get("nextOffset").asLong()).isEqualTo(3);
        JsonNode records = page.get("records");
        assertThat(records).hasSize(3);
        assertThat(records.get(0).get("offset").asLong()).isZero();
        assertThat(records.get(0).get("key").asText()).isEqualTo("k0");
        assertThat(records.get(2).get("keyFormat").asText()).isEqualTo("null");
        assertThat(records.get(2).get("key").isNull()).isTrue();
        assertThat(records.get(0).get("valueFormat").asText()).isEqualTo("json");
        assertThat(records.get(0).get("value").asText()).isEqualTo("{\"id\": 1, \"sum\": 9.5}");
        assertThat(records.get(0).get("headers").toString())
                .isEqualTo("[{\"name\":\"source\",\"type\":\"string\",\"value\":\"shop\"}]");
        assertThat(records.get(1).get("key").asText()).isEqualTo("k1");
        assertThat(records.get(1).get("keyFormat").asText()).isEqualTo("text");
        assertThat(records.get(1).get("valueFormat").asText()).isEqualTo("text");
        assertThat(records.get(2).get("value").asText()).isEqualTo("00ff07");
        assertThat(records.get(2).get("valueFormat").asText()).isEqualTo("hex");
        assertThat(records.get(2).get("valueBytes").asInt()).isEqualTo(3);
    }

    @Test
    void aBrowseStartsAtAnOffsetOrATimeOrShowsTheLastRecords() throws Exception {
        assertThat(get("/api/v1/topics/orders/partitions/2/records?offset=1&limit=1", 200).get("records"))
                .extracting(r -> r.get("offset").asLong()).containsExactly(1L);
        assertThat(get("/api/v1/topics/orders/partitions/2/records?limit=2", 200).get("records"))
                .extracting(r -> r.get("offset").asLong()).containsExactly(1L, 2L);
        assertThat(get("/api/v1/topics/orders/partitions/2/records?timestamp=" + beforeSecondProduce, 200).get("records"))
                .extracting(r -> r.get("offset").asLong()).containsExactly(2L);
        String iso = java.time.Instant.ofEpochMilli(beforeSecondProduce).toString();
        assertThat(get("/api/v1/topics/orders/partitions/2/records?timestamp=" + iso, 200).get("records"))
                .extracting(r -> r.get("offset").asLong()).containsExactly(2L);
        // at the end: nothing yet, and where to look next
        JsonNode atEnd = get("/api/v1/topics/orders/partitions/2/records?offset=3", 200);
        assertThat(atEnd.get("records")).isEmpty();
        assertThat(atEnd.get("nextOffset").asLong()).isEqualTo(3);
        assertThat(get("/api/v1/topics/orders/partitions/0/records", 200).get("records")).isEmpty();
    }

    @Test
    void aQueuesMessageShowsItsProtocolPropertiesByTheirNames() throws Exception {
        JsonNode record = get("/api/v1/topics/billing/partitions/0/records?offset=0", 200).get("records").get(0);

        assertThat(record.get("properties").toString())
                .isEqualTo("{\"message-id\":\"inv-7\",\"content-type\":\"application/json\",\"priority\":\"5\"}");
        assertThat(record.get("headers").toString()).isEqualTo("[{\"name\":\"region\",\"type\":\"int\",\"value\":\"3\"}]");
        assertThat(record.get("valueFormat").asText()).isEqualTo("json");
    }

    @Test
    void badBrowsesAreJsonErrors() throws Exception {
        assertThat(get("/api/v1/topics/nope/partitions/0/records", 404).get("error").asText())
                .isEqualTo("unknown topic 'nope'");
        assertThat(get("/api/v1/topics/orders/partitions/3/records", 404).get("error").asText())
                .isEqualTo("unknown partition 3 of topic 'orders'");
        assertThat(get("/api/v1/topics/orders/partitions/x/records", 404).get("error").asText())
                .isEqualTo("unknown partition x of topic 'orders'");
        assertThat(get("/api/v1/topics/orders/partitions/2/records?offset=4", 400).get("error").asText())
                .isEqualTo("offset must be a whole number from 0 to 3 (the partition's start and end offsets), not '4'");
        assertThat(get("/api/v1/topics/orders/partitions/2/records?offset=-1", 400).get("error").asText())
                .startsWith("offset must be");
        assertThat(get("/api/v1/topics/orders/partitions/2/records?offset=soon", 400).has("error")).isTrue();
        assertThat(get("/api/v1/topics/orders/partitions/2/records?timestamp=yesterday", 400).get("error").asText())
                .startsWith("timestamp must be");
        assertThat(get("/api/v1/topics/orders/partitions/2/records?offset=0&timestamp=0", 400).get("error").asText())
                .isEqualTo("give an offset or a timestamp, not both");
        assertThat(get("/api/v1/topics/orders/partitions/2/records?limit=0", 400).get("error").asText())
                .startsWith("limit must be");
        assertThat(get("/api/v1/topics/orders/partitions/2/records?limit=501", 400).has("error")).isTrue();
        assertThat(get("/api/v1/topics/__consumer_offsets/partitions/0/records", 404).has("error")).isTrue();
    }

    @Test
    void aProducedTestRecordLandsWhereItsKeySendsIt() throws Exception {
        JsonNode produced = send("POST", "/api/v1/topics/scratch/records",
                "{\"key\": \"customer-9\", \"value\": \"{\\\"test\\\": true}\", \"headers\": {\"by\": \"console\"}}", 201);

        int partition = produced.get("partition").asInt();
        // Kafka's default partitioner for the same key
        assertThat(partition).isEqualTo(org.apache.kafka.common.utils.Utils.toPositive(
                org.apache.kafka.common.utils.Utils.murmur2(bytes("customer-9"))) % 3);
        JsonNode record = get("/api/v1/topics/scratch/partitions/" + partition + "/records?offset="
                + produced.get("offset").asLong(), 200).get("records").get(0);
        assertThat(record.get("key").asText()).isEqualTo("customer-9");
        assertThat(record.get("value").asText()).isEqualTo("{\"test\": true}");
        assertThat(record.get("headers").get(0).get("name").asText()).isEqualTo("by");

        JsonNode pinned = send("POST", "/api/v1/topics/scratch/records", "{\"value\": \"v\", \"partition\": 0}", 201);
        assertThat(pinned.get("partition").asInt()).isZero();
        assertThat(gateway.engine().partition(new org.apache.kafka.common.TopicPartition("scratch", 0)).highWatermark())
                .isEqualTo(pinned.get("offset").asLong() + 1);
    }

    @Test
    void badProducesAreJsonErrors() throws Exception {
        assertThat(send("POST", "/api/v1/topics/nope/records", "{\"value\": \"v\"}", 404).get("error").asText())
                .isEqualTo("unknown topic 'nope'");
        assertThat(send("POST", "/api/v1/topics/scratch/records", "{\"value\": \"v\", \"partition\": 3}", 400)
                .get("error").asText()).startsWith("partition must be a whole number from 0 to 2");
        assertThat(send("POST", "/api/v1/topics/scratch/records", "{\"value\": 5}", 400).get("error").asText())
                .isEqualTo("value must be text or null");
        assertThat(send("POST", "/api/v1/topics/scratch/records", "{\"headers\": {\"a\": 1}}", 400).get("error").asText())
                .isEqualTo("header 'a' must be text or null");
        assertThat(send("POST", "/api/v1/topics/scratch/records", "not json", 400).get("error").asText())
                .startsWith("the body is not JSON");
    }

    @Test
    void aPeekShowsAQueuesMessagesAndTakesNone() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/api/v1/queues/billing", 200).get("available").asLong() == 1);

        JsonNode peeked = get("/api/v1/queues/billing/messages?limit=5", 200);

        JsonNode message = peeked.get("messages").get(0);
        assertThat(message.get("value").asText()).isEqualTo("{\"invoice\": 7}");
        assertThat(message.get("properties").get("message-id").asText()).isEqualTo("inv-7");
        assertThat(message.get("receiveCount").asInt()).isZero();
        JsonNode billing = get("/api/v1/queues/billing", 200);
        assertThat(billing.get("available").asLong()).isEqualTo(1);
        assertThat(billing.get("inFlight").asLong()).isZero();
        // a peeked message is still there for a consumer, delivered for the first time
        var queues = gateway.queueLayer().queues();
        queues.publish("everything", Message.builder().body("peek me").build(), PublishOptions.NONE).get();
        assertThat(get("/api/v1/queues/everything/messages", 200).get("messages").get(0).get("value").asText())
                .isEqualTo("peek me");
        var delivered = queues.receive("everything", "c", 10, 30_000);
        assertThat(delivered).hasSize(1);
        assertThat(delivered.get(0).acquisitions()).isEqualTo(1);
        assertThat(get("/api/v1/queues/everything/messages", 200).get("messages")).isEmpty();
        assertThat(get("/api/v1/queues/nope/messages", 404).get("error").asText()).isEqualTo("unknown queue 'nope'");
        assertThat(get("/api/v1/queues/billing/messages?limit=0", 400).get("error").asText()).startsWith("limit must be");
        assertThat(get("/api/v1/queues/billing/messages?limit=many", 400).has("error")).isTrue();
    }

    @Test
    void queuesShowWhereTheirDeadLettersGoAndWhereTheyComeFrom() throws Exception {
        JsonNode jobs = get("/api/v1/queues/jobs", 200);
        assertThat(jobs.get("deadLetter").get("queues").toString()).isEqualTo("[\"jobs-dlq\"]");
        assertThat(get("/api/v1/queues/jobs-dlq", 200).get("deadLetterSources").toString()).isEqualTo("[\"jobs\"]");
        JsonNode billing = get("/api/v1/queues/billing", 200);
        assertThat(billing.get("deadLetter").get("exchange").asText()).isEqualTo("events");
        assertThat(billing.get("exchanges").toString())
                .isEqualTo("[{\"name\":\"events\",\"type\":\"topic\",\"durable\":true,\"arguments\":{}}]");
    }

    @Test
    void queuesPeekCommandPrintsTheMessages() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/api/v1/queues/billing", 200).get("available").asLong() == 1);
        assertThat(run("queues", "peek", "billing", "--admin", "127.0.0.1:" + port)).isZero();
        assertThat(out.toString()).startsWith("PARTITION").contains("RECEIVES")
                .containsPattern("(?m)^0 +0 +0 +.*\\{\"invoice\": 7\\}$")
                .contains("message-id=inv-7", "content-type=application/json", "region=3");

        out.getBuffer().setLength(0);
        assertThat(run("queues", "peek", "billing", "--limit", "1", "--json", "--admin", "127.0.0.1:" + port)).isZero();
        assertThat(JSON.readTree(out.toString()).get("messages")).hasSize(1);
        assertThat(run("queues", "peek", "nope", "--admin", "127.0.0.1:" + port)).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("trilog: unknown queue 'nope'" + System.lineSeparator());
    }

    @Test
    void theTopicPageShowsRecordsFromAnOffsetAndOffersToProduce() throws Exception {
        String page = Http.get(port, "/console/topics/orders?partition=2&offset=1&limit=1").body();
        assertThat(page).contains("<td class=\"key\"><pre>k1</pre></td>", "<pre>plain text</pre>", "id=\"produce\"",
                "<a id=\"next\" href=\"/console/topics/orders?partition=2&amp;offset=2\">");
        String json = Http.get(port, "/console/topics/orders?partition=2&offset=0&limit=1").body();
        assertThat(json).contains("<pre data-format=\"json\">{\n  &quot;id&quot; : 1,");
        String billing = Http.get(port, "/console/topics/billing").body();
        assertThat(billing).contains("<div><b>content-type</b> application/json</div>", "<div><b>message-id</b> inv-7</div>");
        HttpResponse<String> bad = Http.get(port, "/console/topics/orders?partition=2&offset=99");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("offset must be a whole number from 0 to 3");
    }

    @Test
    void theProduceFormPostsThroughTheApiAndShowsTheRecord() throws Exception {
        HttpResponse<String> posted = Http.send(port, "/console/topics/scratch/records", "POST",
                "key=&value=from+the+form&partition=1&headers=a%3A+b%0D%0Ac%3Ad");
        assertThat(posted.statusCode()).isEqualTo(303);
        String location = posted.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("/console/topics/scratch?partition=1&offset=");
        String shown = Http.get(port, location).body();
        assertThat(shown).contains("<pre>from the form</pre>", "<b>a</b> <i>string</i> b", "<b>c</b> <i>string</i> d");

        HttpResponse<String> refused = Http.send(port, "/console/topics/scratch/records", "POST", "value=x&partition=9");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("partition must be");
    }

    @Test
    void aFormPostedFromAnotherSiteIsRefused() throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
                        + "/console/topics/scratch/records"))
                .header("Origin", "http://evil.example").POST(java.net.http.HttpRequest.BodyPublishers.ofString("value=x"))
                .build();
        long before = gateway.engine().partition(new org.apache.kafka.common.TopicPartition("scratch", 0)).highWatermark();
        HttpResponse<String> refused = java.net.http.HttpClient.newHttpClient().send(request,
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(403);
        var api = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
                        + "/api/v1/topics/scratch/records"))
                .header("Sec-Fetch-Site", "cross-site").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
                .build();
        assertThat(java.net.http.HttpClient.newHttpClient().send(api, HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(403);
        assertThat(gateway.engine().partition(new org.apache.kafka.common.TopicPartition("scratch", 0)).highWatermark())
                .isEqualTo(before);
    }

    @Test
    void theQueuePageShowsPeekedMessagesAndDeadLetters() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/api/v1/queues/billing", 200).get("available").asLong() == 1);
        String billing = Http.get(port, "/console/queues/billing").body();
        assertThat(billing).contains("<h2>Available messages</h2>", "<div><b>message-id</b> inv-7</div>",
                "to exchange events", "<td>events</td><td>topic</td><td>true</td>");
        assertThat(Http.get(port, "/console/queues/jobs").body()).contains("<a href=\"/console/queues/jobs-dlq\">jobs-dlq</a>");
        assertThat(Http.get(port, "/console/queues/jobs-dlq").body())
                .contains("dead letters from: <a href=\"/console/queues/jobs\">jobs</a>");
    }

    private int run(String... args) {
        CommandLine cli = TrilogMain.commandLine(Map.of());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
