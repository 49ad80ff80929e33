package dev.trilog.compare.driver;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Declares and deletes the queues and exchanges a run needs, over AMQP 0-9-1 with RabbitMQ's Java
 * client: both AMQP drivers use it, because AMQP 1.0 has no standard way to declare a queue (only
 * RabbitMQ 4's management node, which RabbitMQ 3.x and other brokers lack), while every broker on
 * port 5672 that speaks 1.0 for compare (Trilog, RabbitMQ) also speaks 0-9-1.
 *
 * <p>Layout: one durable queue per reader, {@code <id>-q<r>}; with more than one reader a fanout
 * exchange {@code <id>-x} bound to each, so a message is published once and stored per queue, as
 * RabbitMQ users fan out.
 */
final class RabbitAdmin implements AutoCloseable {

    private final ConnectionFactory factory;
    private final Connection connection;

    RabbitAdmin(String address) throws IOException, TimeoutException {
        this.factory = connectionFactory(address);
        this.connection = factory.newConnection("trilog-compare-admin");
    }

    /** A factory for {@code host:port} with the guest credentials both Trilog and a local RabbitMQ accept. */
    static ConnectionFactory connectionFactory(String address) {
        int colon = address.lastIndexOf(':');
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(address.substring(0, colon));
        factory.setPort(Integer.parseInt(address.substring(colon + 1)));
        factory.setUsername("guest");
        factory.setPassword("guest");
        factory.setAutomaticRecoveryEnabled(false);
        return factory;
    }

    ConnectionFactory factory() {
        return factory;
    }

    /** Where a publisher sends and what each reader reads. */
    record Layout(String exchange, String routingKey, List<String> queues) {
    }

    Layout declare(String id, int readers) throws IOException {
        List<String> queues = new ArrayList<>();
        try (Channel channel = connection.createChannel()) {
            for (int r = 0; r < readers; r++) {
                String queue = id + "-q" + r;
                channel.queueDeclare(queue, true, false, false, Map.of());
                queues.add(queue);
            }
            if (readers == 1) {
                return new Layout("", queues.get(0), queues);
            }
            String exchange = id + "-x";
            channel.exchangeDeclare(exchange, "fanout", true);
            for (String queue : queues) {
                channel.queueBind(queue, exchange, "");
            }
            return new Layout(exchange, "", queues);
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
    }

    void declareQueue(String queue, Map<String, Object> arguments) throws IOException {
        try (Channel channel = connection.createChannel()) {
            channel.queueDeclare(queue, true, false, false, arguments);
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
    }

    /**
     * A quorum queue that dead-letters a message to {@code deadLetterQueue} (through the default
     * exchange) once it has been delivered {@code deliveryLimit} times: the poison-message set-up of
     * both AMQP dialects.
     */
    void declareWithDeliveryLimit(String queue, String deadLetterQueue, int deliveryLimit) throws IOException {
        declareQueue(deadLetterQueue, Map.of());
        declareQueue(queue, Map.of("x-queue-type", "quorum", "x-delivery-limit", deliveryLimit,
                "x-dead-letter-exchange", "", "x-dead-letter-routing-key", deadLetterQueue));
    }

    /** Deletes queues and exchanges by name; what is already gone is skipped. */
    void delete(List<String> queues, String exchange) {
        for (String queue : queues) {
            try (Channel channel = connection.createChannel()) {
                channel.queueDelete(queue);
            } catch (IOException | TimeoutException | RuntimeException e) {
                // left behind in the temporary data directory
            }
        }
        if (exchange != null && !exchange.isEmpty()) {
            try (Channel channel = connection.createChannel()) {
                channel.exchangeDelete(exchange);
            } catch (IOException | TimeoutException | RuntimeException e) {
                // as above
            }
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (IOException | RuntimeException e) {
            // the broker may already be gone
        }
    }
}
