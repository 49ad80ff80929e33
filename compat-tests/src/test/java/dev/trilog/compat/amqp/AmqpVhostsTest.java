package dev.trilog.compat.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.amqp.Environment;
import com.rabbitmq.client.amqp.Management;
import com.rabbitmq.client.amqp.impl.AmqpEnvironmentBuilder;
import dev.trilog.compat.TrilogHarness;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Session;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AMQP virtual hosts other than '/', made and deleted through the admin API as an operator does:
 * the same queue name in two vhosts is two queues (RabbitMQ's Java client, Qpid JMS and RabbitMQ's
 * AMQP 1.0 client, which names the vhost in the open frame's hostname), an unknown vhost is refused
 * in RabbitMQ's words, and deleting a vhost closes its connections and removes its queues for good.
 */
class AmqpVhostsTest {

    @TempDir
    Path dir;
    TrilogHarness trilog;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        trilog = TrilogHarness.start(dir.resolve("data"), "admin.console.writes", "true");
        assertThat(admin("POST", "/api/v1/vhosts", "{\"name\": \"dev\"}").statusCode()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        trilog.close();
    }

    private HttpResponse<String> admin(String method, String path, String body) throws Exception {
        int port = trilog.gateway().listener("admin").boundAddress().getPort();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private com.rabbitmq.client.Connection rabbit(String vhost) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(trilog.amqpPort());
        factory.setVirtualHost(vhost);
        factory.setAutomaticRecoveryEnabled(false);
        return factory.newConnection();
    }

    private static void publish(Channel channel, String exchange, String key, String body) throws Exception {
        channel.confirmSelect();
        channel.basicPublish(exchange, key, null, body.getBytes(StandardCharsets.UTF_8));
        channel.waitForConfirmsOrDie(30_000);
    }

    private static String getWithin(Channel channel, String queue) throws Exception {
        AtomicReference<GetResponse> got = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            got.set(channel.basicGet(queue, true));
            return got.get() != null;
        });
        return new String(got.get().getBody(), StandardCharsets.UTF_8);
    }

    @Test
    void theSameQueueNameInTwoVhostsIsTwoQueuesWithTheirOwnMessages() throws Exception {
        try (com.rabbitmq.client.Connection slash = rabbit("/"); com.rabbitmq.client.Connection dev = rabbit("dev")) {
            Channel inSlash = slash.createChannel();
            Channel inDev = dev.createChannel();
            inSlash.queueDeclare("orders", true, false, false, null);
            inDev.queueDeclare("orders", true, false, false, null);
            inDev.queueBind("orders", "amq.fanout", "");
            publish(inSlash, "", "orders", "for /");
            publish(inDev, "", "orders", "for dev");
            publish(inDev, "amq.fanout", "", "fanned out in dev");
            publish(inSlash, "amq.fanout", "", "fanned out in / (bound to nothing)");

            assertThat(inSlash.queueDeclarePassive("orders").getMessageCount()).isEqualTo(1);
            assertThat(inDev.queueDeclarePassive("orders").getMessageCount()).isEqualTo(2);
            assertThat(getWithin(inSlash, "orders")).isEqualTo("for /");
            assertThat(getWithin(inDev, "orders")).isEqualTo("for dev");
            assertThat(getWithin(inDev, "orders")).isEqualTo("fanned out in dev");

            inDev.queueDeclare("only-in-dev", true, false, false, null);
            assertThatThrownBy(() -> slash.createChannel().queueDeclarePassive("only-in-dev"))
                    .isInstanceOf(IOException.class).rootCause()
                    .hasMessageContaining("NOT_FOUND - no queue 'only-in-dev' in vhost '/'");
            assertThatThrownBy(() -> dev.createChannel().queueDeclarePassive("missing"))
                    .isInstanceOf(IOException.class).rootCause()
                    .hasMessageContaining("NOT_FOUND - no queue 'missing' in vhost 'dev'");
            assertThatThrownBy(() -> dev.createChannel().exchangeDeclarePassive("nope"))
                    .isInstanceOf(IOException.class).rootCause()
                    .hasMessageContaining("NOT_FOUND - no exchange 'nope' in vhost 'dev'");
            // a name in / may not read as another vhost's
            assertThatThrownBy(() -> slash.createChannel().queueDeclare("vhost.dev.orders", true, false, false, null))
                    .isInstanceOf(IOException.class).rootCause().hasMessageContaining("ACCESS_REFUSED")
                    .hasMessageContaining("reserved prefix 'vhost.'");
            // a server-named queue is named in the vhost the client knows
            String named = inDev.queueDeclare().getQueue();
            assertThat(named).startsWith("amq.gen-");
            publish(inDev, "", named, "to the server-named queue");
            assertThat(getWithin(inDev, named)).isEqualTo("to the server-named queue");
        }
        // definitions name dev's resources by their topic names, and leave out its built-in exchanges as /'s
        com.fasterxml.jackson.databind.JsonNode definitions = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(admin("GET", "/api/v1/definitions", null).body());
        assertThat(definitions.path("exchanges").toString()).doesNotContain("amq.");
        assertThat(definitions.path("queues").toString()).contains("\"vhost.dev.orders\"");
        // dev's queue is the Kafka topic vhost.dev.orders, readable as any topic
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, trilog.kafkaBootstrap()),
                new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition("vhost.dev.orders", 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            List<String> values = new java.util.ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
                return values.size() >= 2;
            });
            assertThat(values).containsExactly("for dev", "fanned out in dev");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void deadLettersGoToTheDeadLetterExchangeOfTheirOwnVhost() throws Exception {
        try (com.rabbitmq.client.Connection slash = rabbit("/"); com.rabbitmq.client.Connection dev = rabbit("dev")) {
            for (Channel channel : List.of(slash.createChannel(), dev.createChannel())) {
                channel.exchangeDeclare("dlx", "fanout", true);
                channel.queueDeclare("dead", true, false, false, null);
                channel.queueBind("dead", "dlx", "");
            }
            Channel inDev = dev.createChannel();
            inDev.queueDeclare("work", true, false, false, Map.of("x-dead-letter-exchange", "dlx"));
            publish(inDev, "", "work", "rejected in dev");
            AtomicReference<GetResponse> got = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                got.set(inDev.basicGet("work", false));
                return got.get() != null;
            });
            inDev.basicReject(got.get().getEnvelope().getDeliveryTag(), false);

            AtomicReference<GetResponse> dead = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                dead.set(inDev.basicGet("dead", true));
                return dead.get() != null;
            });
            assertThat(new String(dead.get().getBody(), StandardCharsets.UTF_8)).isEqualTo("rejected in dev");
            assertThat(dead.get().getEnvelope().getExchange()).isEqualTo("dlx");
            Map<String, Object> death = ((List<Map<String, Object>>) dead.get().getProps().getHeaders().get("x-death"))
                    .get(0);
            assertThat(death.get("queue").toString()).isEqualTo("work");
            assertThat(death.get("reason").toString()).isEqualTo("rejected");
            assertThat(slash.createChannel().queueDeclarePassive("dead").getMessageCount()).isZero();
        }
    }

    @Test
    void anUnknownVhostIsRefusedInRabbitMqsWords() {
        assertThatThrownBy(() -> rabbit("nope").close()).isInstanceOf(IOException.class).rootCause()
                .hasMessageContaining("NOT_ALLOWED - vhost nope not found");
        assertThatThrownBy(() -> new JmsConnectionFactory(trilog.amqpUri("amqp.vhost=vhost:nope")).createConnection()
                .start()).isInstanceOf(JMSSecurityException.class)
                .hasMessageContaining("AMQP 1.0 connection failed: virtual host 'nope' does not exist");
    }

    @Test
    void amqpOneOpensTheVhostItsHostnameNames() throws Exception {
        try (jakarta.jms.Connection connection = new JmsConnectionFactory(trilog.amqpUri("amqp.vhost=vhost:dev"))
                .createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            // the v1 address /queue/Q declares its queue, in the connection's vhost
            session.createProducer(session.createQueue("/queue/jms-q")).send(session.createTextMessage("over 1.0"));
        }
        assertThat(trilog.gateway().queueLayer().topology().queue("jms-q")).isEmpty();
        try (com.rabbitmq.client.Connection dev = rabbit("dev")) {
            assertThat(getWithin(dev.createChannel(), "jms-q")).isEqualTo("over 1.0");
        }
        // RabbitMQ's AMQP 1.0 client: the URI's vhost goes into the hostname, the management node answers it
        Environment environment = new AmqpEnvironmentBuilder().connectionSettings()
                .uri("amqp://guest:guest@127.0.0.1:" + trilog.amqpPort() + "/dev").environmentBuilder().build();
        try (com.rabbitmq.client.amqp.Connection connection = environment.connectionBuilder().build()) {
            Management management = connection.management();
            management.queue("managed").declare();
            Management.QueueInfo info = management.queueInfo("managed");
            assertThat(info.name()).isEqualTo("managed");
            assertThat(management.queueInfo("jms-q").messageCount()).isZero();
        } finally {
            environment.close();
        }
        assertThat(trilog.gateway().queueLayer().topology().queue("vhost.dev.managed")).isPresent();
        assertThat(trilog.gateway().queueLayer().topology().queue("managed")).isEmpty();
    }

    @Test
    void deletingAVhostClosesItsConnectionsAndRemovesItsQueuesForGood() throws Exception {
        com.rabbitmq.client.Connection dev = rabbit("dev");
        Channel channel = dev.createChannel();
        channel.queueDeclare("doomed", true, false, false, null);
        publish(channel, "", "doomed", "gone with the vhost");
        jakarta.jms.Connection jms = new JmsConnectionFactory(trilog.amqpUri("amqp.vhost=vhost:dev")).createConnection();
        List<jakarta.jms.JMSException> jmsFailures = new java.util.concurrent.CopyOnWriteArrayList<>();
        jms.setExceptionListener(jmsFailures::add);
        jms.start();
        try (com.rabbitmq.client.Connection slash = rabbit("/")) {
            slash.createChannel().queueDeclare("doomed", true, false, false, null);

            HttpResponse<String> deleted = admin("DELETE", "/api/v1/vhosts/dev", null);
            assertThat(deleted.statusCode()).isEqualTo(200);
            assertThat(deleted.body().replaceAll("\\s", "")).contains("\"deleted\":\"dev\"", "\"vhost.dev.doomed\"");

            await().atMost(Duration.ofSeconds(30)).until(() -> !dev.isOpen());
            assertThat(dev.getCloseReason().getMessage()).contains("CONNECTION_FORCED - vhost 'dev' is deleted");
            // Qpid JMS tells of the close's condition, then of the socket the broker closed after it
            await().atMost(Duration.ofSeconds(30)).until(() -> jmsFailures.stream()
                    .anyMatch(e -> String.valueOf(e.getMessage()).contains("vhost 'dev' is deleted")));
            assertThat(slash.isOpen()).isTrue();
        }
        jms.close();
        assertThat(trilog.gateway().engine().topic("vhost.dev.doomed")).isEmpty();
        assertThat(admin("DELETE", "/api/v1/vhosts/%2F", null).statusCode()).isEqualTo(400);
        assertThat(admin("DELETE", "/api/v1/vhosts/dev", null).statusCode()).isEqualTo(404);

        trilog.restart();
        assertThatThrownBy(() -> rabbit("dev").close()).isInstanceOf(IOException.class).rootCause()
                .hasMessageContaining("NOT_ALLOWED - vhost dev not found");
        assertThat(trilog.gateway().queueLayer().topology().queue("vhost.dev.doomed")).isEmpty();
        assertThat(trilog.gateway().queueLayer().topology().queue("doomed")).isPresent();
        // made again, the vhost starts empty
        assertThat(admin("POST", "/api/v1/vhosts", "{\"name\": \"dev\"}").statusCode()).isEqualTo(201);
        try (com.rabbitmq.client.Connection again = rabbit("dev")) {
            assertThatThrownBy(() -> again.createChannel().queueDeclarePassive("doomed"))
                    .isInstanceOf(IOException.class).rootCause()
                    .hasMessageContaining("NOT_FOUND - no queue 'doomed' in vhost 'dev'");
        }
        assertThat(admin("GET", "/api/v1/vhosts", null).body().replaceAll("\\s", ""))
                .contains("\"name\":\"/\"", "\"name\":\"dev\"");
    }
}
