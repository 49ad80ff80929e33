package dev.trilog.compare.driver;

import dev.trilog.compare.broker.Broker;
import dev.trilog.compare.workload.Workload;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka through kafka-clients' {@link KafkaProducer} and {@link KafkaConsumer}: one topic with the
 * workload's partitions, one consumer group per reader (so fan-out stores each message once),
 * producer {@code acks}/{@code linger.ms}/{@code batch.size} from the workload, offsets committed
 * asynchronously every {@code commitInterval}.
 */
public final class KafkaDriver implements Driver {

    private final String bootstrap;
    private final Admin admin;

    public KafkaDriver(Broker broker) {
        this.bootstrap = broker.kafkaBootstrap();
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "trilog-compare-admin");
        this.admin = Admin.create(props);
    }

    @Override
    public String protocol() {
        return "kafka";
    }

    @Override
    public String client() {
        return "kafka-clients " + clientVersion();
    }

    /** kafka-clients' version from the properties file in its jar (the class that reads it is internal). */
    static String clientVersion() {
        try (java.io.InputStream in = KafkaProducer.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            Properties props = new Properties();
            if (in != null) {
                props.load(in);
            }
            return props.getProperty("version", "unknown");
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    @Override
    public Topology prepare(Workload workload, String id) throws Exception {
        String topic = id;
        createTopic(topic, workload.partitions());
        List<String> groups = new ArrayList<>();
        for (int r = 0; r < workload.readers(); r++) {
            groups.add(id + "-g" + r);
        }
        return new Topology(id, workload, List.of(topic), groups);
    }

    void createTopic(String topic, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    @Override
    public Publisher publisher(Topology topology, int index) {
        Workload.KafkaSettings settings = topology.workload().kafka();
        return new KafkaPublisher(producer(topology.id() + "-p" + index, settings), topology.destinations().get(0));
    }

    KafkaProducer<byte[], byte[]> producer(String clientId, Workload.KafkaSettings settings) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, settings.acks());
        // idempotence needs acks=all; with acks 0 or 1 the producer refuses it
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Boolean.toString(settings.acks().equals("all")));
        props.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(settings.lingerMs()));
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(settings.batchSizeBytes()));
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(Math.max(1 << 20, settings.batchSizeBytes() * 2)));
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public Subscriber subscriber(Topology topology, int reader, int index) {
        Workload.KafkaSettings settings = topology.workload().kafka();
        KafkaConsumer<byte[], byte[]> consumer = consumer(topology.sources().get(reader),
                topology.sources().get(reader) + "-c" + index);
        return new KafkaSubscriber(consumer, topology.destinations().get(0), settings.commitInterval());
    }

    KafkaConsumer<byte[], byte[]> consumer(String group, String clientId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void cleanup(Topology topology) {
        try {
            admin.deleteConsumerGroups(topology.sources()).all().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // groups that never committed do not exist; nothing to free
        }
        try {
            admin.deleteTopics(topology.destinations()).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // left behind in the temporary data directory
        }
    }

    @Override
    public SemanticsProbe semantics() {
        return new KafkaSemantics(this);
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }

    /** Sends each body as a record without a key (the sticky partitioner spreads batches over partitions). */
    private static final class KafkaPublisher implements Publisher {
        private final KafkaProducer<byte[], byte[]> producer;
        private final String topic;

        KafkaPublisher(KafkaProducer<byte[], byte[]> producer, String topic) {
            this.producer = producer;
            this.topic = topic;
        }

        @Override
        public int maxBatch() {
            return 64;
        }

        @Override
        public void publish(List<byte[]> bodies, Acks acks) {
            for (int i = 0; i < bodies.size(); i++) {
                int index = i;
                producer.send(new ProducerRecord<>(topic, bodies.get(i)), (metadata, error) -> acks.done(index, error));
            }
        }

        @Override
        public void flush(Duration timeout) {
            producer.flush();
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(10));
        }
    }

    /** A group member: polls, hands over the values, commits asynchronously every commit interval. */
    private static final class KafkaSubscriber implements Subscriber {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final long commitIntervalNanos;
        private final Deque<ConsumerRecords<byte[], byte[]>> early = new ArrayDeque<>();
        private long lastCommit = System.nanoTime();
        private final AtomicLong assignedPartitions = new AtomicLong();

        KafkaSubscriber(KafkaConsumer<byte[], byte[]> consumer, String topic, Duration commitInterval) {
            this.consumer = consumer;
            this.commitIntervalNanos = commitInterval.toNanos();
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) {
                        consumer.commitSync();
                    }
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    assignedPartitions.set(consumer.assignment().size());
                }
            });
        }

        @Override
        public void awaitReady(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                if (!records.isEmpty()) {
                    early.add(records);
                }
            }
        }

        @Override
        public int poll(Duration timeout, Sink sink) {
            ConsumerRecords<byte[], byte[]> records = early.isEmpty() ? consumer.poll(timeout) : early.poll();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                sink.delivered(record.value());
            }
            long now = System.nanoTime();
            if (!records.isEmpty() && now - lastCommit >= commitIntervalNanos) {
                lastCommit = now;
                consumer.commitAsync((offsets, error) -> {
                    if (error != null) {
                        sink.error(error);
                    }
                });
            }
            return records.count();
        }

        @Override
        public void close() {
            try {
                consumer.commitSync(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                // the run is over; an uncommitted tail only matters to a next reader, and there is none
            }
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    /** The figures map for a scenario result, in insertion order. */
    static Map<String, Object> figures(Object... pairs) {
        Map<String, Object> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
