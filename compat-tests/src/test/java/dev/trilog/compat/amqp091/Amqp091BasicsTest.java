package dev.trilog.compat.amqp091;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.CancelCallback;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.Return;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RabbitMQ Java client against Trilog: publish, consume, get, confirms, returns, acks. */
class Amqp091BasicsTest {

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

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static GetResponse awaitGet(Channel ch, String queue, boolean autoAck) {
        GetResponse[] got = new GetResponse[1];
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> {
            got[0] = ch.basicGet(queue, autoAck);
            return got[0] != null;
        });
        return got[0];
    }

    /** Starts a consumer that records what it is given; acks nothing. */
    BlockingQueue<Delivery> consume(Channel ch, String queue, boolean autoAck) throws Exception {
        BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
        ch.basicConsume(queue, autoAck, (tag, d) -> got.add(d), tag -> { });
        return got;
    }

    @Test
    void connectionAnnouncesTrilogAndRabbitMqsCapabilities() {
        Map<String, Object> props = connection.getServerProperties();
        assertThat(props.get("product").toString()).isEqualTo("Trilog");
        @SuppressWarnings("unchecked")
        Map<String, Object> capabilities = (Map<String, Object>) props.get("capabilities");
        assertThat(capabilities).containsKeys("publisher_confirms", "exchange_exchange_bindings", "basic.nack",
                "consumer_cancel_notify", "connection.blocked", "authentication_failure_close", "per_consumer_qos",
                "direct_reply_to");
        assertThat(connection.getFrameMax()).isEqualTo(131072);
    }

    @Test
    void publishesAndGetsWithProperties() throws Exception {
        channel.queueDeclare("q1", true, false, false, null);
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType("text/plain")
                .contentEncoding("utf-8").messageId("m-1").correlationId("c-1").replyTo("r").type("t").appId("a")
                .priority(3).deliveryMode(2).timestamp(new Date(1_700_000_000_000L)).expiration("600000")
                .headers(Map.of("s", "v", "i", 7, "l", 8L, "b", true, "nested", Map.of("k", "v"))).build();
        channel.basicPublish("", "q1", props, bytes("hello"));
        GetResponse got = awaitGet(channel, "q1", true);
        assertThat(text(got.getBody())).isEqualTo("hello");
        assertThat(got.getEnvelope().getRoutingKey()).isEqualTo("q1");
        assertThat(got.getEnvelope().getExchange()).isEmpty();
        assertThat(got.getEnvelope().isRedeliver()).isFalse();
        AMQP.BasicProperties p = got.getProps();
        assertThat(p.getContentType()).isEqualTo("text/plain");
        assertThat(p.getContentEncoding()).isEqualTo("utf-8");
        assertThat(p.getMessageId()).isEqualTo("m-1");
        assertThat(p.getCorrelationId()).isEqualTo("c-1");
        assertThat(p.getReplyTo()).isEqualTo("r");
        assertThat(p.getType()).isEqualTo("t");
        assertThat(p.getAppId()).isEqualTo("a");
        assertThat(p.getPriority()).isEqualTo(3);
        assertThat(p.getDeliveryMode()).isEqualTo(2);
        assertThat(p.getTimestamp()).isEqualTo(new Date(1_700_000_000_000L));
        assertThat(Long.parseLong(p.getExpiration())).isBetween(590_000L, 600_000L);
        assertThat(p.getHeaders().get("s").toString()).isEqualTo("v");
        assertThat(p.getHeaders()).containsEntry("i", 7).containsEntry("l", 8L).containsEntry("b", true);
        assertThat(p.getHeaders().get("nested")).isInstanceOf(Map.class);
        assertThat(channel.basicGet("q1", true)).isNull();
    }

    @Test
    void largeMessagesCrossSeveralFrames() throws Exception {
        channel.queueDeclare("big", true, false, false, null);
        byte[] body = new byte[1_000_000];
        new java.util.Random(1).nextBytes(body);
        channel.basicPublish("", "big", null, body);
        assertThat(awaitGet(channel, "big", true).getBody()).isEqualTo(body);
    }

    @Test
    void confirmsEveryPublishOnceDurable() throws Exception {
        channel.queueDeclare("confirmed", true, false, false, null);
        channel.confirmSelect();
        Set<Long> acked = Collections.synchronizedSet(new HashSet<>());
        List<Long> nacked = new CopyOnWriteArrayList<>();
        channel.addConfirmListener((tag, multiple) -> {
            if (multiple) {
                for (long t = 1; t <= tag; t++) {
                    acked.add(t);
                }
            } else {
                assertThat(acked.add(tag)).as("confirmed once: " + tag).isTrue();
            }
        }, (tag, multiple) -> nacked.add(tag));
        for (int i = 0; i < 500; i++) {
            channel.basicPublish("", "confirmed", null, bytes("m" + i));
        }
        channel.waitForConfirmsOrDie(10_000);
        assertThat(acked).hasSize(500);
        assertThat(nacked).isEmpty();
        assertThat(channel.queueDeclarePassive("confirmed").getMessageCount()).isEqualTo(500);
    }

    @Test
    void mandatoryUnroutableIsReturnedThenConfirmed() throws Exception {
        channel.exchangeDeclare("nowhere", "direct");
        channel.confirmSelect();
        BlockingQueue<Return> returns = new LinkedBlockingQueue<>();
        channel.addReturnListener(returns::add);
        channel.basicPublish("nowhere", "no-key", true, null, bytes("lost"));
        channel.basicPublish("nowhere", "no-key", false, null, bytes("dropped"));
        channel.waitForConfirmsOrDie(5_000);
        Return r = returns.poll(5, TimeUnit.SECONDS);
        assertThat(r).isNotNull();
        assertThat(r.getReplyCode()).isEqualTo(312);
        assertThat(r.getReplyText()).isEqualTo("NO_ROUTE");
        assertThat(text(r.getBody())).isEqualTo("lost");
        assertThat(returns.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void consumesAndAcks() throws Exception {
        channel.queueDeclare("work", true, false, false, null);
        for (int i = 0; i < 20; i++) {
            channel.basicPublish("", "work", null, bytes("m" + i));
        }
        List<String> got = new CopyOnWriteArrayList<>();
        Channel consumerChannel = connection.createChannel();
        String tag = consumerChannel.basicConsume("work", false, "my-tag", new DefaultConsumer(consumerChannel) {
            @Override
            public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
                    byte[] body) throws java.io.IOException {
                assertThat(consumerTag).isEqualTo("my-tag");
                got.add(text(body));
                getChannel().basicAck(envelope.getDeliveryTag(), false);
            }
        });
        assertThat(tag).isEqualTo("my-tag");
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 20);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add("m" + i);
        }
        assertThat(got).containsExactlyElementsOf(expected);
        consumerChannel.basicCancel(tag);
        assertThat(channel.queueDeclarePassive("work").getMessageCount()).isZero();
    }

    @Test
    void prefetchLimitsUnackedDeliveries() throws Exception {
        channel.queueDeclare("prefetch", true, false, false, null);
        for (int i = 0; i < 10; i++) {
            channel.basicPublish("", "prefetch", null, bytes("m" + i));
        }
        Channel c = connection.createChannel();
        c.basicQos(3);
        BlockingQueue<Delivery> got = consume(c, "prefetch", false);
        await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 3);
        Thread.sleep(200);
        assertThat(got).hasSize(3);
        Delivery first = got.take();
        c.basicAck(first.getEnvelope().getDeliveryTag(), false);
        await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 3);
        // multiple ack of everything so far frees three more
        long last = 0;
        for (Delivery d : got) {
            last = Math.max(last, d.getEnvelope().getDeliveryTag());
        }
        got.clear();
        c.basicAck(last, true);
        await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 3);
    }

    @Test
    void aGlobalPrefetchIsSharedByTheChannelsConsumers() throws Exception {
        channel.queueDeclare("global-a", true, false, false, null);
        channel.queueDeclare("global-b", true, false, false, null);
        for (int i = 0; i < 10; i++) {
            channel.basicPublish("", "global-a", null, bytes("a" + i));
            channel.basicPublish("", "global-b", null, bytes("b" + i));
        }
        Channel c = connection.createChannel();
        c.basicQos(3, true);
        BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
        c.basicConsume("global-a", false, (tag, d) -> got.add(d), tag -> { });
        c.basicConsume("global-b", false, (tag, d) -> got.add(d), tag -> { });
        await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 3);
        Thread.sleep(200);
        assertThat(got).hasSize(3);
        c.basicAck(got.take().getEnvelope().getDeliveryTag(), false);
        await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 3);
        Thread.sleep(200);
        assertThat(got).hasSize(3);

        // with a per-consumer limit too, both apply
        Channel both = connection.createChannel();
        both.basicQos(1, false);
        both.basicQos(5, true);
        BlockingQueue<Delivery> each = new LinkedBlockingQueue<>();
        both.basicConsume("global-a", false, (tag, d) -> each.add(d), tag -> { });
        both.basicConsume("global-b", false, (tag, d) -> each.add(d), tag -> { });
        await().atMost(Duration.ofSeconds(5)).until(() -> each.size() == 2);
        Thread.sleep(200);
        assertThat(each).hasSize(2);
        assertThat(each).extracting(d -> text(d.getBody()).substring(0, 1)).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void competingConsumersShareWithoutDuplicates() throws Exception {
        channel.queueDeclare("shared", true, false, false, null);
        Set<String> seen = Collections.synchronizedSet(new HashSet<>());
        List<String> all = new CopyOnWriteArrayList<>();
        int[] perConsumer = new int[2];
        for (int n = 0; n < 2; n++) {
            int which = n;
            Channel c = connection.createChannel();
            c.basicQos(5);
            c.basicConsume("shared", false, (tag, d) -> {
                all.add(text(d.getBody()));
                seen.add(text(d.getBody()));
                synchronized (perConsumer) {
                    perConsumer[which]++;
                }
                c.basicAck(d.getEnvelope().getDeliveryTag(), false);
            }, tag -> { });
        }
        for (int i = 0; i < 200; i++) {
            channel.basicPublish("", "shared", null, bytes("m" + i));
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> seen.size() == 200);
        assertThat(all).hasSize(200);
        assertThat(perConsumer[0]).isPositive();
        assertThat(perConsumer[1]).isPositive();
    }

    @Test
    void nackAndRejectWithRequeueRedeliver() throws Exception {
        channel.queueDeclare("retry", true, false, false, null);
        channel.basicPublish("", "retry", null, bytes("again"));
        GetResponse first = awaitGet(channel, "retry", false);
        assertThat(first.getEnvelope().isRedeliver()).isFalse();
        channel.basicNack(first.getEnvelope().getDeliveryTag(), false, true);
        GetResponse second = awaitGet(channel, "retry", false);
        assertThat(text(second.getBody())).isEqualTo("again");
        assertThat(second.getEnvelope().isRedeliver()).isTrue();
        channel.basicReject(second.getEnvelope().getDeliveryTag(), true);
        GetResponse third = awaitGet(channel, "retry", false);
        assertThat(third.getEnvelope().isRedeliver()).isTrue();
        channel.basicAck(third.getEnvelope().getDeliveryTag(), false);
        Thread.sleep(100);
        assertThat(channel.basicGet("retry", true)).isNull();
    }

    @Test
    void rejectWithoutRequeueDeadLettersWithXDeath() throws Exception {
        channel.exchangeDeclare("dlx", "fanout");
        channel.queueDeclare("dead", true, false, false, null);
        channel.queueBind("dead", "dlx", "");
        channel.queueDeclare("live", true, false, false, Map.of("x-dead-letter-exchange", "dlx"));
        channel.basicPublish("", "live", null, bytes("poison"));
        channel.basicPublish("", "live", null, bytes("poison-2"));
        GetResponse got = awaitGet(channel, "live", false);
        channel.basicReject(got.getEnvelope().getDeliveryTag(), false);
        GetResponse got2 = awaitGet(channel, "live", false);
        channel.basicNack(got2.getEnvelope().getDeliveryTag(), false, false);
        GetResponse dead = awaitGet(channel, "dead", true);
        assertThat(text(dead.getBody())).isEqualTo("poison");
        Map<String, Object> headers = dead.getProps().getHeaders();
        assertThat(headers.get("x-first-death-reason").toString()).isEqualTo("rejected");
        assertThat(headers.get("x-first-death-queue").toString()).isEqualTo("live");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> deaths = (List<Map<String, Object>>) headers.get("x-death");
        assertThat(deaths).hasSize(1);
        assertThat(deaths.get(0).get("reason").toString()).isEqualTo("rejected");
        assertThat(deaths.get(0).get("queue").toString()).isEqualTo("live");
        assertThat(deaths.get(0).get("count")).isEqualTo(1L);
        assertThat(text(awaitGet(channel, "dead", true).getBody())).isEqualTo("poison-2");
    }

    @Test
    void unackedMessagesComeBackRedeliveredWhenTheChannelCloses() throws Exception {
        channel.queueDeclare("held", true, false, false, null);
        for (int i = 0; i < 3; i++) {
            channel.basicPublish("", "held", null, bytes("m" + i));
        }
        Channel c = connection.createChannel();
        BlockingQueue<Delivery> got = consume(c, "held", false);
        await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 3);
        assertThat(got).allMatch(d -> !d.getEnvelope().isRedeliver());
        Channel g = connection.createChannel();
        GetResponse fromGet = null;
        c.close();
        List<String> again = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            fromGet = awaitGet(g, "held", false);
            assertThat(fromGet.getEnvelope().isRedeliver()).isTrue();
            again.add(text(fromGet.getBody()));
        }
        assertThat(again).containsExactlyInAnyOrder("m0", "m1", "m2");
        // and a basic.get message comes back when its channel closes too
        g.close();
        GetResponse back = awaitGet(channel, "held", true);
        assertThat(back.getEnvelope().isRedeliver()).isTrue();
    }

    @Test
    void recoverRequeuesWhatTheChannelHolds() throws Exception {
        channel.queueDeclare("recover", true, false, false, null);
        channel.basicPublish("", "recover", null, bytes("x"));
        Channel c = connection.createChannel();
        BlockingQueue<Delivery> got = consume(c, "recover", false);
        Delivery first = got.poll(5, TimeUnit.SECONDS);
        assertThat(first).isNotNull();
        c.basicRecover(true);
        Delivery again = got.poll(5, TimeUnit.SECONDS);
        assertThat(again).isNotNull();
        assertThat(again.getEnvelope().isRedeliver()).isTrue();
    }

    @Test
    void noAckConsumerGetsEverything() throws Exception {
        channel.queueDeclare("fast", true, false, false, null);
        BlockingQueue<Delivery> got = consume(channel, "fast", true);
        for (int i = 0; i < 3000; i++) {
            channel.basicPublish("", "fast", null, bytes("m" + i));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> got.size() == 3000);
        Thread.sleep(200);
        assertThat(channel.queueDeclarePassive("fast").getMessageCount()).isZero();
    }

    @Test
    void rpcOverDirectReplyTo() throws Exception {
        channel.queueDeclare("rpc", false, false, true, null);
        Channel serverChannel = connection.createChannel();
        com.rabbitmq.client.RpcServer rpcServer = new com.rabbitmq.client.RpcServer(serverChannel, "rpc") {
            @Override
            public byte[] handleCall(Delivery request, AMQP.BasicProperties replyProperties) {
                return bytes("echo " + text(request.getBody()));
            }
        };
        Thread serving = new Thread(() -> {
            try {
                rpcServer.mainloop();
            } catch (Exception e) {
                // closed
            }
        });
        serving.start();
        try (Connection clientConnection = server.factory().newConnection()) {
            Channel clientChannel = clientConnection.createChannel();
            assertThat(clientChannel.queueDeclarePassive("amq.rabbitmq.reply-to").getQueue())
                    .isEqualTo("amq.rabbitmq.reply-to");
            com.rabbitmq.client.RpcClient client = new com.rabbitmq.client.RpcClient(
                    new com.rabbitmq.client.RpcClientParams().channel(clientChannel).exchange("").routingKey("rpc")
                            .replyTo("amq.rabbitmq.reply-to")
                            .timeout(10_000));
            assertThat(text(client.primitiveCall(bytes("one")))).isEqualTo("echo one");
            assertThat(text(client.primitiveCall(bytes("two")))).isEqualTo("echo two");
            client.close();
        } finally {
            rpcServer.terminateMainloop();
            serving.join(5000);
        }
    }

    @Test
    void replyToWithoutAReplyConsumerIs406() throws Exception {
        channel.basicPublish("", "anything", new AMQP.BasicProperties.Builder().replyTo("amq.rabbitmq.reply-to")
                .build(), bytes("x"));
        assertThat(Replies.replyCode(() -> channel.queueDeclare("q", true, false, false, null))).isEqualTo(406);
    }

    @Test
    void serverCancelsConsumersOfADeletedQueue() throws Exception {
        channel.queueDeclare("doomed", true, false, false, null);
        Channel c = connection.createChannel();
        BlockingQueue<String> cancelled = new LinkedBlockingQueue<>();
        CancelCallback onCancel = cancelled::add;
        String tag = c.basicConsume("doomed", true, (t, d) -> { }, onCancel);
        channel.queueDelete("doomed");
        assertThat(cancelled.poll(5, TimeUnit.SECONDS)).isEqualTo(tag);
        assertThat(c.isOpen()).isTrue();
    }
}
