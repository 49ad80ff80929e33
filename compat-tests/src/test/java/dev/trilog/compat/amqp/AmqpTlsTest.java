package dev.trilog.compat.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.trilog.compat.TrilogHarness;
import dev.trilog.testsupport.TestTls;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AMQP port with TLS ({@code amqp.tls.*}, RabbitMQ's amqps): RabbitMQ's Java client (0-9-1)
 * and Qpid JMS (1.0, {@code amqps://}) trusting the test CA work on it, one reading what the other
 * sent; a client without the CA fails the handshake.
 */
class AmqpTlsTest {

    @TempDir
    Path dir;
    TrilogHarness trilog;
    Path truststore;

    @BeforeEach
    void start() throws Exception {
        TestTls tls = TestTls.writeTo(dir.resolve("tls"));
        trilog = TrilogHarness.start(dir.resolve("data"), "amqp.tls.certificate", tls.certificate().toString(),
                "amqp.tls.private-key", tls.privateKey().toString());
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream in = Files.newInputStream(tls.ca())) {
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        truststore = dir.resolve("truststore.p12");
        try (OutputStream out = Files.newOutputStream(truststore)) {
            store.store(out, "changeit".toCharArray());
        }
    }

    @AfterEach
    void stop() {
        trilog.close();
    }

    private SSLContext trusting() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(truststore)) {
            store.load(in, "changeit".toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private ConnectionFactory rabbit(SSLContext tls) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(trilog.amqpPort());
        factory.setAutomaticRecoveryEnabled(false);
        factory.setConnectionTimeout(10_000);
        if (tls != null) {
            factory.useSslProtocol(tls);
        }
        return factory;
    }

    @Test
    void rabbitmqsJavaClientAndQpidJmsSpeakOverTls() throws Exception {
        try (com.rabbitmq.client.Connection connection = rabbit(trusting()).newConnection()) {
            Channel channel = connection.createChannel();
            channel.queueDeclare("secure", true, false, false, null);
            channel.confirmSelect();
            channel.basicPublish("", "secure", null, "from 0-9-1".getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(30_000);
        }
        JmsConnectionFactory jms = new JmsConnectionFactory("amqps://127.0.0.1:" + trilog.amqpPort()
                + "?transport.trustStoreLocation=" + truststore + "&transport.trustStorePassword=changeit"
                + "&transport.trustStoreType=PKCS12");
        try (Connection connection = jms.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue("secure"));
            jakarta.jms.Message received = consumer.receive(30_000);
            assertThat(received).isNotNull();
            assertThat(new String(received.getBody(byte[].class), StandardCharsets.UTF_8)).isEqualTo("from 0-9-1");
            session.createProducer(session.createQueue("secure")).send(session.createTextMessage("from 1.0"));
        }
        try (com.rabbitmq.client.Connection connection = rabbit(trusting()).newConnection()) {
            GetResponse got = null;
            for (int i = 0; i < 100 && got == null; i++) {
                got = connection.createChannel().basicGet("secure", true);
                if (got == null) {
                    Thread.sleep(100);
                }
            }
            assertThat(got).isNotNull();
            assertThat(new String(got.getBody(), StandardCharsets.UTF_8)).isEqualTo("from 1.0");
        }
    }

    @Test
    void aClientWithoutTheCaOrWithoutTlsGetsNoConnection() {
        assertThatThrownBy(() -> rabbit(SSLContext.getDefault()).newConnection().close())
                .hasRootCauseMessage("unable to find valid certification path to requested target");
        assertThatThrownBy(() -> rabbit(null).newConnection().close()).isInstanceOf(Exception.class);
        assertThat(trilog.gateway().queueLayer().topology().queues()).isEmpty();
    }
}
