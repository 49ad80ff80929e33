package dev.trilog.compat.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trilog.compat.TrilogHarness;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.apache.qpid.proton.amqp.transport.Close;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What /metrics says about port 5672, and idle time-outs both ways. */
class AmqpMetricsAndIdleTest {

    @TempDir
    static Path dataDir;
    static TrilogHarness trilog;

    @BeforeAll
    static void start() {
        trilog = TrilogHarness.start(dataDir, "amqp.idle-timeout-ms", "1500");
    }

    @AfterAll
    static void stop() {
        trilog.close();
    }

    private static String metrics() throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + trilog.gateway().listener("admin").boundAddress().getPort()
                + "/metrics");
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void metricsCountConnectionsLinksMessagesAndOutcomes() throws Exception {
        JmsConnectionFactory factory = new JmsConnectionFactory(trilog.amqpUri());
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            Queue queue = session.createQueue("metered");
            session.createProducer(queue).send(session.createTextMessage("counted"));
            Message m = session.createConsumer(queue).receive(10_000);
            m.acknowledge();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                String text = metrics();
                assertThat(text).contains("trilog_amqp_connections{protocol=\"amqp-1.0\"} 1.0");
                assertThat(text).contains("trilog_amqp_links{protocol=\"amqp-1.0\",role=\"receiver\"} 1.0");
                assertThat(text).containsPattern("trilog_amqp_messages_in_total\\{protocol=\"amqp-1.0\"\\} [1-9]");
                assertThat(text).containsPattern("trilog_amqp_messages_out_total\\{protocol=\"amqp-1.0\"\\} [1-9]");
                assertThat(text).containsPattern("trilog_amqp_outcomes_total\\{outcome=\"accepted\",protocol=\"amqp-1.0\","
                        + "side=\"consumer\"\\} [1-9]");
                assertThat(text).containsPattern("trilog_amqp_outcomes_total\\{outcome=\"accepted\",protocol=\"amqp-1.0\","
                        + "side=\"publisher\"\\} [1-9]");
            });
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(metrics()).contains("trilog_amqp_connections{protocol=\"amqp-1.0\"} 0.0"));
    }

    @Test
    void aSilentConnectionIsClosedAfterTheIdleTimeOut() throws Exception {
        try (RawAmqpConnection raw = new RawAmqpConnection(trilog.amqpPort())) {
            raw.write(RawAmqpConnection.AMQP_HEADER, raw.open());
            raw.readHeader();
            long start = System.nanoTime();
            Close close = raw.readUntil(Close.class, new ArrayList<>()); // and then nothing from us
            assertThat(close).isNotNull();
            assertThat(close.getError().getCondition().toString()).isEqualTo("amqp:resource-limit-exceeded");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(1000))
                    .isLessThan(Duration.ofSeconds(6));
        }
    }

    @Test
    void aClientThatKeepsToTheIdleTimeOutStaysConnected() throws Exception {
        JmsConnectionFactory factory = new JmsConnectionFactory(trilog.amqpUri());
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Thread.sleep(4_000); // well past 1.5 s: Qpid JMS sends empty frames at half our time-out
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = session.createQueue("idle-but-alive");
            session.createProducer(queue).send(session.createTextMessage("alive"));
            assertThat(session.createConsumer(queue).receive(10_000)).isNotNull();
        }
    }
}
