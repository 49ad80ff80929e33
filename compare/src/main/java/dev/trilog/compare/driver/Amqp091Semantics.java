package dev.trilog.compare.driver;

import static dev.trilog.compare.driver.KafkaDriver.figures;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import dev.trilog.compare.scenario.ScenarioResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The semantics scenarios through RabbitMQ's Java client, each on its own queue: classic queues for
 * the queue behaviours, a stream queue ({@code x-queue-type: stream}) for replay, a quorum queue
 * with {@code x-delivery-limit} for the poison message.
 */
final class Amqp091Semantics implements SemanticsProbe {

    private static final String PROTOCOL = "amqp091";
    private final RabbitAdmin admin;

    Amqp091Semantics(RabbitAdmin admin) {
        this.admin = admin;
    }

    private Connection connect(String name) throws Exception {
        return admin.factory().newConnection("trilog-compare-" + name);
    }

    private static void send(Channel channel, String queue, int from, int count) throws Exception {
        channel.confirmSelect();
        for (int i = from; i < from + count; i++) {
            channel.basicPublish("", queue, MessageProperties.PERSISTENT_BASIC,
                    Integer.toString(i).getBytes(StandardCharsets.US_ASCII));
        }
        channel.waitForConfirmsOrDie(10_000);
    }

    private static String text(byte[] body) {
        return new String(body, StandardCharsets.US_ASCII);
    }

    /** Reads {@code max} messages from a stream queue from {@code offset} (a consumer needs manual acks and a prefetch). */
    private static List<String> readStream(Connection connection, String queue, Object offset, int max) throws Exception {
        ConcurrentLinkedQueue<String> arrived = new ConcurrentLinkedQueue<>();
        try (Channel channel = connection.createChannel()) {
            channel.basicQos(100);
            channel.basicConsume(queue, false, Map.of("x-stream-offset", offset), (tag, delivery) -> {
                arrived.add(text(delivery.getBody()));
                channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
            }, tag -> { });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (arrived.size() < max && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        return new ArrayList<>(arrived);
    }

    @Override
    public ScenarioResult replay(String id) throws Exception {
        long start = System.nanoTime();
        String classic = id + "-replay";
        String stream = id + "-replay-stream";
        admin.declareQueue(classic, Map.of());
        admin.declareQueue(stream, Map.of("x-queue-type", "stream"));
        int consumed = 0;
        int again;
        List<String> first;
        List<String> second;
        try (Connection connection = connect("replay"); Channel channel = connection.createChannel()) {
            send(channel, classic, 0, 100);
            send(channel, stream, 0, 100);
            while (channel.basicGet(classic, true) != null) {
                consumed++;
            }
            again = channel.basicGet(classic, true) == null ? 0 : 1;
            first = readStream(connection, stream, "first", 100);
            second = readStream(connection, stream, "first", 100);
        } finally {
            admin.delete(List.of(classic, stream), null);
        }
        return ScenarioResult.observed("replay", PROTOCOL,
                "A classic queue: " + consumed + " messages consumed and acknowledged, asking again returned " + again
                        + " (an acknowledged message is gone). A stream queue read from x-stream-offset=first gave "
                        + first.size() + " messages, and the same read again gave " + second.size()
                        + ": streams keep messages for re-reading, by offset, timestamp or first/last/next.",
                figures("consumed", consumed, "reread", again, "streamFirstRead", first.size(),
                        "streamSecondRead", second.size()), start);
    }

    @Override
    public ScenarioResult consumerKilled(String id) throws Exception {
        long start = System.nanoTime();
        String queue = id + "-killed";
        admin.declareQueue(queue, Map.of());
        Set<String> seenByFirst = new HashSet<>();
        int ackedByFirst = 0;
        List<String> second = new ArrayList<>();
        int redelivered = 0;
        long firstRedelivery = -1;
        try (Connection connection = connect("killed")) {
            try (Channel producer = connection.createChannel()) {
                send(producer, queue, 0, 100);
            }
            Channel first = connection.createChannel();
            first.basicQos(10);
            ConcurrentLinkedQueue<com.rabbitmq.client.Delivery> held = new ConcurrentLinkedQueue<>();
            first.basicConsume(queue, false, (tag, delivery) -> held.add(delivery), tag -> { });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (held.size() < 10 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            List<com.rabbitmq.client.Delivery> batch = new ArrayList<>(held);
            for (com.rabbitmq.client.Delivery delivery : batch) {
                seenByFirst.add(text(delivery.getBody()));
            }
            ackedByFirst = batch.size() / 2;
            if (ackedByFirst > 0) {
                first.basicAck(batch.get(ackedByFirst - 1).getEnvelope().getDeliveryTag(), true);
            }
            long died = System.nanoTime();
            first.abort(); // the consumer dies holding the other half unacknowledged
            try (Channel successor = connection.createChannel()) {
                Set<String> distinct = new HashSet<>();
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                GetResponse got;
                while (distinct.size() < 100 - ackedByFirst && System.nanoTime() < deadline) {
                    got = successor.basicGet(queue, true);
                    if (got == null) {
                        Thread.sleep(5);
                        continue;
                    }
                    String body = text(got.getBody());
                    if (got.getEnvelope().isRedeliver()) {
                        redelivered++;
                        if (firstRedelivery < 0) {
                            firstRedelivery = (System.nanoTime() - died) / 1_000_000;
                        }
                    }
                    second.add(body);
                    distinct.add(body);
                }
            }
        } finally {
            admin.delete(List.of(queue), null);
        }
        long duplicates = second.stream().filter(seenByFirst::contains).count();
        Set<String> all = new HashSet<>(seenByFirst);
        all.addAll(second);
        int unacked = seenByFirst.size() - ackedByFirst;
        return ScenarioResult.observed("consumer-killed", PROTOCOL,
                "The first consumer (prefetch 10) held " + seenByFirst.size() + ", acknowledged " + ackedByFirst
                        + " and its channel died; the " + unacked + " unacknowledged came back at once with redelivered=true ("
                        + redelivered + " flagged, first after " + firstRedelivery + " ms): " + duplicates + " seen twice, "
                        + (100 - all.size()) + " lost.",
                figures("seenByFirst", seenByFirst.size(), "ackedByFirst", ackedByFirst, "deliveredToSuccessor", second.size(),
                        "redelivered", redelivered, "duplicates", duplicates, "lost", 100 - all.size(),
                        "msUntilRedelivery", firstRedelivery), start);
    }

    @Override
    public ScenarioResult ordering(String id) throws Exception {
        long start = System.nanoTime();
        String queue = id + "-order";
        admin.declareQueue(queue, Map.of());
        int count = 1000;
        ConcurrentLinkedQueue<long[]> arrivals = new ConcurrentLinkedQueue<>();
        int[] perConsumer = new int[2];
        try (Connection connection = connect("order")) {
            try (Channel producer = connection.createChannel()) {
                send(producer, queue, 0, count);
            }
            List<Channel> consumers = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                int index = c;
                Channel channel = connection.createChannel();
                channel.basicQos(10);
                channel.basicConsume(queue, false, (tag, delivery) -> {
                    arrivals.add(new long[] {System.nanoTime(), Long.parseLong(text(delivery.getBody())), index});
                    perConsumer[index]++;
                    channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
                }, tag -> { });
                consumers.add(channel);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (arrivals.size() < count && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            for (Channel channel : consumers) {
                channel.close();
            }
        } finally {
            admin.delete(List.of(queue), null);
        }
        Ordering order = Ordering.of(new ArrayList<>(arrivals));
        return ScenarioResult.observed("ordering", PROTOCOL,
                "1 queue, 2 consumers (prefetch 10) pushed to round-robin: " + order.describe(count)
                        + " Each consumer sees its share in queue order; together they interleave.",
                figures("sent", count, "received", order.received(), "outOfOrder", order.inversions(),
                        "consumer0", perConsumer[0], "consumer1", perConsumer[1]), start);
    }

    @Override
    public ScenarioResult poisonMessage(String id) throws Exception {
        long start = System.nanoTime();
        String queue = id + "-poison";
        String dlq = id + "-dlq";
        int deliveryLimit = 3;
        admin.declareWithDeliveryLimit(queue, dlq, deliveryLimit);
        int attempts = 0;
        int processed = 0;
        GetResponse deadLettered = null;
        try (Connection connection = connect("poison"); Channel channel = connection.createChannel()) {
            send(channel, queue, 0, 3); // message "1" is the poison
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (deadLettered == null && System.nanoTime() < deadline) {
                GetResponse got = channel.basicGet(queue, false);
                if (got == null) {
                    deadLettered = channel.basicGet(dlq, true);
                    if (deadLettered == null) {
                        Thread.sleep(10);
                    }
                    continue;
                }
                if (text(got.getBody()).equals("1")) {
                    attempts++;
                    channel.basicNack(got.getEnvelope().getDeliveryTag(), false, true); // fail it, back to the queue
                } else {
                    processed++;
                    channel.basicAck(got.getEnvelope().getDeliveryTag(), false);
                }
            }
        } finally {
            admin.delete(List.of(queue, dlq), null);
        }
        String observed = deadLettered == null
                ? "The poison message was returned " + attempts + " times and did not reach the dead-letter queue within 30 s."
                : "The poison message was returned to its quorum queue " + attempts + " times (x-delivery-limit "
                        + deliveryLimit + "), then dead-lettered to " + dlq + " via x-dead-letter-exchange; the "
                        + processed + " other message(s) were processed meanwhile.";
        return ScenarioResult.observed("poison-message", PROTOCOL, observed,
                figures("attempts", attempts, "deliveryLimit", deliveryLimit, "processedOthers", processed,
                        "deadLettered", deadLettered != null), start);
    }
}
