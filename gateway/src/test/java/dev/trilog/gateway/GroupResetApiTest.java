package dev.trilog.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trilog.frontend.Frontends;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
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
 * Resetting an empty consumer group's offsets through the admin API, {@code trilog groups reset}
 * and the console's form, refused while the group has members; and the groups list showing share
 * groups beside classic ones.
 */
class GroupResetApiTest {

    @TempDir
    static Path dir;
    static RunningGateway gateway;
    static int port;
    static int kafka;
    static long beforeLastTwo;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void start() throws Exception {
        gateway = Gateway.start(TestConfigs.ephemeral(dir, "group.initial.rebalance.delay.ms", "0"), Frontends.installed());
        port = gateway.listener("admin").boundAddress().getPort();
        kafka = gateway.listener("kafka").boundAddress().getPort();
        gateway.engine().createTopic("events", 2, Map.of());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafka,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            for (int i = 0; i < 4; i++) {
                producer.send(new ProducerRecord<>("events", 0, null, "e" + i)).get();
            }
            Thread.sleep(5);
            beforeLastTwo = System.currentTimeMillis();
            Thread.sleep(5);
            for (int i = 4; i < 6; i++) {
                producer.send(new ProducerRecord<>("events", 0, null, "e" + i)).get();
            }
            producer.send(new ProducerRecord<>("events", 1, null, "other")).get();
        }
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static KafkaConsumer<String, String> consumer(String group) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafka,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
    }

    private static void commit(String group, long offset) {
        try (KafkaConsumer<String, String> consumer = consumer(group)) {
            consumer.commitSync(Map.of(new TopicPartition("events", 0), new OffsetAndMetadata(offset)));
        }
    }

    private static long committed(String group) {
        return gateway.engine().groupOffsets().fetchAll(group).get(new TopicPartition("events", 0)).offset();
    }

    private static JsonNode reset(String group, String body, int status) throws Exception {
        return AdminJson.send(port, "POST", "/api/v1/groups/" + group + "/reset", body, status);
    }

    @Test
    void anEmptyGroupsOffsetsMoveToEachTarget() throws Exception {
        commit("movers", 3);

        JsonNode answer = reset("movers", "{\"to\": \"earliest\"}", 200);
        assertThat(answer.get("partitions").toString())
                .isEqualTo("[{\"topic\":\"events\",\"partition\":0,\"previousOffset\":3,\"offset\":0}]");
        assertThat(committed("movers")).isZero();

        reset("movers", "{\"to\": \"latest\"}", 200);
        assertThat(committed("movers")).isEqualTo(6);
        reset("movers", "{\"to\": \"timestamp\", \"timestamp\": " + beforeLastTwo + "}", 200);
        assertThat(committed("movers")).isEqualTo(4);
        reset("movers", "{\"to\": \"offset\", \"offset\": 2}", 200);
        assertThat(committed("movers")).isEqualTo(2);
        // past the end: moved inside, as kafka-consumer-groups does
        assertThat(reset("movers", "{\"to\": \"offset\", \"offset\": 99}", 200).get("partitions").get(0).get("offset")
                .asLong()).isEqualTo(6);
        JsonNode dry = reset("movers", "{\"to\": \"earliest\", \"dryRun\": true}", 200);
        assertThat(dry.get("partitions").get(0).get("offset").asLong()).isZero();
        assertThat(committed("movers")).isEqualTo(6);
        assertThat(AdminJson.send(port, "GET", "/api/v1/groups/movers", null, 200).get("lag").asLong()).isZero();
    }

    @Test
    void aTopicGivesAGroupOffsetsOnEachOfItsPartitions() throws Exception {
        JsonNode answer = reset("newcomers", "{\"to\": \"earliest\", \"topic\": \"events\"}", 200);

        assertThat(answer.get("partitions")).hasSize(2);
        assertThat(gateway.engine().groupOffsets().fetchAll("newcomers")).hasSize(2);
        assertThat(AdminJson.send(port, "GET", "/api/v1/groups/newcomers", null, 200).get("lag").asLong()).isEqualTo(7);
    }

    @Test
    void aGroupWithMembersIsRefusedAsKafkasToolRefusesIt() throws Exception {
        try (KafkaConsumer<String, String> member = consumer("busy")) {
            member.subscribe(List.of("events"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                member.poll(Duration.ofMillis(100));
                return !member.assignment().isEmpty();
            });
            member.commitSync(Map.of(new TopicPartition("events", 0), new OffsetAndMetadata(2)));
            long before = committed("busy");

            String error = reset("busy", "{\"to\": \"earliest\"}", 409).get("error").asText();

            assertThat(error).startsWith("group 'busy' has 1 member(s) (state Stable)");
            assertThat(committed("busy")).isEqualTo(before);
            JsonNode busy = AdminJson.send(port, "GET", "/api/v1/groups/busy", null, 200);
            assertThat(busy.get("state").asText()).isEqualTo("Stable");
            assertThat(busy.get("members").asInt()).isEqualTo(1);
        }
        // once it left, the same reset goes through
        reset("busy", "{\"to\": \"earliest\"}", 200);
        assertThat(committed("busy")).isZero();
    }

    @Test
    void aConsumerProtocolGroupWithMembersIsRefusedToo() throws Exception {
        Map<String, Object> config = new java.util.HashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                "127.0.0.1:" + kafka, ConsumerConfig.GROUP_ID_CONFIG, "kip848",
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
        try (KafkaConsumer<String, String> member = new KafkaConsumer<>(config)) {
            member.subscribe(List.of("events"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                member.poll(Duration.ofMillis(100));
                return !member.assignment().isEmpty();
            });
            member.commitSync(Map.of(new TopicPartition("events", 0), new OffsetAndMetadata(2)));

            assertThat(reset("kip848", "{\"to\": \"earliest\"}", 409).get("error").asText())
                    .startsWith("group 'kip848' has 1 member(s)");
            JsonNode group = AdminJson.send(port, "GET", "/api/v1/groups/kip848", null, 200);
            assertThat(group.get("type").asText()).isEqualTo("consumer");
            assertThat(group.get("members").asInt()).isEqualTo(1);
            assertThat(committed("kip848")).isEqualTo(2);
        }
    }

    @Test
    void badResetsAreJsonErrors() throws Exception {
        commit("checked", 1);
        assertThat(reset("checked", "{\"to\": \"yesterday\"}", 400).get("error").asText())
                .isEqualTo("to must be earliest, latest, timestamp or offset, not 'yesterday'");
        assertThat(reset("checked", "{\"to\": \"offset\", \"offset\": -1}", 400).get("error").asText())
                .startsWith("offset must be a whole number");
        assertThat(reset("checked", "{\"to\": \"offset\"}", 400).has("error")).isTrue();
        assertThat(reset("checked", "{\"to\": \"timestamp\", \"timestamp\": \"soon\"}", 400).get("error").asText())
                .startsWith("timestamp must be");
        assertThat(reset("checked", "{}", 400).has("error")).isTrue();
        assertThat(reset("checked", "nope", 400).get("error").asText()).startsWith("the body is not JSON");
        assertThat(reset("checked", "{\"to\": \"earliest\", \"topic\": \"nope\"}", 404).get("error").asText())
                .isEqualTo("unknown topic 'nope'");
        assertThat(reset("ghost", "{\"to\": \"earliest\"}", 404).get("error").asText()).startsWith("unknown group 'ghost'");
        assertThat(AdminJson.send(port, "GET", "/api/v1/groups/ghost", null, 404).get("error").asText())
                .startsWith("unknown group 'ghost'");
        assertThat(committed("checked")).isEqualTo(1);
    }

    @Test
    void groupsResetCommandTakesKafkasOptionNames() throws Exception {
        commit("cli-group", 5);
        assertThat(run("groups", "reset", "cli-group", "--to-earliest", "--admin", "127.0.0.1:" + port)).isZero();
        assertThat(out.toString()).startsWith("TOPIC").containsPattern("(?m)^events +0 +5 +0$").contains("Committed");
        assertThat(committed("cli-group")).isZero();

        out.getBuffer().setLength(0);
        assertThat(run("groups", "reset", "cli-group", "--to-datetime",
                java.time.Instant.ofEpochMilli(beforeLastTwo).toString(), "--topic", "events", "--dry-run",
                "--admin", "127.0.0.1:" + port)).isZero();
        assertThat(out.toString()).containsPattern("(?m)^events +0 +0 +4$").contains("Dry run: nothing committed");
        assertThat(committed("cli-group")).isZero();

        assertThat(run("groups", "reset", "cli-group", "--to-offset", "3", "--admin", "127.0.0.1:" + port)).isZero();
        assertThat(committed("cli-group")).isEqualTo(3);
        assertThat(run("groups", "reset", "cli-group", "--to-latest", "--json", "--admin", "127.0.0.1:" + port)).isZero();
        assertThat(committed("cli-group")).isEqualTo(6);

        assertThat(run("groups", "reset", "cli-group", "--admin", "127.0.0.1:" + port)).isEqualTo(2);
        assertThat(run("groups", "reset", "cli-group", "--to-earliest", "--to-latest", "--admin", "127.0.0.1:" + port))
                .isEqualTo(2);
        err.getBuffer().setLength(0);
        assertThat(run("groups", "reset", "ghost", "--to-earliest", "--admin", "127.0.0.1:" + port)).isEqualTo(1);
        assertThat(err.toString()).startsWith("trilog: unknown group 'ghost'");
    }

    @Test
    void theGroupPageResetsThroughItsForm() throws Exception {
        commit("form-group", 4);
        String page = Http.get(port, "/console/groups/form-group").body();
        assertThat(page).contains("classic group · state Empty · members 0", "id=\"reset\"");

        HttpResponse<String> posted = Http.send(port, "/console/groups/form-group/reset", "POST", "to=earliest&offset=&topic=");
        assertThat(posted.statusCode()).isEqualTo(303);
        assertThat(posted.headers().firstValue("Location")).contains("/console/groups/form-group");
        assertThat(committed("form-group")).isZero();
        assertThat(Http.get(port, "/console/groups/form-group").body()).contains("<td>0</td><td>0</td><td>6</td><td>6</td>");

        HttpResponse<String> bad = Http.send(port, "/console/groups/form-group/reset", "POST", "to=offset&offset=x");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("offset must be a whole number");
    }

    @Test
    void shareGroupsAreListedBesideClassicGroups() throws Exception {
        commit("classic-one", 1);
        try (KafkaShareConsumer<String, String> share = new KafkaShareConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafka, ConsumerConfig.GROUP_ID_CONFIG, "sharers"),
                new StringDeserializer(), new StringDeserializer())) {
            share.subscribe(List.of("events"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                share.poll(Duration.ofMillis(200));
                return AdminJson.send(port, "GET", "/api/v1/groups", null, 200).get("groups").toString()
                        .contains("{\"name\":\"sharers\",\"type\":\"share\",\"state\":\"Stable\",\"members\":1");
            });
            String overview = Http.get(port, "/").body();
            assertThat(overview).contains("<a href=\"/console/groups/sharers\">sharers</a></td><td>share</td><td>Stable</td>"
                    + "<td>1</td>");
            assertThat(Http.get(port, "/console/groups/sharers").body()).contains("share group · state Stable · members 1")
                    .doesNotContain("id=\"reset\"");
            assertThat(run("groups", "list", "--admin", "127.0.0.1:" + port)).isZero();
            assertThat(out.toString()).containsPattern("(?m)^sharers +share +Stable +1 +0 +0$")
                    .containsPattern("(?m)^classic-one +classic +Empty +0 +1 +5$");
        }
    }

    private int run(String... args) {
        CommandLine cli = TrilogMain.commandLine(Map.of());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
