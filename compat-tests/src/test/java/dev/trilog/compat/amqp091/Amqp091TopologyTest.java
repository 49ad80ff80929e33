package dev.trilog.compat.amqp091;

import static dev.trilog.compat.amqp091.Replies.hard;
import static dev.trilog.compat.amqp091.Replies.replyCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exchanges, queues and bindings through the RabbitMQ Java client, with RabbitMQ's reply codes. */
class Amqp091TopologyTest {

    @TempDir
    Path dir;
    Amqp091TestServer server;
    Connection connection;
    Channel channel;

    @BeforeEach
    void start() throws Exception {
        server = new Amqp091TestServer(dir);
        connection = server.factory().newConnection();
        channel = connection.createChannel();
    }

    @AfterEach
    void stop() throws Exception {
        if (connection.isOpen()) {
            connection.close();
        }
        server.close();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    String getText(String queue) {
        GetResponse[] got = new GetResponse[1];
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> {
            got[0] = channel.basicGet(queue, true);
            return got[0] != null;
        });
        return new String(got[0].getBody(), StandardCharsets.UTF_8);
    }

    void assertEmpty(String queue) throws Exception {
        Thread.sleep(100);
        assertThat(channel.basicGet(queue, true)).isNull();
    }

    @Test
    void directExchangeRoutesByKey() throws Exception {
        channel.exchangeDeclare("d", "direct", true);
        channel.queueDeclare("d-a", true, false, false, null);
        channel.queueDeclare("d-b", true, false, false, null);
        channel.queueBind("d-a", "d", "a");
        channel.queueBind("d-b", "d", "b");
        channel.basicPublish("d", "a", null, bytes("to a"));
        channel.basicPublish("d", "b", null, bytes("to b"));
        assertThat(getText("d-a")).isEqualTo("to a");
        assertThat(getText("d-b")).isEqualTo("to b");
        assertEmpty("d-a");
    }

    @Test
    void topicExchangeMatchesWords() throws Exception {
        channel.exchangeDeclare("t", "topic");
        channel.queueDeclare("t-star", true, false, false, null);
        channel.queueDeclare("t-hash", true, false, false, null);
        channel.queueBind("t-star", "t", "logs.*.error");
        channel.queueBind("t-hash", "t", "logs.#");
        channel.basicPublish("t", "logs.api.error", null, bytes("1"));
        channel.basicPublish("t", "logs.api.v2.info", null, bytes("2"));
        assertThat(getText("t-star")).isEqualTo("1");
        assertEmpty("t-star");
        assertThat(getText("t-hash")).isEqualTo("1");
        assertThat(getText("t-hash")).isEqualTo("2");
    }

    @Test
    void fanoutExchangeCopiesToEveryQueue() throws Exception {
        channel.exchangeDeclare("f", "fanout");
        String q1 = channel.queueDeclare().getQueue();
        String q2 = channel.queueDeclare().getQueue();
        assertThat(q1).startsWith("amq.gen-").isNotEqualTo(q2);
        channel.queueBind(q1, "f", "");
        channel.queueBind(q2, "f", "");
        channel.basicPublish("f", "ignored", null, bytes("all"));
        assertThat(getText(q1)).isEqualTo("all");
        assertThat(getText(q2)).isEqualTo("all");
    }

    @Test
    void headersExchangeMatchesAllOrAny() throws Exception {
        channel.exchangeDeclare("h", "headers");
        channel.queueDeclare("h-all", true, false, false, null);
        channel.queueDeclare("h-any", true, false, false, null);
        channel.queueBind("h-all", "h", "", Map.of("x-match", "all", "format", "pdf", "type", "report"));
        channel.queueBind("h-any", "h", "", Map.of("x-match", "any", "format", "zip", "type", "report"));
        AMQP.BasicProperties both = new AMQP.BasicProperties.Builder()
                .headers(Map.of("format", "pdf", "type", "report")).build();
        AMQP.BasicProperties one = new AMQP.BasicProperties.Builder().headers(Map.of("format", "zip")).build();
        channel.basicPublish("h", "", both, bytes("both"));
        channel.basicPublish("h", "", one, bytes("one"));
        assertThat(getText("h-all")).isEqualTo("both");
        assertEmpty("h-all");
        assertThat(getText("h-any")).isEqualTo("both");
        assertThat(getText("h-any")).isEqualTo("one");
    }

    @Test
    void exchangeToExchangeBindingsAndUnbind() throws Exception {
        channel.exchangeDeclare("upstream", "topic");
        channel.exchangeDeclare("downstream", "fanout");
        channel.queueDeclare("e2e", true, false, false, null);
        channel.queueBind("e2e", "downstream", "");
        channel.exchangeBind("downstream", "upstream", "orders.#");
        channel.basicPublish("upstream", "orders.new", null, bytes("routed"));
        channel.basicPublish("upstream", "users.new", null, bytes("not routed"));
        assertThat(getText("e2e")).isEqualTo("routed");
        assertEmpty("e2e");
        channel.exchangeUnbind("downstream", "upstream", "orders.#");
        channel.basicPublish("upstream", "orders.new", null, bytes("after unbind"));
        assertEmpty("e2e");
    }

    @Test
    void alternateExchangeTakesTheUnroutable() throws Exception {
        channel.exchangeDeclare("ae", "fanout");
        channel.queueDeclare("unrouted", true, false, false, null);
        channel.queueBind("unrouted", "ae", "");
        channel.exchangeDeclare("main", "direct", true, false, Map.of("alternate-exchange", "ae"));
        channel.basicPublish("main", "nobody", null, bytes("caught"));
        assertThat(getText("unrouted")).isEqualTo("caught");
    }

    @Test
    void queueUnbindPurgeAndDeleteReportCounts() throws Exception {
        channel.queueDeclare("counted", true, false, false, null);
        channel.queueBind("counted", "amq.direct", "k");
        for (int i = 0; i < 5; i++) {
            channel.basicPublish("amq.direct", "k", null, bytes("m" + i));
        }
        await().atMost(Duration.ofSeconds(5))
                .until(() -> channel.queueDeclarePassive("counted").getMessageCount() == 5);
        channel.queueUnbind("counted", "amq.direct", "k");
        channel.basicPublish("amq.direct", "k", null, bytes("unbound"));
        assertThat(channel.queuePurge("counted").getMessageCount()).isEqualTo(5);
        channel.basicPublish("", "counted", null, bytes("one"));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> channel.queueDeclarePassive("counted").getMessageCount() == 1);
        assertThat(replyCode(() -> channel.queueDelete("counted", false, true))).isEqualTo(406);
        channel = connection.createChannel();
        assertThat(channel.queueDelete("counted").getMessageCount()).isEqualTo(1);
        assertThat(replyCode(() -> channel.queueDeclarePassive("counted"))).isEqualTo(404);
    }

    @Test
    void redeclaringTheSameIsFineAndDifferentIs406() throws Exception {
        channel.queueDeclare("same", true, false, false, Map.of("x-message-ttl", 1000));
        channel.queueDeclare("same", true, false, false, Map.of("x-message-ttl", 1000));
        assertThat(replyCode(() -> channel.queueDeclare("same", false, false, false, Map.of("x-message-ttl", 1000))))
                .isEqualTo(406);
        channel = connection.createChannel();
        channel.exchangeDeclare("x", "direct", true);
        assertThat(replyCode(() -> channel.exchangeDeclare("x", "fanout", true))).isEqualTo(406);
    }

    @Test
    void passiveDeclaresOfWhatIsMissingAre404AndCloseOnlyTheChannel() throws Exception {
        assertThat(replyCode(() -> channel.queueDeclarePassive("missing"))).isEqualTo(404);
        assertThat(connection.isOpen()).isTrue();
        channel = connection.createChannel();
        assertThat(replyCode(() -> channel.exchangeDeclarePassive("missing"))).isEqualTo(404);
        channel = connection.createChannel();
        assertThat(replyCode(() -> channel.queueBind("nothing", "amq.direct", "k"))).isEqualTo(404);
        channel = connection.createChannel();
        channel.basicPublish("no-such-exchange", "k", null, bytes("x"));
        assertThat(replyCode(() -> channel.queueDeclare("after", true, false, false, null))).isEqualTo(404);
        assertThat(connection.isOpen()).isTrue();
    }

    @Test
    void reservedNamesAre403() throws Exception {
        assertThat(replyCode(() -> channel.queueDeclare("amq.mine", true, false, false, null))).isEqualTo(403);
        channel = connection.createChannel();
        assertThat(replyCode(() -> channel.exchangeDeclare("amq.mine", "direct"))).isEqualTo(403);
        channel = connection.createChannel();
        assertThat(replyCode(() -> channel.exchangeDelete("amq.direct"))).isEqualTo(403);
        channel = connection.createChannel();
        channel.exchangeDeclare("amq.direct", "direct", true); // as it is: fine
    }

    @Test
    void exclusiveQueuesBelongToTheirConnectionAndGoWithIt() throws Exception {
        channel.queueDeclare("mine", false, true, false, null);
        try (Connection other = server.factory().newConnection()) {
            Channel theirs = other.createChannel();
            assertThat(replyCode(() -> theirs.queueDeclarePassive("mine"))).isEqualTo(405);
            Channel again = other.createChannel();
            assertThat(replyCode(() -> again.basicConsume("mine", true, (t, d) -> { }, t -> { })))
                    .isEqualTo(405);
        }
        connection.close();
        try (Connection other = server.factory().newConnection()) {
            Channel c = other.createChannel();
            await().atMost(Duration.ofSeconds(5)).until(() -> server.topology.queue("mine").isEmpty());
            assertThat(replyCode(() -> c.queueDeclarePassive("mine"))).isEqualTo(404);
        }
    }

    @Test
    void autoDeleteQueueGoesWithItsLastConsumer() throws Exception {
        channel.queueDeclare("temp", false, false, true, null);
        String tag = channel.basicConsume("temp", true, (t, d) -> { }, t -> { });
        assertThat(channel.queueDeclarePassive("temp").getConsumerCount()).isEqualTo(1);
        channel.basicCancel(tag);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.topology.queue("temp").isEmpty());
    }

    @Test
    void exclusiveConsumerKeepsOthersOut() throws Exception {
        channel.queueDeclare("solo", true, false, false, null);
        channel.basicConsume("solo", true, "first", false, true, null, (t, d) -> { }, t -> { });
        Channel other = connection.createChannel();
        assertThat(replyCode(() -> other.basicConsume("solo", true, (t, d) -> { }, t -> { }))).isEqualTo(403);
    }

    @Test
    void unsupportedArgumentsAndTypesAreRefused() throws Exception {
        assertThat(replyCode(() -> channel.queueDeclare("ranked", true, false, false, Map.of("x-max-priority", 10))))
                .isEqualTo(406);
        channel = connection.createChannel();
        assertThat(replyCode(() -> channel.queueDeclare("capped", true, false, false,
                Map.of("x-overflow", "drop-tail"))))
                .isEqualTo(406);
        channel = connection.createChannel();
        assertThat(replyCode(() -> channel.queueDeclare("s", true, false, false, Map.of("x-queue-type", "delayed"))))
                .isEqualTo(406);
        channel = connection.createChannel();
        // a type of another kind: RabbitMQ's unacceptable_type (a fuzz run found it answered as an internal error)
        assertThat(replyCode(() -> channel.queueDeclare("d", true, false, false, Map.of("x-queue-type", 1.5))))
                .isEqualTo(406);
        channel = connection.createChannel();
        channel.queueDeclare("quorum", true, false, false, Map.of("x-queue-type", "quorum"));
        assertThat(hard(() -> channel.exchangeDeclare("odd", "x-consistent-hash"))).isTrue();
    }

    @Test
    void quorumQueuesDeadLetterAtTheirDeliveryLimitAndClassicOnesNever() throws Exception {
        channel.queueDeclare("ql-dead", true, false, false, null);
        channel.queueDeclare("ql", true, false, false, Map.of("x-queue-type", "quorum", "x-delivery-limit", 2,
                "x-dead-letter-exchange", "", "x-dead-letter-routing-key", "ql-dead"));
        channel.queueDeclare("cl", true, false, false, Map.of("x-queue-type", "classic"));
        channel.queueDeclare("cl", true, false, false, null); // the same declaration as RabbitMQ sees it
        channel.basicPublish("", "ql", null, bytes("tired"));
        channel.basicPublish("", "cl", null, bytes("tireless"));
        for (int i = 0; i < 2; i++) {
            GetResponse got = awaitGetNoAck("ql");
            channel.basicNack(got.getEnvelope().getDeliveryTag(), false, true);
        }
        assertEmpty("ql"); // the get that would deliver it a third time dead-letters it (lazily, queues.md)
        assertThat(getText("ql-dead")).isEqualTo("tired");
        for (int i = 0; i < 25; i++) {
            GetResponse got = awaitGetNoAck("cl");
            channel.basicNack(got.getEnvelope().getDeliveryTag(), false, true);
        }
        assertThat(getText("cl")).isEqualTo("tireless");
    }

    GetResponse awaitGetNoAck(String queue) {
        GetResponse[] got = new GetResponse[1];
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> {
            got[0] = channel.basicGet(queue, false);
            return got[0] != null;
        });
        return got[0];
    }

    @Test
    void wrongVirtualHostIs530() {
        var factory = server.factory();
        factory.setVirtualHost("other");
        assertThat(replyCode(() -> factory.newConnection().close())).isEqualTo(530);
    }

    @Test
    void transactionsAre540NotImplemented() {
        assertThat(replyCode(() -> channel.txSelect())).isEqualTo(540);
        assertThat(connection.isOpen()).isFalse();
    }

    @Test
    void unknownDeliveryTagIs406() throws Exception {
        channel.queueDeclare("tags", true, false, false, null);
        channel.basicAck(42, false);
        assertThat(replyCode(() -> channel.queueDeclare("tags", true, false, false, null))).isEqualTo(406);
    }

    @Test
    void internalExchangesRefusePublishes() throws Exception {
        channel.exchangeDeclare("inner", "fanout", true, false, true, new HashMap<>());
        channel.basicPublish("inner", "", null, bytes("x"));
        assertThat(replyCode(() -> channel.queueDeclare("q", true, false, false, null))).isEqualTo(403);
    }
}
