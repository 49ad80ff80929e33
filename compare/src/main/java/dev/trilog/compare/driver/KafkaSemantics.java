package dev.trilog.compare.driver;

import static dev.trilog.compare.driver.KafkaDriver.figures;

import dev.trilog.compare.scenario.ScenarioResult;
import dev.trilog.compare.workload.Workload;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** The semantics scenarios through kafka-clients, each on its own single-partition topic. */
final class KafkaSemantics implements SemanticsProbe {

    private static final Duration POLL = Duration.ofMillis(200);
    private final KafkaDriver driver;

    KafkaSemantics(KafkaDriver driver) {
        this.driver = driver;
    }

    private List<Long> produce(String topic, int count) throws Exception {
        List<Long> timestamps = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = driver.producer(topic + "-p", Workload.KafkaSettings.defaults())) {
            for (int i = 0; i < count; i++) {
                timestamps.add(producer.send(new ProducerRecord<>(topic, 0, null, null, body(i))).get(10, TimeUnit.SECONDS).timestamp());
                if (i == count / 2 - 1) {
                    Thread.sleep(20); // so the second half has strictly later timestamps than the first
                }
            }
        }
        return timestamps;
    }

    private static byte[] body(int i) {
        return Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
    }

    private static int number(ConsumerRecord<byte[], byte[]> record) {
        return Integer.parseInt(new String(record.value(), StandardCharsets.US_ASCII));
    }

    /** Polls until {@code count} records arrived or {@code timeout} passed. */
    private static List<ConsumerRecord<byte[], byte[]>> read(KafkaConsumer<byte[], byte[]> consumer, int count, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (got.size() < count && System.nanoTime() < deadline) {
            consumer.poll(POLL).forEach(got::add);
        }
        return got;
    }

    @Override
    public ScenarioResult replay(String id) throws Exception {
        long start = System.nanoTime();
        String topic = id + "-replay";
        driver.createTopic(topic, 1);
        List<Long> timestamps = produce(topic, 100);
        TopicPartition tp = new TopicPartition(topic, 0);
        int first;
        try (KafkaConsumer<byte[], byte[]> consumer = driver.consumer(topic + "-g", topic + "-c1")) {
            consumer.subscribe(List.of(topic));
            first = read(consumer, 100, Duration.ofSeconds(20)).size();
            consumer.commitSync();
        }
        int again;
        int byOffset;
        int byTime;
        try (KafkaConsumer<byte[], byte[]> consumer = driver.consumer(topic + "-g", topic + "-c2")) {
            consumer.subscribe(List.of(topic));
            again = read(consumer, 1, Duration.ofSeconds(1)).size();
        }
        try (KafkaConsumer<byte[], byte[]> consumer = driver.consumer(topic + "-g", topic + "-c3")) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            byOffset = read(consumer, 100, Duration.ofSeconds(20)).size();
            Map<TopicPartition, OffsetAndTimestamp> at = consumer.offsetsForTimes(Map.of(tp, timestamps.get(50)));
            consumer.seek(tp, at.get(tp).offset());
            byTime = read(consumer, 100 - (int) at.get(tp).offset(), Duration.ofSeconds(20)).size();
        }
        return ScenarioResult.observed("replay", "kafka",
                "Read and committed " + first + " messages; the group then resumed after its commit (" + again
                        + " redelivered), but seeking re-read " + byOffset + " of 100 from offset 0 and " + byTime
                        + " from a timestamp halfway: consuming does not remove anything.",
                figures("consumed", first, "redeliveredToGroup", again, "rereadByOffset", byOffset,
                        "rereadByTimestamp", byTime), start);
    }

    @Override
    public ScenarioResult consumerKilled(String id) throws Exception {
        long start = System.nanoTime();
        String topic = id + "-killed";
        driver.createTopic(topic, 1);
        produce(topic, 100);
        TopicPartition tp = new TopicPartition(topic, 0);
        String group = topic + "-g";
        List<Integer> seenByFirst;
        try (KafkaConsumer<byte[], byte[]> consumer = driver.consumer(group, topic + "-c1")) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<byte[], byte[]>> batch = read(consumer, 50, Duration.ofSeconds(20));
            seenByFirst = batch.subList(0, Math.min(50, batch.size())).stream().map(KafkaSemantics::number).toList();
            // processed half of what it has seen, committed that, then died before committing the rest
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(25)));
        }
        long died = System.nanoTime();
        List<Integer> second;
        long firstRedelivery = -1;
        try (KafkaConsumer<byte[], byte[]> consumer = driver.consumer(group, topic + "-c2")) {
            consumer.subscribe(List.of(topic));
            second = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (second.size() < 75 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (firstRedelivery < 0) {
                        firstRedelivery = (System.nanoTime() - died) / 1_000_000;
                    }
                    second.add(number(record));
                }
            }
        }
        long duplicates = second.stream().filter(seenByFirst::contains).count();
        long lost = 100 - java.util.stream.Stream.concat(seenByFirst.stream(), second.stream()).distinct().count();
        return ScenarioResult.observed("consumer-killed", "kafka",
                "The first consumer saw " + seenByFirst.size() + " messages, committed offset 25 and stopped; its successor "
                        + "started at the committed offset after " + firstRedelivery + " ms and got " + second.size()
                        + ": " + duplicates + " seen twice (everything after the last commit), " + lost + " lost.",
                figures("seenByFirst", seenByFirst.size(), "committed", 25, "deliveredToSuccessor", second.size(),
                        "duplicates", duplicates, "lost", lost, "msUntilRedelivery", firstRedelivery), start);
    }

    @Override
    public ScenarioResult ordering(String id) throws Exception {
        long start = System.nanoTime();
        String topic = id + "-order";
        driver.createTopic(topic, 1);
        int count = 1000;
        produce(topic, count);
        String group = topic + "-g";
        ConcurrentLinkedQueue<long[]> arrivals = new ConcurrentLinkedQueue<>();
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        int[] perConsumer = new int[2];
        for (int c = 0; c < 2; c++) {
            int index = c;
            Thread thread = new Thread(() -> {
                try (KafkaConsumer<byte[], byte[]> consumer = driver.consumer(group, topic + "-c" + index)) {
                    consumer.subscribe(List.of(topic));
                    while (!done.get()) {
                        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                            arrivals.add(new long[] {System.nanoTime(), number(record), index});
                            perConsumer[index]++;
                        }
                        consumer.commitAsync();
                    }
                }
            }, "compare-order-" + c);
            threads.add(thread);
            thread.start();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (arrivals.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        done.set(true);
        for (Thread thread : threads) {
            thread.join(10_000);
        }
        Ordering order = Ordering.of(new ArrayList<>(arrivals));
        return ScenarioResult.observed("ordering", "kafka",
                "1 partition, 2 consumers in one group: " + order.describe(count) + " One partition has one reader in a "
                        + "group, so order is kept by giving up parallelism (more partitions: order per partition only).",
                figures("sent", count, "received", order.received(), "outOfOrder", order.inversions(),
                        "consumer0", perConsumer[0], "consumer1", perConsumer[1]), start);
    }

    @Override
    public ScenarioResult poisonMessage(String id) throws Exception {
        long start = System.nanoTime();
        String topic = id + "-poison";
        driver.createTopic(topic, 1);
        produce(topic, 3); // message "1" is the poison
        TopicPartition tp = new TopicPartition(topic, 0);
        int attempts = 0;
        int processed = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = driver.consumer(topic + "-g", topic + "-c")) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (attempts < 5 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (number(record) == 1) {
                        attempts++;
                        consumer.seek(tp, record.offset()); // fail: go back and try again
                        break;
                    }
                    processed++;
                    consumer.commitSync(Map.of(tp, new OffsetAndMetadata(record.offset() + 1)));
                }
            }
            OffsetAndMetadata committed = consumer.committed(Collections.singleton(tp)).get(tp);
            long position = committed == null ? 0 : committed.offset();
            return ScenarioResult.observed("poison-message", "kafka",
                    "No dead-letter in the protocol: the consumer failed the poison message " + attempts + " times and the "
                            + "partition stayed blocked at offset " + position + " (" + processed + " message(s) before it "
                            + "processed, the one after it never); skipping it or writing it to a DLQ topic is the "
                            + "application's job.",
                    figures("attempts", attempts, "processedBefore", processed, "committedOffset", position,
                            "deadLettered", false), start);
        }
    }
}
