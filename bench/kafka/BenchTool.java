import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Small helpers for bench/kafka/run.sh that work on any broker speaking the Kafka protocol,
 * including one without consumer groups or CreateTopics (Trilog today). Plain kafka-clients,
 * compiled once with javac against bench/kafka/target/lib-tools.
 *
 * <pre>
 * create  BOOTSTRAP TOPIC PARTITIONS   auto-create TOPIC through a producer Metadata request
 *                                      and wait until it has PARTITIONS partitions with leaders
 * consume BOOTSTRAP TOPIC NUM_RECORDS  read NUM_RECORDS records from the start of every
 *                                      partition with assign() (no group, no commits); prints
 *                                      "CONSUME records=.. mb=.. secs=.. mb_per_sec=.. rec_per_sec=.."
 * e2e     BOOTSTRAP TOPIC NUM ACKS SIZE   EndToEndLatency's loop (send one and wait for the ack,
 *                                      poll it back, repeat) with microsecond instead of millisecond
 *                                      resolution; prints "E2E avg_us=.. p50_us=.. p99_us=.. p999_us=.."
 * share-earliest BOOTSTRAP GROUP     sets the share group's share.auto.offset.reset=earliest (Apache
 *                                      Kafka's groups start at the latest offset; Trilog's start at the
 *                                      earliest and take no group configs: a failure there is noted, not fatal)
 * </pre>
 */
public final class BenchTool {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "create" -> create(args[1], args[2], Integer.parseInt(args[3]));
            case "consume" -> consume(args[1], args[2], Long.parseLong(args[3]),
                    args.length > 4 ? args[4] : "read_uncommitted");
            case "e2e" -> e2e(args[1], args[2], Integer.parseInt(args[3]), args[4], Integer.parseInt(args[5]));
            case "share-earliest" -> shareEarliest(args[1], args[2]);
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    private static void shareEarliest(String bootstrap, String group) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(p)) {
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.GROUP, group);
            var op = new org.apache.kafka.clients.admin.AlterConfigOp(
                    new org.apache.kafka.clients.admin.ConfigEntry("share.auto.offset.reset", "earliest"),
                    org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET);
            admin.incrementalAlterConfigs(java.util.Map.of(resource, List.of(op))).all().get();
            System.out.println("SHARE_EARLIEST " + group);
        }
    }

    private static Properties producerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    private static Properties consumerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return p;
    }

    static void create(String bootstrap, String topic, int partitions) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(bootstrap))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                List<PartitionInfo> infos = producer.partitionsFor(topic);
                long led = infos.stream().filter(i -> i.leader() != null && !i.leader().isEmpty()).count();
                if (infos.size() == partitions && led == partitions) {
                    System.out.println("CREATE topic=" + topic + " partitions=" + infos.size());
                    return;
                }
                if (infos.size() > 0 && infos.size() != partitions) {
                    throw new IllegalStateException(topic + " has " + infos.size() + " partitions, wanted " + partitions);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(topic + " not ready: " + infos);
                }
                Thread.sleep(100);
            }
        }
    }

    /** Same consumer settings ConsumerPerformance uses by default (2 MiB socket buffer, 1 MiB per partition, no CRC check). */
    static void consume(String bootstrap, String topic, long want, String isolationLevel) {
        Properties p = consumerProps(bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel);
        p.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, "2097152");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "1048576");
        p.put(ConsumerConfig.CHECK_CRCS_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (PartitionInfo i : consumer.partitionsFor(topic)) {
                tps.add(new TopicPartition(topic, i.partition()));
            }
            long start = System.nanoTime();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long records = 0;
            long bytes = 0;
            long lastProgress = System.nanoTime();
            while (records < want) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    records++;
                    bytes += (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
                }
                if (!batch.isEmpty()) {
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > Duration.ofSeconds(30).toNanos()) {
                    throw new IllegalStateException("no records for 30 s after " + records + " of " + want);
                }
            }
            double secs = (System.nanoTime() - start) / 1e9;
            double mb = bytes / (1024.0 * 1024.0);
            System.out.printf("CONSUME records=%d mb=%.2f secs=%.3f mb_per_sec=%.2f rec_per_sec=%.1f%n",
                    records, mb, secs, mb / secs, records / secs);
        }
    }

    /** EndToEndLatency's settings: producer linger.ms=0, consumer fetch.max.wait.ms=0, assign() at the end. */
    static void e2e(String bootstrap, String topic, int num, String acks, int size) throws Exception {
        Properties pp = producerProps(bootstrap);
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        pp.put(ProducerConfig.ACKS_CONFIG, acks);
        pp.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(Long.MAX_VALUE));
        Properties cp = consumerProps(bootstrap);
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        cp.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "0");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp);
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (PartitionInfo i : consumer.partitionsFor(topic)) {
                tps.add(new TopicPartition(topic, i.partition()));
            }
            consumer.assign(tps);
            consumer.seekToEnd(tps);
            tps.forEach(consumer::position);
            byte[] payload = new byte[size];
            java.util.Random rnd = new java.util.Random(1);
            long[] lat = new long[num];
            for (int i = 0; i < num; i++) {
                rnd.nextBytes(payload);
                long begin = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, payload)).get();
                ConsumerRecords<byte[], byte[]> recs = consumer.poll(Duration.ofSeconds(60));
                if (recs.count() != 1) {
                    throw new IllegalStateException("expected one record at message " + i + ", got " + recs.count());
                }
                if (!Arrays.equals(recs.iterator().next().value(), payload)) {
                    throw new IllegalStateException("payload mismatch at message " + i);
                }
                lat[i] = (System.nanoTime() - begin) / 1000;
            }
            double avg = Arrays.stream(lat).average().orElse(0);
            Arrays.sort(lat);
            System.out.printf("E2E n=%d avg_us=%.1f p50_us=%d p99_us=%d p999_us=%d%n",
                    num, avg, lat[(int) (num * 0.5)], lat[(int) (num * 0.99)], lat[(int) (num * 0.999)]);
        }
    }
}
