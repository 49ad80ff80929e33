package dev.trilog.compat.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.SaslConfig;
import com.rabbitmq.client.SaslMechanism;
import dev.trilog.compat.TrilogHarness;
import dev.trilog.frontend.auth.PermissionStore;
import dev.trilog.frontend.auth.ScramMechanism;
import dev.trilog.frontend.auth.UserStore;
import dev.trilog.frontend.auth.VhostPermissions;
import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code amqp.auth=users}: one user, one password, both AMQP versions — RabbitMQ's Java client
 * (0-9-1, PLAIN and AMQPLAIN) and Qpid JMS (1.0, SASL PLAIN) log in with the user store's password,
 * and a wrong one gets each protocol's own refusal.
 */
class AmqpLoginTest {

    @TempDir
    Path dir;
    TrilogHarness trilog;

    @BeforeEach
    void start() throws IOException {
        trilog = TrilogHarness.start(dir.resolve("data"), "amqp.auth", "users");
        UserStore.open(trilog.gateway().engine()).setPassword("alice", "alice-secret",
                EnumSet.of(ScramMechanism.SCRAM_SHA_512), ScramMechanism.MIN_ITERATIONS);
        PermissionStore.open(trilog.gateway().engine()).set("alice", "/", VhostPermissions.ALL);
    }

    @AfterEach
    void stop() {
        trilog.close();
    }

    private ConnectionFactory rabbit(String user, String password) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(trilog.amqpPort());
        factory.setAutomaticRecoveryEnabled(false);
        factory.setConnectionTimeout(10_000);
        factory.setUsername(user);
        factory.setPassword(password);
        return factory;
    }

    private JmsConnectionFactory jms() {
        return new JmsConnectionFactory("amqp://127.0.0.1:" + trilog.amqpPort());
    }

    @Test
    void theRightPasswordWorksOverBothVersionsOnOneQueue() throws Exception {
        try (com.rabbitmq.client.Connection connection = rabbit("alice", "alice-secret").newConnection()) {
            Channel channel = connection.createChannel();
            channel.queueDeclare("logged-in", true, false, false, null);
            channel.confirmSelect();
            channel.basicPublish("", "logged-in", null, "from 0-9-1".getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(30_000);
        }
        try (Connection connection = jms().createConnection("alice", "alice-secret")) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue("logged-in"));
            jakarta.jms.Message received = consumer.receive(30_000);
            assertThat(received).isNotNull();
            assertThat(new String(received.getBody(byte[].class), StandardCharsets.UTF_8)).isEqualTo("from 0-9-1");
            session.createProducer(session.createQueue("logged-in")).send(session.createTextMessage("from 1.0"));
        }
        ConnectionFactory amqplain = rabbit("alice", "alice-secret");
        amqplain.setSaslConfig(AMQPLAIN);
        try (com.rabbitmq.client.Connection connection = amqplain.newConnection()) {
            GetResponse got = null;
            for (int i = 0; i < 100 && got == null; i++) {
                got = connection.createChannel().basicGet("logged-in", true);
                if (got == null) {
                    Thread.sleep(100);
                }
            }
            assertThat(got).isNotNull();
            assertThat(new String(got.getBody(), StandardCharsets.UTF_8)).isEqualTo("from 1.0");
        }
    }

    @Test
    void aWrongPasswordOrAnUnknownUserGetsEachProtocolsRefusal() {
        assertThatThrownBy(() -> rabbit("alice", "wrong").newConnection().close())
                .isInstanceOf(AuthenticationFailureException.class)
                .hasMessageContaining("ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN");
        assertThatThrownBy(() -> rabbit("mallory", "alice-secret").newConnection().close())
                .isInstanceOf(AuthenticationFailureException.class);
        ConnectionFactory amqplain = rabbit("alice", "wrong");
        amqplain.setSaslConfig(AMQPLAIN);
        assertThatThrownBy(() -> amqplain.newConnection().close()).isInstanceOf(AuthenticationFailureException.class)
                .hasMessageContaining("mechanism AMQPLAIN");
        assertThatThrownBy(() -> jms().createConnection("alice", "wrong").start())
                .isInstanceOf(JMSSecurityException.class);
        assertThatThrownBy(() -> jms().createConnection("mallory", "alice-secret").start())
                .isInstanceOf(JMSSecurityException.class);
        // no credentials: ANONYMOUS is not offered while logins are checked
        assertThatThrownBy(() -> jms().createConnection().start()).isInstanceOf(JMSSecurityException.class);
        assertThat(trilog.gateway().queueLayer().topology().queues()).isEmpty();
        assertThat(trilog.gateway().metrics().scrape())
                .contains("trilog_amqp_logins_total{protocol=\"amqp-0-9-1\",result=\"refused\"} 3.0")
                .contains("trilog_amqp_logins_total{protocol=\"amqp-1.0\",result=\"refused\"} 2.0");
    }

    /**
     * The C proton engine (python-qpid-proton), which may send its AMQP header right behind
     * sasl-init: the right password sends, a wrong one is refused. Skipped without the package.
     */
    @Test
    void pythonProtonLogsInWithPlain() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                java.nio.file.Files.isDirectory(Path.of("/usr/lib/python3/dist-packages/proton")),
                "python3-qpid-proton is not installed");
        assertThat(pythonSend("alice-secret")).startsWith("sent");
        assertThat(pythonSend("wrong")).startsWith("refused").contains("unauthorized-access");
        assertThat(trilog.gateway().queueLayer().topology().queue("py-login")).isPresent();
    }

    private String pythonSend(String password) throws Exception {
        String script = String.join("\n",
                "import sys",
                "from proton import Message",
                "from proton.utils import BlockingConnection",
                "try:",
                "    c = BlockingConnection(sys.argv[1], timeout=20, user='alice', password=sys.argv[2],",
                "                           allowed_mechs='PLAIN', allow_insecure_mechs=True)",
                "    c.create_sender('/queue/py-login').send(Message(body='hi'))",
                "    c.close()",
                "    print('sent')",
                "except Exception as e:",
                "    print('refused', type(e).__name__, e)");
        Process process = new ProcessBuilder("/usr/bin/python3", "-c", script, "amqp://127.0.0.1:" + trilog.amqpPort(),
                password).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return output;
    }

    /** AMQPLAIN as RabbitMQ defines it: a field table's fields LOGIN and PASSWORD, without the table's length. */
    private static final SaslConfig AMQPLAIN = mechanisms -> new SaslMechanism() {
        @Override
        public String getName() {
            return "AMQPLAIN";
        }

        @Override
        public LongString handleChallenge(LongString challenge, String username, String password) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                for (String[] field : new String[][] {{"LOGIN", username}, {"PASSWORD", password}}) {
                    out.writeByte(field[0].length());
                    out.writeBytes(field[0]);
                    out.writeByte('S');
                    byte[] value = field[1].getBytes(StandardCharsets.UTF_8);
                    out.writeInt(value.length);
                    out.write(value);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return bytesOf(bytes.toByteArray());
        }
    };

    private static LongString bytesOf(byte[] value) {
        return new LongString() {
            @Override
            public long length() {
                return value.length;
            }

            @Override
            public DataInputStream getStream() {
                return new DataInputStream(new ByteArrayInputStream(value));
            }

            @Override
            public byte[] getBytes() {
                return value.clone();
            }

            @Override
            public String toString() {
                return new String(value, StandardCharsets.UTF_8);
            }
        };
    }
}
