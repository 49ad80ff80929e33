package dev.trilog.compat.abuse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Producers faster than the disk: several Kafka producers ({@code acks=all}, 16 KiB records,
 * 1 MiB batches, 64 MiB of buffer each) sending as fast as their buffers let them. The broker must
 * bound what it holds: Produce waits (the producer's buffer fills and {@code send} blocks) or
 * answers errors, which are counted by kind.
 */
final class ProducerFlood implements Abuse {

    private final String bootstrap;
    private final String topic;
    private final int producers;
    private final List<KafkaProducer<byte[], byte[]>> clients = new ArrayList<>();
    private final Background background = new Background();
    private final AtomicLong acked = new AtomicLong();
    private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
    private volatile boolean stopped;

    ProducerFlood(String bootstrap, String topic, int producers) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.producers = producers;
    }

    @Override
    public void start() {
        for (int i = 0; i < producers; i++) {
            Properties settings = new Properties();
            settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            settings.put(ProducerConfig.ACKS_CONFIG, "all");
            settings.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            settings.put(ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20);
            settings.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L << 20);
            KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings, new ByteArraySerializer(),
                    new ByteArraySerializer());
            clients.add(producer);
            background.start("abuse-producer-flood-" + i, () -> flood(producer));
        }
    }

    private void flood(KafkaProducer<byte[], byte[]> producer) {
        byte[] value = new byte[16 * 1024];
        while (!stopped) {
            try {
                producer.send(new ProducerRecord<>(topic, value), (metadata, error) -> {
                    if (error == null) {
                        acked.incrementAndGet();
                    } else {
                        errors.computeIfAbsent(error.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
                    }
                });
            } catch (RuntimeException closing) {
                return;
            }
        }
    }

    @Override
    public String report() {
        return producers + " producers had " + acked.get() + " 16 KiB records acknowledged ("
                + (acked.get() * 16 / 1024) + " MiB); errors " + errors;
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        for (KafkaProducer<byte[], byte[]> producer : clients) {
            producer.close(java.time.Duration.ofSeconds(60));
        }
        background.join();
    }
}
