package dev.trilog.compare.driver;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.MessageProperties;
import dev.trilog.compare.broker.Broker;
import dev.trilog.compare.workload.Workload;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * AMQP 0-9-1 through RabbitMQ's Java client ({@code com.rabbitmq:amqp-client}): a durable queue
 * per reader ({@link RabbitAdmin}), persistent messages published with or without publisher
 * confirms, consumers pushed to by {@code basic.consume} with {@code basic.qos} prefetch, acking
 * each poll's deliveries with one {@code basic.ack multiple} or consuming with autoack, as the
 * workload's {@code amqp091} settings say. Fan-out is a fanout exchange bound to one queue per reader.
 */
public final class Amqp091Driver implements Driver {

    /** Confirms outstanding per publisher before {@code publish} waits: bounds memory and latency. */
    static final int MAX_UNCONFIRMED = 1000;

    private final RabbitAdmin admin;
    private final Map<String, RabbitAdmin.Layout> layouts = new ConcurrentHashMap<>();

    public Amqp091Driver(Broker broker) {
        try {
            this.admin = new RabbitAdmin(broker.amqpAddress());
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("cannot connect to AMQP 0-9-1 on " + broker.amqpAddress() + ": " + e, e);
        }
    }

    RabbitAdmin admin() {
        return admin;
    }

    @Override
    public String protocol() {
        return "amqp091";
    }

    @Override
    public String client() {
        return "RabbitMQ Java client " + com.rabbitmq.client.impl.ClientVersion.VERSION;
    }

    @Override
    public Topology prepare(Workload workload, String id) throws IOException {
        RabbitAdmin.Layout layout = admin.declare(id, workload.readers());
        layouts.put(id, layout);
        return new Topology(id, workload, List.of(layout.exchange()), layout.queues());
    }

    @Override
    public Publisher publisher(Topology topology, int index) throws Exception {
        return new Amqp091Publisher(admin.factory().newConnection("trilog-compare-publisher-" + index),
                layouts.get(topology.id()), topology.workload().amqp091().confirms());
    }

    @Override
    public Subscriber subscriber(Topology topology, int reader, int index) throws Exception {
        return new Amqp091Subscriber(admin.factory().newConnection("trilog-compare-consumer-" + reader + "-" + index),
                topology.sources().get(reader), topology.workload().amqp091());
    }

    @Override
    public void cleanup(Topology topology) {
        RabbitAdmin.Layout layout = layouts.remove(topology.id());
        if (layout != null) {
            admin.delete(layout.queues(), layout.exchange());
        }
    }

    @Override
    public SemanticsProbe semantics() {
        return new Amqp091Semantics(admin);
    }

    @Override
    public void close() {
        admin.close();
    }

    static void closeQuietly(Connection connection) {
        try {
            connection.close(2_000);
        } catch (IOException | RuntimeException e) {
            // the broker may already be gone
        }
    }

    /** Publishes persistent messages on one channel; with confirms, each message's outcome is its ack or nack. */
    private static final class Amqp091Publisher implements Publisher {
        private record Pending(Acks acks, int index) {
        }

        private final Connection connection;
        private final Channel channel;
        private final RabbitAdmin.Layout layout;
        private final boolean confirms;
        private final ConcurrentNavigableMap<Long, Pending> unconfirmed = new ConcurrentSkipListMap<>();
        private final Semaphore window = new Semaphore(MAX_UNCONFIRMED);

        Amqp091Publisher(Connection connection, RabbitAdmin.Layout layout, boolean confirms) throws IOException {
            this.connection = connection;
            this.channel = connection.createChannel();
            this.layout = layout;
            this.confirms = confirms;
            if (confirms) {
                channel.confirmSelect();
                channel.addConfirmListener((tag, multiple) -> settled(tag, multiple, null),
                        (tag, multiple) -> settled(tag, multiple, new IllegalStateException("basic.nack from the broker")));
            }
        }

        private void settled(long tag, boolean multiple, Throwable error) {
            List<Pending> done = new ArrayList<>();
            if (multiple) {
                ConcurrentNavigableMap<Long, Pending> upTo = unconfirmed.headMap(tag, true);
                done.addAll(upTo.values());
                upTo.clear();
            } else {
                Pending pending = unconfirmed.remove(tag);
                if (pending != null) {
                    done.add(pending);
                }
            }
            for (Pending pending : done) {
                pending.acks().done(pending.index(), error);
            }
            window.release(done.size());
        }

        @Override
        public int maxBatch() {
            return 100;
        }

        @Override
        public void publish(List<byte[]> bodies, Acks acks) throws Exception {
            for (int i = 0; i < bodies.size(); i++) {
                if (confirms) {
                    window.acquire();
                    unconfirmed.put(channel.getNextPublishSeqNo(), new Pending(acks, i));
                }
                channel.basicPublish(layout.exchange(), layout.routingKey(), MessageProperties.PERSISTENT_BASIC,
                        bodies.get(i));
                if (!confirms) {
                    acks.done(i, null);
                }
            }
        }

        @Override
        public void flush(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!unconfirmed.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }

        @Override
        public void close() {
            closeQuietly(connection);
        }
    }

    /** {@code basic.consume} into a queue the poll drains; one {@code basic.ack multiple} per poll. */
    private static final class Amqp091Subscriber implements Subscriber {
        private record Delivered(long tag, byte[] body) {
        }

        private final Connection connection;
        private final Channel channel;
        private final boolean autoAck;
        private final BlockingQueue<Delivered> arrived = new LinkedBlockingQueue<>();

        Amqp091Subscriber(Connection connection, String queue, Workload.Amqp091Settings settings) throws IOException {
            this.connection = connection;
            this.channel = connection.createChannel();
            this.autoAck = settings.autoAck();
            if (!autoAck && settings.prefetch() > 0) {
                channel.basicQos(settings.prefetch());
            }
            channel.basicConsume(queue, autoAck, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String consumerTag, Envelope envelope,
                                           com.rabbitmq.client.AMQP.BasicProperties properties, byte[] body) {
                    arrived.add(new Delivered(envelope.getDeliveryTag(), body));
                }
            });
        }

        @Override
        public void awaitReady(Duration timeout) {
            // basic.consume-ok has arrived once the constructor returns
        }

        @Override
        public int poll(Duration timeout, Sink sink) throws Exception {
            Delivered first = arrived.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (first == null) {
                return 0;
            }
            List<Delivered> batch = new ArrayList<>();
            batch.add(first);
            arrived.drainTo(batch, 10_000);
            for (Delivered delivered : batch) {
                sink.delivered(delivered.body());
            }
            if (!autoAck) {
                channel.basicAck(batch.get(batch.size() - 1).tag(), true);
            }
            return batch.size();
        }

        @Override
        public void close() {
            closeQuietly(connection);
        }
    }
}
