package dev.trilog.compat.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.amqp.AmqpException;
import com.rabbitmq.client.amqp.Environment;
import com.rabbitmq.client.amqp.Management;
import com.rabbitmq.client.amqp.impl.AmqpEnvironmentBuilder;
import dev.trilog.compat.TrilogHarness;
import dev.trilog.frontend.auth.PermissionStore;
import dev.trilog.frontend.auth.ScramMechanism;
import dev.trilog.frontend.auth.UserStore;
import dev.trilog.frontend.auth.VhostPermissions;
import dev.trilog.frontend.auth.VhostStore;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Session;
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
 * {@code amqp.auth=users} with RabbitMQ's permission model: configure, write and read regular
 * expressions per user and vhost, checked over AMQP 0-9-1 (RabbitMQ's Java client), AMQP
 * 1.0 links (Qpid JMS) and the AMQP 1.0 management node (RabbitMQ's AMQP 1.0 client), each refusal
 * in RabbitMQ's words, and nothing changed by a refused request.
 */
class AmqpPermissionsTest {

    @TempDir
    Path dir;
    TrilogHarness trilog;
    PermissionStore permissions;

    @BeforeEach
    void start() throws IOException {
        trilog = TrilogHarness.start(dir.resolve("data"), "amqp.auth", "users");
        UserStore users = UserStore.open(trilog.gateway().engine());
        permissions = PermissionStore.open(trilog.gateway().engine());
        for (String user : new String[] {"admin", "bob", "nobody"}) {
            users.setPassword(user, user + "-secret", EnumSet.of(ScramMechanism.SCRAM_SHA_256), ScramMechanism.MIN_ITERATIONS);
        }
        permissions.set("admin", "/", VhostPermissions.ALL);
        // bob: his own queues and exchanges; publishes through the default exchange and his own
        permissions.set("bob", "/", new VhostPermissions("^bob\\.", "^(amq\\.default|bob\\..*)$", "^bob\\."));
    }

    @AfterEach
    void stop() {
        trilog.close();
    }

    private com.rabbitmq.client.Connection rabbit(String user) throws Exception {
        return rabbit(user, "/");
    }

    private com.rabbitmq.client.Connection rabbit(String user, String vhost) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setVirtualHost(vhost);
        factory.setHost("127.0.0.1");
        factory.setPort(trilog.amqpPort());
        factory.setAutomaticRecoveryEnabled(false);
        factory.setUsername(user);
        factory.setPassword(user + "-secret");
        return factory.newConnection();
    }

    private jakarta.jms.Connection jms(String user) throws Exception {
        return jms(user, "/");
    }

    private jakarta.jms.Connection jms(String user, String vhost) throws Exception {
        jakarta.jms.Connection connection = new JmsConnectionFactory(trilog.amqpUri("amqp.vhost=vhost:" + vhost))
                .createConnection(user, user + "-secret");
        connection.start();
        return connection;
    }

    @Test
    void aUserWithoutPermissionsLogsInButMayNotOpenTheVhost() {
        assertThatThrownBy(() -> rabbit("nobody").close()).isInstanceOf(IOException.class).rootCause()
                .hasMessageContaining("NOT_ALLOWED - access to vhost '/' refused for user 'nobody'");
        assertThatThrownBy(() -> jms("nobody").close()).isInstanceOf(JMSSecurityException.class)
                .hasMessageContaining("access to vhost '/' refused for user 'nobody'");
    }

    @Test
    void zeroNineOneChecksConfigureWriteAndReadAsRabbitMqDoes() throws Exception {
        try (com.rabbitmq.client.Connection admin = rabbit("admin")) {
            Channel channel = admin.createChannel();
            channel.queueDeclare("other.q", true, false, false, null);
            channel.basicPublish("", "other.q", null, "not bob's".getBytes(StandardCharsets.UTF_8));
        }
        try (com.rabbitmq.client.Connection bob = rabbit("bob")) {
            Channel channel = bob.createChannel();
            channel.queueDeclare("bob.q", true, false, false, null);
            channel.confirmSelect();
            channel.basicPublish("", "bob.q", null, "mine".getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(30_000);
            assertThat(new String(getWithin(channel, "bob.q").getBody(), StandardCharsets.UTF_8)).isEqualTo("mine");

            assertThatThrownBy(() -> bob.createChannel().queueDeclare("other.new", true, false, false, null))
                    .isInstanceOf(IOException.class).rootCause().hasMessageContaining(
                            "ACCESS_REFUSED - configure access to queue 'other.new' in vhost '/' refused for user 'bob'");
            assertThatThrownBy(() -> bob.createChannel().basicGet("other.q", false))
                    .isInstanceOf(IOException.class).rootCause().hasMessageContaining(
                            "ACCESS_REFUSED - read access to queue 'other.q' in vhost '/' refused for user 'bob'");
            assertThatThrownBy(() -> bob.createChannel().queueBind("bob.q", "amq.topic", "#"))
                    .isInstanceOf(IOException.class).rootCause().hasMessageContaining(
                            "read access to exchange 'amq.topic' in vhost '/' refused for user 'bob'");
            // a dead-letter or alternate exchange is one the declarer must be able to publish to
            assertThatThrownBy(() -> bob.createChannel().queueDeclare("bob.dlx", true, false, false,
                    java.util.Map.of("x-dead-letter-exchange", "amq.fanout")))
                    .isInstanceOf(IOException.class).rootCause().hasMessageContaining(
                            "write access to exchange 'amq.fanout' in vhost '/' refused for user 'bob'");
            assertThatThrownBy(() -> bob.createChannel().exchangeDeclare("bob.x", "direct", true, false,
                    java.util.Map.of("alternate-exchange", "amq.fanout")))
                    .isInstanceOf(IOException.class).rootCause().hasMessageContaining(
                            "write access to exchange 'amq.fanout' in vhost '/' refused for user 'bob'");
            assertThatThrownBy(() -> bob.createChannel().queueDelete("other.q"))
                    .isInstanceOf(IOException.class).rootCause().hasMessageContaining(
                            "configure access to queue 'other.q' in vhost '/' refused for user 'bob'");
            Channel publisher = bob.createChannel();
            publisher.confirmSelect();
            publisher.basicPublish("amq.fanout", "", null, "nowhere".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> publisher.waitForConfirmsOrDie(30_000)).rootCause().hasMessageContaining(
                    "write access to exchange 'amq.fanout' in vhost '/' refused for user 'bob'");
        }
        // nothing a refusal touched changed: other.q is there with its one message, other.new is not
        assertThat(trilog.gateway().queueLayer().topology().queue("other.new")).isEmpty();
        assertThat(trilog.gateway().queueLayer().topology().queue("bob.dlx")).isEmpty();
        assertThat(trilog.gateway().queueLayer().topology().exchange("bob.x")).isEmpty();
        assertThat(trilog.gateway().queueLayer().queues().counts("other.q").available()).isEqualTo(1);
    }

    @Test
    void permissionsAreKeptPerVhost() throws Exception {
        VhostStore.open(trilog.gateway().engine()).add("dev");
        permissions.set("nobody", "dev", VhostPermissions.ALL); // nothing in '/', everything in dev
        permissions.set("bob", "dev", new VhostPermissions("^dev\\.", ".*", ".*"));
        try (com.rabbitmq.client.Connection nobody = rabbit("nobody", "dev")) {
            nobody.createChannel().queueDeclare("anything", true, false, false, null);
        }
        try (jakarta.jms.Connection nobody = jms("nobody", "dev")) {
            Session session = nobody.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createProducer(session.createQueue("/queues/anything")).send(session.createTextMessage("x"));
        }
        assertThatThrownBy(() -> rabbit("nobody", "/").close()).isInstanceOf(IOException.class).rootCause()
                .hasMessageContaining("NOT_ALLOWED - access to vhost '/' refused for user 'nobody'");
        try (com.rabbitmq.client.Connection bob = rabbit("bob", "dev")) {
            bob.createChannel().queueDeclare("dev.q", true, false, false, null);
            // bob's '/' grant (^bob\.) does not carry over into dev
            assertThatThrownBy(() -> bob.createChannel().queueDeclare("bob.q", true, false, false, null))
                    .isInstanceOf(IOException.class).rootCause().hasMessageContaining(
                            "ACCESS_REFUSED - configure access to queue 'bob.q' in vhost 'dev' refused for user 'bob'");
        }
        try (jakarta.jms.Connection bob = jms("bob", "dev")) {
            Session session = bob.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertThatThrownBy(() -> session.createProducer(session.createQueue("/queue/bob.jms")))
                    .isInstanceOf(JMSSecurityException.class)
                    .hasMessageContaining("configure access to queue 'bob.jms' in vhost 'dev' refused for user 'bob'");
        }
        assertThat(trilog.gateway().queueLayer().topology().queue("vhost.dev.anything")).isPresent();
        assertThat(trilog.gateway().queueLayer().topology().queue("anything")).isEmpty();
        assertThat(trilog.gateway().queueLayer().topology().queue("vhost.dev.bob.q")).isEmpty();
    }

    @Test
    void aChangeAppliesToConnectionsOpenedAfterIt() throws Exception {
        try (com.rabbitmq.client.Connection before = rabbit("bob")) {
            permissions.clear("bob", "/");
            before.createChannel().queueDeclare("bob.kept", true, false, false, null); // granted at its open
            assertThatThrownBy(() -> rabbit("bob").close()).isInstanceOf(IOException.class).rootCause()
                    .hasMessageContaining("access to vhost '/' refused for user 'bob'");
        }
    }

    @Test
    void amqpOneChecksLinksAsRabbitMqFourDoes() throws Exception {
        try (jakarta.jms.Connection admin = jms("admin")) {
            Session session = admin.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createProducer(session.createQueue("/queue/other.q")).send(session.createTextMessage("x"));
        }
        try (jakarta.jms.Connection bob = jms("bob")) {
            Session session = bob.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createProducer(session.createQueue("/queue/bob.jms")).send(session.createTextMessage("mine"));
            assertThat(session.createConsumer(session.createQueue("/queues/bob.jms")).receive(30_000)).isNotNull();

            assertThatThrownBy(() -> session.createConsumer(session.createQueue("/queues/other.q")))
                    .isInstanceOf(JMSSecurityException.class)
                    .hasMessageContaining("read access to queue 'other.q' in vhost '/' refused for user 'bob'");
            assertThatThrownBy(() -> session.createProducer(session.createQueue("/exchanges/amq.topic/k")))
                    .isInstanceOf(JMSSecurityException.class)
                    .hasMessageContaining("write access to exchange 'amq.topic' in vhost '/' refused for user 'bob'");
            assertThatThrownBy(() -> session.createProducer(session.createQueue("/queue/other.new")))
                    .isInstanceOf(JMSSecurityException.class)
                    .hasMessageContaining("configure access to queue 'other.new' in vhost '/' refused for user 'bob'");
            assertThatThrownBy(() -> session.createTemporaryQueue()).isInstanceOf(JMSSecurityException.class)
                    .hasMessageContaining("configure access to queue 'amq.gen-");
            // the anonymous relay: each message's own address is checked
            jakarta.jms.MessageProducer anonymous = session.createProducer(null);
            anonymous.send(session.createQueue("/queues/bob.jms"), session.createTextMessage("relayed"));
            assertThatThrownBy(() -> anonymous.send(session.createQueue("/exchanges/amq.topic/k"),
                    session.createTextMessage("refused"))).isInstanceOf(jakarta.jms.JMSException.class)
                    .hasMessageContaining("write access to exchange 'amq.topic' in vhost '/' refused for user 'bob'");
        }
        assertThat(trilog.gateway().queueLayer().topology().queue("other.new")).isEmpty();
        assertThat(trilog.gateway().queueLayer().queues().counts("other.q").available()).isEqualTo(1);
    }

    @Test
    void theManagementNodeAnswersForbiddenForWhatIsNotGranted() {
        Environment environment = new AmqpEnvironmentBuilder().connectionSettings()
                .uri("amqp://bob:bob-secret@127.0.0.1:" + trilog.amqpPort() + "/%2f").environmentBuilder().build();
        try (com.rabbitmq.client.amqp.Connection connection = environment.connectionBuilder().build()) {
            Management management = connection.management();
            management.queue("bob.managed").declare();
            assertThatThrownBy(() -> management.queue("other.managed").declare()).isInstanceOf(AmqpException.class)
                    .hasMessageContaining("configure access to queue 'other.managed' in vhost '/' refused for user 'bob'");
            assertThatThrownBy(() -> management.binding().sourceExchange("amq.direct").destinationQueue("bob.managed")
                    .key("k").bind()).isInstanceOf(AmqpException.class)
                    .hasMessageContaining("read access to exchange 'amq.direct' in vhost '/' refused for user 'bob'");
        } finally {
            environment.close();
        }
        assertThat(trilog.gateway().queueLayer().topology().queue("bob.managed")).isPresent();
        assertThat(trilog.gateway().queueLayer().topology().queue("other.managed")).isEmpty();
    }

    private static com.rabbitmq.client.GetResponse getWithin(Channel channel, String queue) throws Exception {
        for (int i = 0; i < 300; i++) {
            com.rabbitmq.client.GetResponse got = channel.basicGet(queue, true);
            if (got != null) {
                return got;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("nothing in " + queue + " within 30 s");
    }
}
