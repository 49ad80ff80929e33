package dev.trilog.compat.amqp091;

import static dev.trilog.compat.amqp091.Amqp091BasicsTest.awaitGet;
import static dev.trilog.compat.amqp091.Amqp091BasicsTest.bytes;
import static dev.trilog.compat.amqp091.Amqp091BasicsTest.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.GetResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
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
 * single active consumer, queue expiry; and dead-lettering more than once, where {@code x-death}
 * has one table per (queue, reason), most recent first, whose {@code count} grows each time the
 * message dies again in that queue for that reason ({@code x-first-death-*} stay with the first
 * death, {@code x-last-death-*} follow the latest), and RabbitMQ's cycle rule drops a message that
 * would only expire round a cycle of queues forever.
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

    // ---------------------------------------------------------------- x-death

    /** A TTL short enough for a test; a message past it is dead-lettered by the next receive. */
    private static final int TTL_MS = 50;

    @Test
    void rejectedBackAndForthBetweenTwoQueuesCountsEachQueue() throws Exception {
        channel.exchangeDeclare("jobs", "direct");
        channel.queueDeclare("a", true, false, false, Map.of("x-dead-letter-exchange", "",
                "x-dead-letter-routing-key", "b"));
        channel.queueDeclare("b", true, false, false, Map.of("x-dead-letter-exchange", "",
                "x-dead-letter-routing-key", "a"));
        channel.queueBind("a", "jobs", "job");
        channel.basicPublish("jobs", "job", null, bytes("poison"));

        rejectFrom("a"); // → b: [a/rejected 1]
        rejectFrom("b"); // → a: [b/rejected 1, a/rejected 1]
        rejectFrom("a"); // → b: [a/rejected 2, b/rejected 1]
        GetResponse dead = awaitGet(channel, "b", true);

        assertThat(text(dead.getBody())).isEqualTo("poison");
        Map<String, Object> headers = dead.getProps().getHeaders();
        List<Map<String, Object>> deaths = xDeath(headers);
        assertThat(deaths).hasSize(2);
        assertThat(deaths.get(0)).containsEntry("count", 2L);
        assertThat(field(deaths.get(0), "queue")).isEqualTo("a");
        assertThat(field(deaths.get(0), "reason")).isEqualTo("rejected");
        assertThat(field(deaths.get(0), "exchange")).as("it came into a from b's dead-letter exchange").isEmpty();
        assertThat(keys(deaths.get(0))).containsExactly("a");
        assertThat(deaths.get(0).get("time")).isInstanceOf(Date.class);
        assertThat(deaths.get(1)).containsEntry("count", 1L);
        assertThat(field(deaths.get(1), "queue")).isEqualTo("b");
        assertThat(field(headers, "x-first-death-queue")).isEqualTo("a");
        assertThat(field(headers, "x-first-death-reason")).isEqualTo("rejected");
        assertThat(field(headers, "x-first-death-exchange")).as("the exchange it was first published to")
                .isEqualTo("jobs");
        assertThat(field(headers, "x-last-death-queue")).isEqualTo("a");
    }

    @Test
    void theDelayedRetryPatternCountsRejectionsAndExpiriesApart() throws Exception {
        channel.queueDeclare("work", true, false, false, Map.of("x-dead-letter-exchange", "",
                "x-dead-letter-routing-key", "retry"));
        channel.queueDeclare("retry", true, false, false, Map.of("x-message-ttl", TTL_MS,
                "x-dead-letter-exchange", "", "x-dead-letter-routing-key", "work"));
        channel.basicPublish("", "work", new AMQP.BasicProperties.Builder().expiration("600000").build(),
                bytes("flaky"));

        rejectFrom("work");
        expireFrom("retry");
        GetResponse once = awaitGet(channel, "work", false);
        List<Map<String, Object>> first = xDeath(once.getProps().getHeaders());
        assertThat(first).extracting(d -> field(d, "queue")).containsExactly("retry", "work");
        assertThat(field(first.get(1), "original-expiration"))
                .as("the rejection removed the message's own expiration, and x-death records it").isEqualTo("600000");
        assertThat(once.getProps().getExpiration()).isNull();
        channel.basicReject(once.getEnvelope().getDeliveryTag(), false);
        expireFrom("retry");
        GetResponse back = awaitGet(channel, "work", true);

        List<Map<String, Object>> deaths = xDeath(back.getProps().getHeaders());
        assertThat(deaths).hasSize(2);
        assertThat(field(deaths.get(0), "queue")).isEqualTo("retry");
        assertThat(field(deaths.get(0), "reason")).isEqualTo("expired");
        assertThat(deaths.get(0)).containsEntry("count", 2L);
        assertThat(field(deaths.get(1), "queue")).isEqualTo("work");
        assertThat(field(deaths.get(1), "reason")).isEqualTo("rejected");
        assertThat(deaths.get(1)).containsEntry("count", 2L)
                .as("an entry tells its latest death, which had no expiration left").doesNotContainKey(
                        "original-expiration");
        assertThat(field(back.getProps().getHeaders(), "x-first-death-queue")).isEqualTo("work");
        assertThat(field(back.getProps().getHeaders(), "x-last-death-reason")).isEqualTo("expired");
    }

    @Test
    void aMessageThatWouldOnlyExpireRoundACycleIsDropped() throws Exception {
        channel.queueDeclare("ping", true, false, false, Map.of("x-message-ttl", TTL_MS,
                "x-dead-letter-exchange", "", "x-dead-letter-routing-key", "pong"));
        channel.queueDeclare("pong", true, false, false, Map.of("x-message-ttl", TTL_MS,
                "x-dead-letter-exchange", "", "x-dead-letter-routing-key", "ping"));
        channel.basicPublish("", "ping", null, bytes("forever?"));

        expireFrom("ping"); // → pong: [ping/expired 1]
        expireFrom("pong"); // would go back to ping, where it expired already, no consumer involved: dropped

        Thread.sleep(2 * TTL_MS);
        assertThat(channel.basicGet("ping", true)).isNull();
        assertThat(channel.basicGet("pong", true)).isNull();
        assertThat(channel.messageCount("ping") + channel.messageCount("pong")).isZero();
    }

    /** Takes the message from {@code queue} and rejects it without requeue (it is dead-lettered). */
    private void rejectFrom(String queue) throws Exception {
        GetResponse got = awaitGet(channel, queue, false);
        channel.basicReject(got.getEnvelope().getDeliveryTag(), false);
    }

    /**
     * Waits for the message to arrive in {@code queue} and outlive its TTL there, then lets a
     * receive find it expired (expiry is lazy, as in RabbitMQ): it is dead-lettered, not delivered.
     */
    private void expireFrom(String queue) throws Exception {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> channel.messageCount(queue) == 1);
        Thread.sleep(2 * TTL_MS); // past the TTL, which counts from before it arrived: it has run out
        assertThat(channel.basicGet(queue, true)).as("expired in %s", queue).isNull();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> xDeath(Map<String, Object> headers) {
        return (List<Map<String, Object>>) headers.get("x-death");
    }

    @SuppressWarnings("unchecked")
    private static List<String> keys(Map<String, Object> death) {
        return ((List<Object>) death.get("routing-keys")).stream().map(Object::toString).toList();
    }

    private static String field(Map<String, Object> table, String key) {
        Object value = table.get(key);
        return value == null ? null : value.toString();
    }
}
