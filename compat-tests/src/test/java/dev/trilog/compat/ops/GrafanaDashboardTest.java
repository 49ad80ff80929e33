package dev.trilog.compat.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.trilog.compat.TrilogHarness;
import dev.trilog.compat.kafka.KafkaClients;
import dev.trilog.compat.sqs.SqsClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jakarta.jms.Session;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * docs/grafana/trilog-dashboard.json asks Prometheus only for series the gateway serves: after
 * traffic over every protocol, each metric a panel's query names is in {@code /metrics}, and
 * documented in docs/metrics.md. A renamed metric breaks this test, not a user's dashboard.
 */
class GrafanaDashboardTest {

    private static final Path DASHBOARD = Path.of("..", "docs", "grafana", "trilog-dashboard.json");
    private static final Path METRICS_DOC = Path.of("..", "docs", "metrics.md");
    private static final Pattern METRIC = Pattern.compile("\\b(?:trilog|jvm|process|system)_[a-z0-9_]+");

    @TempDir
    Path dataDir;

    @Test
    void everySeriesTheDashboardQueriesIsServedAndDocumented() throws Exception {
        Set<String> queried = metricsQueried();
        assertThat(queried).hasSizeGreaterThan(20);
        try (TrilogHarness trilog = TrilogHarness.start(dataDir)) {
            kafkaTraffic(trilog);
            sqsTraffic(trilog);
            amqp091Traffic(trilog);
            amqp10Traffic(trilog);

            URI metrics = URI.create("http://127.0.0.1:" + trilog.gateway().listener("admin").boundAddress().getPort()
                    + "/metrics");
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                Set<String> served = seriesIn(HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                assertThat(served).as("series in /metrics").containsAll(queried);
            });
        }
        String documented = Files.readString(METRICS_DOC);
        for (String name : queried) {
            if (name.startsWith("trilog_")) {
                assertThat(documented).as("docs/metrics.md names %s", name).contains(baseName(name));
            }
        }
    }

    /** Every metric name in the panels' queries. */
    private static Set<String> metricsQueried() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        Set<String> names = new TreeSet<>();
        for (JsonNode expr : dashboard.findValues("expr")) {
            Matcher m = METRIC.matcher(expr.asText());
            while (m.find()) {
                names.add(m.group());
            }
        }
        return names;
    }

    /** The series names of a Prometheus text exposition. */
    private static Set<String> seriesIn(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            Matcher m = METRIC.matcher(line);
            if (!line.startsWith("#") && m.lookingAt()) {
                names.add(m.group());
            }
        }
        return names;
    }

    /** The name docs/metrics.md lists: a histogram's, without the suffix Prometheus adds to its series. */
    private static String baseName(String series) {
        return series.replaceAll("_(bucket|count|sum)$", "");
    }

    private static void kafkaTraffic(TrilogHarness trilog) throws Exception {
        try (Admin admin = KafkaClients.admin(trilog.kafkaBootstrap())) {
            admin.createTopics(List.of(new NewTopic("dashboard", 1, (short) 1)
                    .configs(Map.of("flush.messages", "1")))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(),
                Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>("dashboard", "k", "v" + i)).get(30, TimeUnit.SECONDS);
            }
        }
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(trilog.kafkaBootstrap(),
                KafkaClients.groupDefaults("dashboard-group"))) {
            consumer.subscribe(List.of("dashboard"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int read = 0;
            while (read < 3 && System.nanoTime() < deadline) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
            consumer.commitSync(); // a committed offset below the end: lag
        }
    }

    private static void sqsTraffic(TrilogHarness trilog) {
        try (SqsClient sqs = SqsClients.sync(trilog.sqsEndpoint())) {
            String url = sqs.createQueue(b -> b.queueName("dashboard-queue")).queueUrl();
            sqs.sendMessage(b -> b.queueUrl(url).messageBody("one"));
            sqs.sendMessage(b -> b.queueUrl(url).messageBody("two"));
            sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(1));
            try {
                sqs.getQueueUrl(b -> b.queueName("no-such-queue"));
            } catch (QueueDoesNotExistException expected) {
                // an error, counted by code
            }
        }
    }

    private static void amqp091Traffic(TrilogHarness trilog) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(trilog.amqpPort());
        try (com.rabbitmq.client.Connection connection = factory.newConnection();
                Channel channel = connection.createChannel()) {
            channel.queueDeclare("dashboard-091", true, false, false, null);
            channel.confirmSelect();
            channel.basicPublish("", "dashboard-091", null, "hello".getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(10_000);
            GetResponse got = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (got == null && System.nanoTime() < deadline) {
                got = channel.basicGet("dashboard-091", true);
            }
            assertThat(got).isNotNull();
        }
    }

    private static void amqp10Traffic(TrilogHarness trilog) throws Exception {
        try (jakarta.jms.Connection connection = new JmsConnectionFactory(trilog.amqpUri()).createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            jakarta.jms.Queue queue = session.createQueue("dashboard-10");
            session.createProducer(queue).send(session.createTextMessage("hello"));
            assertThat(session.createConsumer(queue).receive(10_000)).isNotNull();
        }
    }
}
