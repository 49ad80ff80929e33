package dev.trilog.compat.amqp091;

import static dev.trilog.compat.amqp091.Replies.replyCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stream queues through the RabbitMQ Java client, as RabbitMQ's stream tutorial uses them: a
 * durable {@code x-queue-type: stream} queue read with basic.consume from each
 * {@code x-stream-offset}, a prefetch, acks that give credit, and the same records for every
 * consumer; and a plain topic read the same way.
 */
class Amqp091StreamTest {

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
        channel.queueDeclare("events", true, false, false, Map.of("x-queue-type", "stream"));
        channel.confirmSelect();
        for (int i = 0; i < 5; i++) {
            channel.basicPublish("", "events", null, ("e" + i).getBytes(StandardCharsets.UTF_8));
        }
        channel.waitForConfirmsOrDie(10_000);
    }

    @AfterEach
    void stop() throws Exception {
        if (connection.isOpen()) {
            connection.close();
        }
        server.close();
    }

    /** Consumes with {@code offset}, acking each, until {@code n} arrive; returns bodies and offsets. */
    List<String> read(Object offset, int n) throws Exception {
        Channel c = connection.createChannel();
        c.basicQos(2);
        BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
        String tag = c.basicConsume("events", false, offset == null ? Map.of() : Map.of("x-stream-offset", offset),
                (t, d) -> {
                    got.add(d);
                    c.basicAck(d.getEnvelope().getDeliveryTag(), false);
                }, t -> { });
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Delivery d = got.poll(10, TimeUnit.SECONDS);
            assertThat(d).as("delivery %d of %d", i + 1, n).isNotNull();
            out.add(new String(d.getBody(), StandardCharsets.UTF_8) + "@" + d.getProperties().getHeaders()
                    .get("x-stream-offset"));
        }
        assertThat(got.poll(200, TimeUnit.MILLISECONDS)).isNull();
        c.basicCancel(tag);
        c.close();
        return out;
    }

    @Test
    void eachOffsetSpecReadsFromWhereItSays() throws Exception {
        assertThat(read("first", 5)).containsExactly("e0@0", "e1@1", "e2@2", "e3@3", "e4@4");
        assertThat(read("last", 1)).containsExactly("e4@4");
        assertThat(read(2, 3)).containsExactly("e2@2", "e3@3", "e4@4");
        assertThat(read(new Date(System.currentTimeMillis() + 60_000), 0)).isEmpty();
        assertThat(read("10m", 5)).hasSize(5);
        // every consumer read the same records: nothing was taken away
        assertThat(read("first", 5)).hasSize(5);
    }

    @Test
    void nextWaitsForNewRecordsAndAcksGiveCredit() throws Exception {
        Channel c = connection.createChannel();
        c.basicQos(2);
        BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
        c.basicConsume("events", false, Map.of("x-stream-offset", "next"), (t, d) -> got.add(d), t -> { });
        assertThat(got.poll(200, TimeUnit.MILLISECONDS)).isNull();
        for (int i = 5; i < 9; i++) {
            channel.basicPublish("", "events", null, ("e" + i).getBytes(StandardCharsets.UTF_8));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
        Thread.sleep(200);
        assertThat(got).hasSize(2); // the prefetch
        Delivery second = new ArrayList<>(got).get(1);
        got.clear();
        c.basicAck(second.getEnvelope().getDeliveryTag(), true);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
        assertThat(new String(got.take().getBody(), StandardCharsets.UTF_8)).isEqualTo("e7");
    }

    @Test
    void streamsRefuseWhatRabbitMqRefuses() throws Exception {
        assertThat(replyCode(() -> channel.basicGet("events", true))).isEqualTo(540); // closes the connection
        connection = server.factory().newConnection();
        channel = connection.createChannel();
        assertThat(replyCode(() -> channel.basicConsume("events", true, (t, d) -> { }, t -> { }))).isEqualTo(406);
        channel = connection.createChannel();
        assertThat(replyCode(() -> channel.basicConsume("events", false, (t, d) -> { }, t -> { })))
                .as("no prefetch").isEqualTo(406);
        channel = connection.createChannel();
        assertThat(replyCode(() -> channel.queueDeclare("s2", false, false, false,
                Map.of("x-queue-type", "stream")))).isEqualTo(406);
    }

    @Test
    void aTopicThatIsNoQueueNeedsAnOffsetToBeRead() throws Exception {
        Channel c = connection.createChannel();
        c.basicQos(10);
        assertThat(replyCode(() -> c.basicConsume("no-such-topic", false, Map.of("x-stream-offset", "first"),
                (t, d) -> { }, t -> { }))).isEqualTo(404);
    }
}
