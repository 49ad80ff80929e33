package dev.trilog.compat.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.trilog.compat.TrilogHarness;
import dev.trilog.compat.sqs.SqsClients;
import dev.trilog.testsupport.HeadlessChromium;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The console's record, queue and group pages in a real browser (headless Chromium from Debian's
 * packages), after traffic from the real clients: a Kafka record's value, an AMQP 0-9-1 message's
 * properties shown as properties, an SQS message peeked and still received afterwards, a group's
 * offset after a reset. Screenshots go to {@code target/console-screenshots/} for a person to look at.
 */
@Timeout(300)
class ConsoleInBrowserTest {

    @TempDir
    static Path dir;
    static TrilogHarness trilog;
    static String admin;
    static HeadlessChromium chromium;

    @BeforeAll
    static void start() {
        Optional<HeadlessChromium> found = HeadlessChromium.find(dir);
        Assumptions.assumeTrue(found.isPresent(), "no Chromium installed");
        chromium = found.get();
        trilog = TrilogHarness.start(dir.resolve("data"));
        admin = "http://127.0.0.1:" + trilog.gateway().listener("admin").boundAddress().getPort();
    }

    @AfterAll
    static void stop() {
        if (trilog != null) {
            trilog.close();
        }
    }

    private static String page(String path, String screenshot) throws Exception {
        String dom = chromium.dom(admin + path);
        chromium.screenshot(admin + path, Path.of("target", "console-screenshots", screenshot + ".png"));
        return dom;
    }

    private static ConnectionFactory amqp() {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(trilog.amqpPort());
        return factory;
    }

    private static void produce(ProducerRecord<String, String> record) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, trilog.kafkaBootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            producer.send(record).get();
        }
    }

    @Test
    void aKafkaRecordsValueIsShownOnItsTopicsPage() throws Exception {
        produce(new ProducerRecord<>("browsed", 0, "order-17", "{\"total\": 42.5, \"items\": 3}"));

        String dom = page("/console/topics/browsed?partition=0&offset=0", "topic-records");

        assertThat(dom).contains("<td class=\"key\"><pre>order-17</pre></td>")
                .contains("\"total\" : 42.5").contains("<h2>Produce a test record</h2>");
    }

    @Test
    void anAmqpMessagesPropertiesAreShownAsProperties() throws Exception {
        try (Connection connection = amqp().newConnection(); Channel channel = connection.createChannel()) {
            channel.queueDeclare("invoices", true, false, false, null);
            channel.confirmSelect();
            channel.basicPublish("", "invoices", new AMQP.BasicProperties.Builder().contentType("application/json")
                    .messageId("inv-42").correlationId("order-17").priority(7).headers(Map.of("region", 3)).build(),
                    "{\"invoice\": 42}".getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(10_000);
        }

        String queue = page("/console/queues/invoices", "queue-amqp");
        assertThat(queue).contains("<div><b>content-type</b> application/json</div>", "<div><b>message-id</b> inv-42</div>",
                "<div><b>correlation-id</b> order-17</div>", "<div><b>priority</b> 7</div>")
                .contains("<b>region</b> <i>int</i> 3");
        String topic = page("/console/topics/invoices?partition=0&offset=0", "topic-amqp");
        assertThat(topic).contains("<div><b>message-id</b> inv-42</div>").doesNotContain("trilog.message-id");
    }

    @Test
    void aPeekedSqsMessageIsStillReceivedAfterwards() throws Exception {
        try (SqsClient sqs = SqsClients.sync(trilog)) {
            String url = sqs.createQueue(r -> r.queueName("peeked")).queueUrl();
            sqs.sendMessage(r -> r.queueUrl(url).messageBody("look, do not touch").messageAttributes(Map.of("kind",
                    MessageAttributeValue.builder().dataType("String").stringValue("demo").build())));

            String dom = page("/console/queues/peeked", "queue-sqs");
            assertThat(dom).contains("<pre>look, do not touch</pre>", "<b>kind</b> <i>string</i> demo")
                    .contains("<h2>Available messages</h2>");

            List<Message> got = sqs.receiveMessage(r -> r.queueUrl(url).waitTimeSeconds(5)
                    .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages();
            assertThat(got).extracting(Message::body).containsExactly("look, do not touch");
            assertThat(got.get(0).attributes()).containsEntry(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1");
        }
    }

    /**
     * The overview's traffic table after Kafka, SQS and AMQP 0-9-1 traffic, with an AMQP 0-9-1
     * connection still open while the page loads: each protocol used shows messages in (and out,
     * where it counts them), AMQP 1.0, which no test of this class uses, shows zeros, and the chart
     * script has polled {@code /api/v1/traffic}.
     */
    @Test
    void theOverviewShowsTrafficPerProtocol() throws Exception {
        produce(new ProducerRecord<>("counted-kafka", 0, null, "one"));
        try (SqsClient sqs = SqsClients.sync(trilog)) {
            String url = sqs.createQueue(r -> r.queueName("counted")).queueUrl();
            sqs.sendMessage(r -> r.queueUrl(url).messageBody("counted"));
            assertThat(sqs.receiveMessage(r -> r.queueUrl(url).waitTimeSeconds(5)).messages()).hasSize(1);
        }
        try (Connection connection = amqp().newConnection(); Channel channel = connection.createChannel()) {
            channel.queueDeclare("counted-amqp", true, false, false, null);
            channel.confirmSelect();
            channel.basicPublish("", "counted-amqp", null, "counted".getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(10_000);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> channel.basicGet("counted-amqp", true) != null);

            String dom = page("/", "overview-traffic");

            assertThat(dom).containsPattern(row("kafka", "\\d+", "[1-9]\\d*", "–"))
                    .containsPattern(row("sqs", "\\d+", "[1-9]\\d*", "[1-9]\\d*"))
                    .containsPattern(row("amqp-0-9-1", "[1-9]\\d*", "[1-9]\\d*", "\\d+"))
                    .containsPattern(row("amqp-1.0", "0", "0", "0"))
                    .containsPattern("id=\"traffic-in\"[^>]*data-polls=\"[1-9]\\d*\"");
        }
    }

    /** A row of the overview's traffic table: the protocol, its connections, messages in and out. */
    private static String row(String protocol, String connections, String in, String out) {
        return "<tr data-protocol=\"" + java.util.regex.Pattern.quote(protocol) + "\"><td>.*?</td><td class=\"connections\">"
                + connections + "</td><td class=\"in\">" + in + "</td><td class=\"out\">" + out + "</td>";
    }

    @Test
    void aResetGroupsOffsetIsShownOnItsPage() throws Exception {
        for (int i = 0; i < 5; i++) {
            produce(new ProducerRecord<>("ledger", 0, null, "entry " + i));
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, trilog.kafkaBootstrap(), ConsumerConfig.GROUP_ID_CONFIG, "auditors",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            consumer.commitSync(Map.of(new TopicPartition("ledger", 0), new OffsetAndMetadata(4)));
        }
        HttpResponse<String> reset = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(admin + "/api/v1/groups/auditors/reset"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"to\": \"offset\", \"offset\": 1}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(reset.statusCode()).as(reset.body()).isEqualTo(200);

        String dom = page("/console/groups/auditors", "group-reset");

        assertThat(dom).contains("classic group · state Empty · members 0")
                .contains("<td>0</td><td>1</td><td>5</td><td>4</td>").contains("<h2>Reset offsets</h2>");
    }
}
