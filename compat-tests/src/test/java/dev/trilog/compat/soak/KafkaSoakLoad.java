package dev.trilog.compat.soak;

import static dev.trilog.compat.soak.ClientThreads.sleepQuietly;

import dev.trilog.compat.kafka.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.InvalidOffsetException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * An idempotent {@code acks=all} producer and a consumer group committing after every poll.
 * Promises checked: every acknowledged record is in the log exactly once (idempotence allows no
 * duplicate), the group consumes every one of them (at least once: a record whose commit the kill
 * interrupted comes again, counted), and a committed offset never goes back — neither in the
 * group's next commit nor across a restart.
 *
 * <p>The group starts from offsets set before it joins, and its consumer has no
 * {@code auto.offset.reset}: every position it holds comes from a commit or a read, and any
 * answer that would have made it reset throws instead, naming what the broker answered — no
 * committed offset (OffsetFetch), a fetch out of range, or a truncation (OffsetForLeaderEpoch).
 * That is a broken promise too; the consumer then goes on from the log start, as {@code earliest}
 * would have.
 */
final class KafkaSoakLoad implements SoakLoad {

    private static final String TOPIC = "soak";
    private static final String GROUP = "soak-group";
    private static final int PARTITIONS = 3;
    private static final int PACE_EVERY = 10;

    private final SoakBroker broker;
    private final SoakTally tally = new SoakTally("Kafka (idempotent producer, consumer group)");
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> consumedTimes = new ConcurrentHashMap<>();
    /** The highest offset the group's commits were acknowledged at, by partition. */
    private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();
    private Map<TopicPartition, Long> committedBeforeKill = Map.of();
    private final AtomicLong next = new AtomicLong();
    private final ClientThreads threads = new ClientThreads("kafka", this::produce, this::consume);

    KafkaSoakLoad(SoakBroker broker) {
        this.broker = broker;
    }

    @Override
    public void start() throws Exception {
        try (Admin admin = KafkaClients.admin(broker.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> logStart = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                logStart.put(new TopicPartition(TOPIC, p), new OffsetAndMetadata(0));
            }
            admin.alterConsumerGroupOffsets(GROUP, logStart).all().get(30, TimeUnit.SECONDS);
        }
        threads.start();
    }

    private void produce() {
        Semaphore inFlight = new Semaphore(500);
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrap(),
                Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000,
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000))) {
            while (threads.writing()) {
                inFlight.acquireUninterruptibly();
                long n = next.getAndIncrement();
                if (n % PACE_EVERY == 0) {
                    sleepQuietly(1); // at most ~10,000 records/s: the other protocols get their share of the cores
                }
                String value = "k-" + n;
                producer.send(new ProducerRecord<>(TOPIC, value, value), (metadata, failure) -> {
                    inFlight.release();
                    if (failure == null) {
                        acknowledged.add(value);
                    } else {
                        tally.unknownOutcome.incrementAndGet(); // may be in the log or not
                    }
                });
            }
            producer.flush();
        }
    }

    private void consume() {
        Map<String, Object> settings = new HashMap<>(KafkaClients.groupDefaults(GROUP));
        settings.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(broker.bootstrap(), settings)) {
            consumer.subscribe(List.of(TOPIC));
            while (threads.reading()) {
                try {
                    var records = consumer.poll(Duration.ofMillis(200));
                    for (ConsumerRecord<String, String> record : records) {
                        consumedTimes.merge(record.value(), 1, Integer::sum);
                    }
                    if (!records.isEmpty()) {
                        commit(consumer);
                    }
                } catch (InvalidOffsetException reset) {
                    tally.violation("the consumer had to reset " + reset.partitions() + ": " + reset.getMessage());
                    // as auto.offset.reset=earliest would (not a partition the group took away meanwhile)
                    consumer.seekToBeginning(
                            reset.partitions().stream().filter(consumer.assignment()::contains).toList());
                } catch (RuntimeException brokerGoneOrRebalancing) {
                    sleepQuietly(200); // the kill: the client finds the broker again on its own
                }
            }
        }
    }

    private void commit(KafkaConsumer<String, String> consumer) {
        Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
        for (TopicPartition partition : consumer.assignment()) {
            positions.put(partition, new OffsetAndMetadata(consumer.position(partition)));
        }
        consumer.commitSync(positions);
        positions.forEach((partition, offset) -> {
            Long before = committed.put(partition, offset.offset());
            if (before != null && offset.offset() < before) {
                // the group read from an offset before one the broker had acknowledged committing
                tally.violation("committed offset of " + partition + " went back from " + before + " to " + offset.offset());
            }
        });
    }

    @Override
    public void killed() {
        committedBeforeKill = Map.copyOf(committed);
    }

    /** Every commit acknowledged before the kill is still there (or later). */
    @Override
    public void restarted() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> now = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Admin admin = KafkaClients.admin(broker.bootstrap())) {
            while (now == null) {
                try {
                    now = admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                } catch (Exception coordinatorLoading) {
                    if (System.nanoTime() > deadline) {
                        throw coordinatorLoading;
                    }
                    Thread.sleep(200);
                }
            }
        }
        for (var before : committedBeforeKill.entrySet()) {
            OffsetAndMetadata after = now.get(before.getKey());
            if (after == null || after.offset() < before.getValue()) {
                tally.violation("committed offset of " + before.getKey() + " was " + before.getValue()
                        + " before the kill and " + (after == null ? "none" : after.offset()) + " after it");
            }
        }
    }

    @Override
    public void finish(Duration patience) throws Exception {
        threads.drain(acknowledged, consumedTimes.keySet(), patience);

        Map<String, Integer> inLog = new HashMap<>();
        readWholeTopic().forEach(value -> inLog.merge(value, 1, Integer::sum));
        tally.acknowledged.set(acknowledged.size());
        tally.consumed.set(consumedTimes.size());
        for (String value : acknowledged) {
            if (!inLog.containsKey(value)) {
                tally.violation("acknowledged record " + value + " is not in the log");
            } else if (!consumedTimes.containsKey(value)) {
                tally.violation("acknowledged record " + value + " was never consumed by the group");
            }
        }
        inLog.forEach((value, times) -> {
            if (times > 1) {
                tally.violation("record " + value + " is in the log " + times + " times despite idempotence");
            }
        });
        consumedTimes.values().forEach(times -> tally.allowedRepeats.addAndGet(times - 1));
    }

    private List<String> readWholeTopic() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(new TopicPartition(TOPIC, p));
        }
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> reader = KafkaClients.consumer(broker.bootstrap(), Map.of())) {
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = reader.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(p -> reader.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                reader.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
            }
        }
        return values;
    }

    @Override
    public SoakTally tally() {
        return tally;
    }

    @Override
    public void close() throws InterruptedException {
        threads.close();
    }
}
