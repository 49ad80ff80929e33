package dev.trilog.compat.abuse;

import dev.trilog.compat.sqs.SqsClients;
import dev.trilog.compat.soak.SoakBroker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The clients that must keep working while others abuse the broker: a Kafka producer
 * ({@code acks=all}, one record at a time) and an SQS sender, each timing its own round trips.
 */
final class OrdinaryClients implements AutoCloseable {

    static final String TOPIC = "abuse-ordinary";
    static final String QUEUE = "abuse-ordinary";

    private final KafkaProducer<String, String> producer;
    private final SqsClient sqs;
    private final String queueUrl;

    OrdinaryClients(SoakBroker broker) {
        Properties settings = new Properties();
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // generous: a loaded 2-core machine under abuse is slow, and slowness is measured, not failed
        settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 60_000);
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000);
        producer = new KafkaProducer<>(settings, new StringSerializer(), new StringSerializer());
        sqs = SqsClients.sync(broker.sqsEndpoint());
        queueUrl = sqs.createQueue(b -> b.queueName(QUEUE)).queueUrl();
    }

    /** Round-trip times of one round, in nanoseconds, per client. */
    record Latencies(List<Long> kafka, List<Long> sqs) {

        Latencies() {
            this(new ArrayList<>(), new ArrayList<>());
        }

        void addAll(Latencies other) {
            kafka.addAll(other.kafka);
            sqs.addAll(other.sqs);
        }

        static double p99Millis(List<Long> nanos) {
            List<Long> sorted = new ArrayList<>(nanos);
            Collections.sort(sorted);
            return sorted.get(Math.max(0, (int) Math.ceil(sorted.size() * 0.99) - 1)) / 1e6;
        }
    }

    /**
     * Sends {@code count} records and {@code count} messages, one at a time, each acknowledged
     * before the next; throws when one is not (the ordinary client stopped working).
     */
    Latencies round(int count) throws Exception {
        Latencies latencies = new Latencies();
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            producer.send(new ProducerRecord<>(TOPIC, "ordinary-" + i)).get(120, TimeUnit.SECONDS);
            latencies.kafka.add(System.nanoTime() - start);
            start = System.nanoTime();
            String body = "ordinary-" + i;
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body));
            latencies.sqs.add(System.nanoTime() - start);
        }
        return latencies;
    }

    @Override
    public void close() {
        producer.close();
        sqs.close();
    }
}
