package dev.trilog.compat.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Real kafka-clients producers and consumers, configured for tests against a local Trilog. */
public final class KafkaClients {

    private KafkaClients() {
    }

    public static KafkaProducer<String, String> producer(String bootstrap, Map<String, Object> overrides) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.putAll(overrides);
        return new KafkaProducer<>(props);
    }

    public static KafkaConsumer<String, String> consumer(String bootstrap, Map<String, Object> overrides) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.putAll(overrides);
        return new KafkaConsumer<>(props);
    }

    /**
     * A group consumer's settings for fast tests: heartbeats every 200 ms, so a member learns of
     * a rebalance quickly; small batches, so work spreads over several polls.
     */
    public static Map<String, Object> groupDefaults(String group) {
        return Map.of(ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 200,
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
    }

    /** Produces {@code count} keyed records ({@code prefix-key-i} → {@code prefix-i}); returns their ids ("topic-partition@offset"). */
    public static List<String> produceKeyed(String bootstrap, String topic, String prefix, int count) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer(bootstrap, Map.of())) {
            for (int i = 0; i < count; i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, prefix + "-key-" + i,
                        prefix + "-" + i)));
            }
        }
        List<String> ids = new ArrayList<>();
        for (Future<RecordMetadata> future : sent) {
            RecordMetadata metadata = future.get();
            ids.add(metadata.topic() + "-" + metadata.partition() + "@" + metadata.offset());
        }
        return ids;
    }

    /** A record's id as {@link #produceKeyed} gives it. */
    public static String id(ConsumerRecord<String, String> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    /** Partitions 0 to {@code count} − 1 of {@code topic}. */
    public static Set<TopicPartition> partitions(String topic, int count) {
        Set<TopicPartition> result = new HashSet<>();
        for (int p = 0; p < count; p++) {
            result.add(new TopicPartition(topic, p));
        }
        return result;
    }

    /** A client's {@code sasl.jaas.config} for {@code mechanism} (PLAIN or SCRAM-SHA-*), as a user writes it. */
    public static String jaas(String mechanism, String user, String password) {
        return (mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule")
                + " required username=\"" + user + "\" password=\"" + password + "\";";
    }

    public static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    /** The exception an AdminClient call failed with; an AssertionError when it succeeded. */
    static Throwable failureOf(org.apache.kafka.common.KafkaFuture<?> future) {
        try {
            future.get();
            throw new AssertionError("expected the call to fail");
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Reads from the start of the given partitions (no group) until {@code count} records arrived. */
    public static List<ConsumerRecord<String, String>> readAll(String bootstrap, List<TopicPartition> partitions, int count,
            Map<String, Object> overrides) {
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, overrides)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /** What a send of one record to {@code topic} failed with; an AssertionError when it succeeded. */
    public static Throwable sendFailure(KafkaProducer<String, String> producer, String topic) {
        try {
            producer.send(new ProducerRecord<>(topic, "refused")).get(60, java.util.concurrent.TimeUnit.SECONDS);
            throw new AssertionError("the send to " + topic + " succeeded");
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
    }
}
