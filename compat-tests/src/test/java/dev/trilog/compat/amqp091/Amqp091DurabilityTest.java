package dev.trilog.compat.amqp091;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.GetResponse;
import dev.trilog.amqp.v091.Amqp091Settings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restarts, expiry, cancel-then-ack and back-pressure through the RabbitMQ Java client. */
class Amqp091DurabilityTest {

    @TempDir
    Path dir;

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static GetResponse awaitGet(Channel ch, String queue) {
        GetResponse[] got = new GetResponse[1];
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> {
            got[0] = ch.basicGet(queue, true);
            return got[0] != null;
        });
        return got[0];
    }

    @Test
    void confirmedMessagesSurviveARestartAndTransientQueuesDoNot() throws Exception {
        try (Amqp091TestServer server = new Amqp091TestServer(dir)) {
            try (Connection c = server.factory().newConnection()) {
                Channel ch = c.createChannel();
                ch.queueDeclare("kept", true, false, false, null);
                ch.queueDeclare("transient", false, false, false, null);
                ch.exchangeDeclare("kept-x", "fanout", true);
                ch.queueBind("kept", "kept-x", "");
                ch.confirmSelect();
                for (int i = 0; i < 100; i++) {
                    ch.basicPublish("kept-x", "", new AMQP.BasicProperties.Builder().deliveryMode(2).build(),
                            bytes("m" + i));
                }
                ch.waitForConfirmsOrDie(10_000);
            }
            server.restart();
            try (Connection c = server.factory().newConnection()) {
                Channel ch = c.createChannel();
                assertThat(ch.queueDeclarePassive("kept").getMessageCount()).isEqualTo(100);
                ch.exchangeDeclarePassive("kept-x");
                for (int i = 0; i < 100; i++) {
                    assertThat(new String(awaitGet(ch, "kept").getBody(), StandardCharsets.UTF_8)).isEqualTo("m" + i);
                }
                Channel other = c.createChannel();
                try {
                    other.queueDeclarePassive("transient");
                    throw new AssertionError("a transient queue outlived the restart");
                } catch (java.io.IOException expected) {
                    assertThat(Replies.replyCode(() -> {
                        throw expected;
                    })).isEqualTo(404);
                }
            }
        }
    }

    @Test
    void expiredMessagesAreDeadLetteredAsExpired() throws Exception {
        try (Amqp091TestServer server = new Amqp091TestServer(dir);
                Connection c = server.factory().newConnection()) {
            Channel ch = c.createChannel();
            ch.queueDeclare("expired", true, false, false, null);
            ch.queueDeclare("short-lived", true, false, false, Map.of("x-message-ttl", 50,
                    "x-dead-letter-exchange", "", "x-dead-letter-routing-key", "expired"));
            ch.queueDeclare("own-expiry", true, false, false, Map.of("x-dead-letter-exchange", "",
                    "x-dead-letter-routing-key", "expired"));
            ch.basicPublish("", "short-lived", null, bytes("by queue ttl"));
            ch.basicPublish("", "own-expiry", new AMQP.BasicProperties.Builder().expiration("50").build(),
                    bytes("by expiration"));
            Thread.sleep(300);
            assertThat(ch.basicGet("short-lived", true)).isNull();
            assertThat(ch.basicGet("own-expiry", true)).isNull();
            GetResponse a = awaitGet(ch, "expired");
            GetResponse b = awaitGet(ch, "expired");
            assertThat(List.of(new String(a.getBody(), StandardCharsets.UTF_8),
                    new String(b.getBody(), StandardCharsets.UTF_8)))
                    .containsExactlyInAnyOrder("by queue ttl", "by expiration");
            assertThat(a.getProps().getHeaders().get("x-first-death-reason").toString()).isEqualTo("expired");
        }
    }

    @Test
    void acksAfterBasicCancelStillCount() throws Exception {
        try (Amqp091TestServer server = new Amqp091TestServer(dir);
                Connection c = server.factory().newConnection()) {
            Channel ch = c.createChannel();
            ch.queueDeclare("cancel-then-ack", true, false, false, null);
            for (int i = 0; i < 5; i++) {
                ch.basicPublish("", "cancel-then-ack", null, bytes("m" + i));
            }
            Channel consumer = c.createChannel();
            consumer.basicQos(3);
            BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
            String tag = consumer.basicConsume("cancel-then-ack", false, (t, d) -> got.add(d), t -> { });
            await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 3);
            consumer.basicCancel(tag);
            for (Delivery d : got) {
                consumer.basicAck(d.getEnvelope().getDeliveryTag(), false);
            }
            // the acks took: only the two never delivered are left, not redelivered
            Channel check = c.createChannel();
            GetResponse first = awaitGet(check, "cancel-then-ack");
            GetResponse second = awaitGet(check, "cancel-then-ack");
            assertThat(List.of(first.getEnvelope().isRedeliver(), second.getEnvelope().isRedeliver()))
                    .containsOnly(false);
            Thread.sleep(100);
            assertThat(check.basicGet("cancel-then-ack", true)).isNull();
            assertThat(consumer.isOpen()).isTrue();
        }
    }

    @Test
    void aPublishBacklogOverItsHighWaterMarkBlocksPublishers() throws Exception {
        try (Amqp091TestServer server = new Amqp091TestServer(dir, Amqp091Settings.defaults(), 1, 0)) {
            com.rabbitmq.client.ConnectionFactory factory = server.factory();
            try (Connection c = factory.newConnection()) {
                List<String> events = new CopyOnWriteArrayList<>();
                c.addBlockedListener(new BlockedListener() {
                    @Override
                    public void handleBlocked(String reason) {
                        events.add("blocked");
                    }

                    @Override
                    public void handleUnblocked() {
                        events.add("unblocked");
                    }
                });
                Channel ch = c.createChannel();
                ch.queueDeclare("busy", true, false, false, null);
                ch.confirmSelect();
                for (int i = 0; i < 50; i++) {
                    ch.basicPublish("", "busy", null, bytes("m" + i));
                }
                ch.waitForConfirmsOrDie(10_000);
                await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("unblocked"));
                assertThat(events).startsWith("blocked");
                assertThat(ch.queueDeclarePassive("busy").getMessageCount()).isEqualTo(50);
                assertThat(ch.basicGet("busy", true)).isNotNull();
                TimeUnit.MILLISECONDS.sleep(10);
            }
        }
    }
}
