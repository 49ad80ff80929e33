package dev.trilog.compat.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trilog.compat.TrilogHarness;
import dev.trilog.compat.sqs.SqsClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * After traffic over Kafka and SQS, {@code /metrics} has the broker's own series with the values
 * that traffic implies (docs/metrics.md): requests per API and action, bytes, connections, the
 * partitions' offsets, a group's lag, a queue's depths and the group commit's fsyncs.
 */
class BrokerMetricsTest {

    @TempDir
    static Path dataDir;
    static TrilogHarness trilog;

    @BeforeAll
    static void start() {
        trilog = TrilogHarness.start(dataDir);
    }

    @AfterAll
    static void stop() {
        trilog.close();
    }

    @Test
    void kafkaTrafficShowsAsRequestsBytesPartitionOffsetsLagAndFsyncs() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, trilog.kafkaBootstrap()))) {
            // flush.messages=1: every acks=all produce waits for a group-commit fsync
            admin.createTopics(List.of(new NewTopic("metered", 1, (short) 1)
                    .configs(Map.of("flush.messages", "1")))).all().get();
        }
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, trilog.kafkaBootstrap());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("metered", "k" + i, "v" + i)).get();
            }
        }
        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, trilog.kafkaBootstrap());
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "laggard");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "4");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of("metered"));
            int read = 0;
            long deadline = System.currentTimeMillis() + 20_000;
            while (read == 0 && System.currentTimeMillis() < deadline) {
                read = consumer.poll(Duration.ofMillis(200)).count();
            }
            assertThat(read).isEqualTo(4);
            consumer.commitSync(); // committed at 4 of 10: a lag of 6
        }

        String text = metrics();
        assertThat(value(text, "trilog_kafka_requests_seconds_count{api=\"Produce\"}")).isGreaterThanOrEqualTo(10);
        assertThat(value(text, "trilog_kafka_requests_seconds_count{api=\"Fetch\"}")).isGreaterThanOrEqualTo(1);
        assertThat(text).contains("trilog_kafka_requests_seconds_bucket{api=\"Produce\"");
        assertThat(value(text, "trilog_kafka_received_bytes_total")).isGreaterThan(10 * 4);
        assertThat(value(text, "trilog_kafka_sent_bytes_total")).isGreaterThan(0);
        assertThat(value(text, "trilog_kafka_connections_opened_total")).isGreaterThanOrEqualTo(2);
        // records, not requests: Kafka's MessagesInPerSec (fetched records are not counted)
        assertThat(value(text, "trilog_kafka_messages_in_total")).isEqualTo(10);
        assertThat(value(text, "trilog_log_start_offset{partition=\"0\",topic=\"metered\"}")).isEqualTo(0);
        assertThat(value(text, "trilog_log_end_offset{partition=\"0\",topic=\"metered\"}")).isEqualTo(10);
        assertThat(value(text, "trilog_log_size_bytes{partition=\"0\",topic=\"metered\"}")).isGreaterThan(0);
        assertThat(value(text, "trilog_log_segments{partition=\"0\",topic=\"metered\"}")).isEqualTo(1);
        assertThat(value(text, "trilog_kafka_group_lag{group=\"laggard\",partition=\"0\",topic=\"metered\"}"))
                .isEqualTo(6);
        assertThat(value(text, "trilog_log_fsync_seconds_count")).isGreaterThanOrEqualTo(1);
        assertThat(value(text, "trilog_log_group_commit_appends_count")).isGreaterThanOrEqualTo(1);
        assertThat(value(text, "trilog_log_group_commit_appends_sum")).isGreaterThanOrEqualTo(10);
    }

    @Test
    void sqsTrafficShowsAsActionsErrorsAndQueueDepths() throws Exception {
        try (SqsClient sqs = SqsClients.sync(trilog)) {
            String url = sqs.createQueue(b -> b.queueName("metered-queue")).queueUrl();
            for (int i = 0; i < 3; i++) {
                int n = i;
                sqs.sendMessage(b -> b.queueUrl(url).messageBody("m" + n));
            }
            // a batch of two, one refused for a character SQS does not allow: one more message in
            var batch = sqs.sendMessageBatch(b -> b.queueUrl(url).entries(
                    e -> e.id("ok").messageBody("m3"), e -> e.id("bad").messageBody("not \u0000 allowed")));
            assertThat(batch.successful()).hasSize(1);
            assertThat(batch.failed()).hasSize(1);
            // one received and held (in flight), three left available
            assertThat(sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(1).visibilityTimeout(300))
                    .messages()).hasSize(1);
            // the client keeps its connection open between calls
            assertThat(value(metrics(), "trilog_sqs_connections")).isGreaterThanOrEqualTo(1);
            try {
                sqs.getQueueUrl(b -> b.queueName("no-such-queue"));
            } catch (QueueDoesNotExistException expected) {
                // counted as an error answer
            }
        }
        String text = metrics();
        assertThat(value(text, "trilog_sqs_requests_seconds_count{action=\"SendMessage\",protocol=\"json\"}"))
                .isEqualTo(3);
        assertThat(value(text, "trilog_sqs_requests_seconds_count{action=\"ReceiveMessage\",protocol=\"json\"}"))
                .isEqualTo(1);
        assertThat(value(text, "trilog_sqs_request_errors_total{action=\"GetQueueUrl\","
                + "code=\"AWS.SimpleQueueService.NonExistentQueue\"}")).isEqualTo(1);
        assertThat(value(text, "trilog_sqs_received_bytes_total")).isGreaterThan(0);
        assertThat(value(text, "trilog_sqs_messages_in_total")).isEqualTo(4);
        assertThat(value(text, "trilog_sqs_messages_out_total")).isEqualTo(1);
        assertThat(value(text, "trilog_queue_messages{queue=\"metered-queue\",state=\"available\"}")).isEqualTo(3);
        assertThat(value(text, "trilog_queue_messages{queue=\"metered-queue\",state=\"in_flight\"}")).isEqualTo(1);
        assertThat(value(text, "trilog_queue_messages{queue=\"metered-queue\",state=\"delayed\"}")).isEqualTo(0);
    }

    private static String metrics() throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + trilog.gateway().listener("admin").boundAddress().getPort()
                + "/metrics");
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** The value of the one series whose name and labels are exactly {@code series}. */
    private static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertThat(m.find()).as("series %s in /metrics:%n%s", series, text.lines()
                .filter(l -> l.startsWith(series.replaceAll("\\{.*", ""))).toList()).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
