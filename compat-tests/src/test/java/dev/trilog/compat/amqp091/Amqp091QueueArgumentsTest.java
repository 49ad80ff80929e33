package dev.trilog.compat.amqp091;

import static dev.trilog.compat.amqp091.Amqp091BasicsTest.awaitGet;
import static dev.trilog.compat.amqp091.Amqp091BasicsTest.bytes;
import static dev.trilog.compat.amqp091.Amqp091BasicsTest.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.GetResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RabbitMQ's optional queue arguments through the RabbitMQ Java client: length limits, overflow,
 * single active consumer, queue expiry.
 */
class Amqp091QueueArgumentsTest {

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

    @Test
    void maxLengthDropsTheOldestIntoTheDeadLetterExchangeWithXDeathMaxlen() throws Exception {
        channel.queueDeclare("dead", true, false, false, null);
        channel.queueDeclare("capped", true, false, false, Map.of("x-max-length", 2,
                "x-dead-letter-exchange", "", "x-dead-letter-routing-key", "dead"));
        channel.confirmSelect();
        for (int i = 0; i < 5; i++) {
            channel.basicPublish("", "capped", null, bytes("m" + i));
        }
        channel.waitForConfirmsOrDie(10_000);

        await().atMost(Duration.ofSeconds(10)).until(() -> channel.messageCount("dead") == 3);
        assertThat(channel.messageCount("capped")).isEqualTo(2);
        assertThat(text(awaitGet(channel, "capped", true).getBody())).isEqualTo("m3");
        assertThat(text(awaitGet(channel, "capped", true).getBody())).isEqualTo("m4");
        GetResponse dead = awaitGet(channel, "dead", true);
        assertThat(text(dead.getBody())).isEqualTo("m0");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> deaths = (List<Map<String, Object>>) dead.getProps().getHeaders().get("x-death");
        assertThat(deaths.get(0).get("reason").toString()).isEqualTo("maxlen");
        assertThat(deaths.get(0).get("queue").toString()).isEqualTo("capped");
    }

    @Test
    void rejectPublishNacksWhatDoesNotFit() throws Exception {
        channel.queueDeclare("full", true, false, false, Map.of("x-max-length", 2, "x-overflow", "reject-publish"));
        Set<Long> acked = new ConcurrentSkipListSet<>();
        Set<Long> nacked = new ConcurrentSkipListSet<>();
        channel.addConfirmListener(new ConfirmListener() {
            @Override
            public void handleAck(long tag, boolean multiple) {
                record(acked, tag, multiple);
            }

            @Override
            public void handleNack(long tag, boolean multiple) {
                record(nacked, tag, multiple);
            }

            private void record(Set<Long> into, long tag, boolean multiple) {
                for (long t = multiple ? 1 : tag; t <= tag; t++) {
                    if (!acked.contains(t) && !nacked.contains(t)) {
                        into.add(t);
                    }
                }
            }
        });
        channel.confirmSelect();
        for (int i = 0; i < 4; i++) {
            channel.basicPublish("", "full", null, bytes("m" + i));
            channel.waitForConfirms(10_000); // one at a time: which ones fit is then certain
        }

        assertThat(acked).containsExactly(1L, 2L);
        assertThat(nacked).containsExactly(3L, 4L);
        assertThat(channel.messageCount("full")).isEqualTo(2);
        assertThat(text(awaitGet(channel, "full", true).getBody())).isEqualTo("m0");
    }

    @Test
    void aSingleActiveConsumerQueueDeliversToOneConsumerAndFailsOverWithTheUnacked() throws Exception {
        channel.queueDeclare("solo", true, false, false, Map.of("x-single-active-consumer", true));
        Channel firstChannel = connection.createChannel();
        Channel secondChannel = connection.createChannel();
        firstChannel.basicQos(10);
        secondChannel.basicQos(10);
        BlockingQueue<Delivery> first = new LinkedBlockingQueue<>();
        BlockingQueue<Delivery> second = new LinkedBlockingQueue<>();
        firstChannel.basicConsume("solo", false, (tag, d) -> first.add(d), tag -> { });
        secondChannel.basicConsume("solo", false, (tag, d) -> second.add(d), tag -> { });
        for (int i = 0; i < 3; i++) {
            channel.basicPublish("", "solo", null, bytes("m" + i));
        }

        for (int i = 0; i < 3; i++) {
            assertThat(text(first.poll(10, TimeUnit.SECONDS).getBody())).isEqualTo("m" + i);
        }
        assertThat(second.poll(200, TimeUnit.MILLISECONDS)).as("the other consumer is not active").isNull();

        firstChannel.close(); // its three unacked go back, to the consumer that is active now
        for (int i = 0; i < 3; i++) {
            Delivery d = second.poll(10, TimeUnit.SECONDS);
            assertThat(text(d.getBody())).isEqualTo("m" + i);
            assertThat(d.getEnvelope().isRedeliver()).isTrue();
        }
    }

    @Test
    void aQueueUnusedForItsXExpiresIsDeletedAndOneWithAConsumerIsNot() throws Exception {
        channel.queueDeclare("leased", true, false, false, Map.of("x-expires", 300));
        channel.queueDeclare("consumed", true, false, false, Map.of("x-expires", 300));
        Channel consuming = connection.createChannel();
        consuming.basicConsume("consumed", true, (tag, d) -> { }, tag -> { });

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Channel probe = connection.createChannel();
            try {
                probe.queueDeclarePassive("leased");
                probe.close();
                return false;
            } catch (java.io.IOException gone) {
                return true;
            }
        });
        assertThat(Replies.replyCode(() -> channel.queueDeclarePassive("leased"))).isEqualTo(404);
        channel = connection.createChannel();
        assertThat(channel.queueDeclarePassive("consumed").getConsumerCount()).isEqualTo(1);
    }

    @Test
    void singleActiveConsumerMustBeABooleanAndRefusesAnExclusiveConsumer() throws Exception {
        assertThat(Replies.replyCode(() -> channel.queueDeclare("solo", true, false, false,
                Map.of("x-single-active-consumer", "yes")))).isEqualTo(406);
        channel = connection.createChannel();
        channel.queueDeclare("solo", true, false, false, Map.of("x-single-active-consumer", true));
        assertThat(Replies.replyCode(() -> channel.basicConsume("solo", false, "mine", false, true, null,
                (tag, d) -> { }, tag -> { }))).isEqualTo(403);
    }

    @Test
    void aRedeclareWithAnotherLimitIsInequivalent() throws Exception {
        channel.queueDeclare("limited", true, false, false, Map.of("x-max-length", 2));
        int code = Replies.replyCode(() -> channel.queueDeclare("limited", true, false, false,
                Map.of("x-max-length", 3)));
        assertThat(code).isEqualTo(406);
    }
}
