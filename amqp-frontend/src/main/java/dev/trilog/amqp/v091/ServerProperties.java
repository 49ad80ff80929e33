package dev.trilog.amqp.v091;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code server-properties} of {@code connection.start}: who we are, and the capabilities
 * RabbitMQ announces that Trilog implements (clients switch features on by them). Not
 * announced, because not implemented: {@code consumer_priorities}.
 */
final class ServerProperties {

    /** The capabilities announced, each true. */
    static final String[] CAPABILITIES = {
        "publisher_confirms", "exchange_exchange_bindings", "basic.nack", "consumer_cancel_notify",
        "connection.blocked", "authentication_failure_close", "per_consumer_qos", "direct_reply_to"};

    private ServerProperties() {
    }

    static Map<String, Object> get() {
        Map<String, Object> capabilities = new LinkedHashMap<>();
        for (String c : CAPABILITIES) {
            capabilities.put(c, true);
        }
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("product", "Trilog");
        String version = ServerProperties.class.getPackage().getImplementationVersion();
        props.put("version", version == null ? "0.1.0-SNAPSHOT" : version);
        props.put("platform", "Java " + Runtime.version().feature());
        props.put("cluster_name", "trilog");
        props.put("information", "One log, three protocols: Kafka, AMQP and SQS");
        props.put("capabilities", capabilities);
        return props;
    }
}
