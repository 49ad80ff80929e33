package dev.trilog.compare.driver;

import dev.trilog.compare.broker.Broker;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/** The four dialects compare runs, each with its driver, in the order reports show them. */
public enum Protocol {
    KAFKA("kafka", "Kafka", KafkaDriver::new),
    SQS("sqs", "SQS", SqsDriver::new),
    AMQP091("amqp091", "AMQP 0-9-1", Amqp091Driver::new),
    AMQP10("amqp10", "AMQP 1.0", Amqp10Driver::new);

    private final String id;
    private final String title;
    private final Function<Broker, Driver> factory;

    Protocol(String id, String title, Function<Broker, Driver> factory) {
        this.id = id;
        this.title = title;
        this.factory = factory;
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    public Driver driver(Broker broker) {
        return factory.apply(broker);
    }

    public static Optional<Protocol> byId(String id) {
        String wanted = id.trim().toLowerCase(Locale.ROOT).replace("-", "").replace(".", "").replace("_", "");
        return Arrays.stream(values()).filter(p -> p.id.equals(wanted)).findFirst();
    }
}
