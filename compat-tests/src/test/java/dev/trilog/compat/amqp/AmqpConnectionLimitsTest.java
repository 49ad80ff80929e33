package dev.trilog.compat.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.ConnectionFactory;
import dev.trilog.compat.TrilogHarness;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * amqp.max-connections and amqp.max-connections-per-ip with real clients of both versions (issue
 * 18: nothing but the open-files limit capped how many connections the AMQP port held). A
 * connection over a limit is closed as soon as it is accepted, before its protocol header.
 */
class AmqpConnectionLimitsTest {

    @TempDir
    Path dataDir;

    @Test
    void aConnectionOverMaxConnectionsIsClosedAndOneFitsAgainOnceAnotherCloses() throws Exception {
        try (TrilogHarness trilog = TrilogHarness.start(dataDir, "amqp.max-connections", "2")) {
            assertLimitHolds(trilog, "amqp.max-connections");
        }
    }

    @Test
    void aConnectionOverMaxConnectionsPerIpIsClosedAndOneFitsAgainOnceAnotherCloses() throws Exception {
        try (TrilogHarness trilog = TrilogHarness.start(dataDir, "amqp.max-connections-per-ip", "2")) {
            assertLimitHolds(trilog, "amqp.max-connections-per-ip");
        }
    }

    /** Two connections (one per AMQP version) fill the limit of 2; a third is refused until one closes. */
    private static void assertLimitHolds(TrilogHarness trilog, String limitKey) throws Exception {
        ConnectionFactory rabbit = new ConnectionFactory();
        rabbit.setHost("127.0.0.1");
        rabbit.setPort(trilog.amqpPort());
        JmsConnectionFactory qpid = new JmsConnectionFactory(trilog.amqpUri());
        try (com.rabbitmq.client.Connection amqp091 = rabbit.newConnection()) {
            Connection amqp10 = qpid.createConnection();
            amqp10.start();
            try {
                // the third is closed on arrival: the socket reads end-of-stream without a byte
                try (Socket third = new Socket("127.0.0.1", trilog.amqpPort())) {
                    third.setSoTimeout(30_000);
                    InputStream in = third.getInputStream();
                    assertThat(in.read()).isEqualTo(-1);
                }
                assertThatThrownBy(() -> qpid.createConnection().start()).isInstanceOf(JMSException.class);
                assertThat(metrics(trilog)).containsPattern(
                        "trilog_amqp_connections_limited_total\\{limit=\"" + limitKey.replace(".", "\\.") + "\"} [1-9]");
            } finally {
                amqp10.close();
            }
            // the closed connection's place is free again (released when the server sees the close)
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .untilAsserted(() -> {
                        Connection again = qpid.createConnection();
                        try {
                            again.start();
                            assertThat(again.createSession().createQueue("limits")).isNotNull();
                        } finally {
                            again.close();
                        }
                    });
            assertThat(amqp091.isOpen()).isTrue();
        }
    }

    private static String metrics(TrilogHarness trilog) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + trilog.gateway().listener("admin").boundAddress().getPort()
                + "/metrics");
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
