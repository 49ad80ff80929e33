import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
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
 * rebalance BOOTSTRAP TOPIC PROTOCOL MEMBERS ROUNDS   a group of MEMBERS consumers (group.protocol
 *                                      PROTOCOL: classic or consumer, client defaults otherwise) on TOPIC;
 *                                      each round one more consumer joins, then leaves; times until every
 *                                      partition is owned by exactly one member again, the newcomer
 *                                      holding its share (join) and the leaver's partitions taken over
 *                                      (leave); prints "REBALANCE join_p50_ms=.. join_max_ms=.. leave_p50_ms=.. leave_max_ms=.."
 * sessions BOOTSTRAP TOPIC SECONDS MODE   PHASES=sessions: one consumer assigned every partition of
 *                                      TOPIC (assign(), from the end, fetch.max.wait.ms=100) polls for
 *                                      SECONDS; MODE idle: nothing is produced; trickle: one record
 *                                      every 20 ms, to the partitions in turn. From the consumer's own
 *                                      metrics (a 5 s warm-up excluded): prints "SESSIONS fetches=..
 *                                      req_bytes_per_fetch=.. resp_bytes_per_fetch=.. records=.."
 * share-explicit BOOTSTRAP TOPIC NUM_RECORDS GROUP THREADS   THREADS share consumers in GROUP
 *                                      (share.acknowledgement.mode=explicit) each acknowledging every
 *                                      record ACCEPT, until NUM_RECORDS were received in all; prints a
 *                                      line in ShareConsumerPerformance's format (start, end, MB, MB/s,
 *                                      nMsg/s, nMsg), timed from the first poll, so run.sh reads both alike
 *   acls BOOTSTRAP PRINCIPAL OTHERS      PHASES=auth: ALL on every topic and group for PRINCIPAL, and OTHERS
 *                                      ACLs naming other users' topics (as a super user: BENCH_CLIENT_CONFIG)
 * </pre>
 */
public final class BenchTool {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "create" -> create(args[1], args[2], Integer.parseInt(args[3]));
            case "consume" -> consume(args[1], args[2], Long.parseLong(args[3]),
                    args.length > 4 ? args[4] : "read_uncommitted");
            case "sessions" -> sessions(args[1], args[2], Integer.parseInt(args[3]), args[4]);
            case "e2e" -> e2e(args[1], args[2], Integer.parseInt(args[3]), args[4], Integer.parseInt(args[5]));
            case "share-earliest" -> shareEarliest(args[1], args[2]);
            case "share-explicit" -> shareExplicit(args[1], args[2], Long.parseLong(args[3]), args[4],
                    Integer.parseInt(args[5]));
            case "acls" -> acls(args[1], args[2], Integer.parseInt(args[3]));
            case "rebalance" -> rebalance(args[1], args[2], args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    /** A group member polling on its own thread, publishing what it owns after every poll. */
    private static final class Member implements AutoCloseable {
        final KafkaConsumer<byte[], byte[]> consumer;
        final Thread thread;
        volatile java.util.Set<TopicPartition> owned = java.util.Set.of();
        volatile boolean running = true;

        Member(String bootstrap, String topic, String group, String protocol) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            consumer = new KafkaConsumer<>(p);
            consumer.subscribe(List.of(topic));
            thread = new Thread(() -> {
                try {
                    while (running) {
                        consumer.poll(Duration.ofMillis(20));
                        owned = java.util.Set.copyOf(consumer.assignment());
                    }
                } catch (org.apache.kafka.common.errors.WakeupException e) {
                    // closing
                } finally {
                    consumer.close();
                }
            });
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            consumer.wakeup();
            thread.join();
        }
    }

    /** Every partition owned by exactly one member, and each member within one of an even share. */
    private static boolean balanced(List<Member> members, int partitions) {
        java.util.Set<TopicPartition> all = new java.util.HashSet<>();
        int total = 0;
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (Member m : members) {
            java.util.Set<TopicPartition> owned = m.owned;
            all.addAll(owned);
            total += owned.size();
            min = Math.min(min, owned.size());
            max = Math.max(max, owned.size());
        }
        return all.size() == partitions && total == partitions && max - min <= 1;
    }

    private static long awaitBalanced(List<Member> members, int partitions) throws InterruptedException {
        long start = System.nanoTime();
        while (!balanced(members, partitions)) {
            if (System.nanoTime() - start > 180_000_000_000L) {
                throw new IllegalStateException("no balanced assignment within 180 s");
            }
            Thread.sleep(5);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    static void rebalance(String bootstrap, String topic, String protocol, int size, int rounds) throws Exception {
        int partitions;
        try (KafkaConsumer<byte[], byte[]> probe = new KafkaConsumer<>(java.util.Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            partitions = probe.partitionsFor(topic).size();
        }
        String group = "rebalance-" + protocol + "-" + System.nanoTime();
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            members.add(new Member(bootstrap, topic, group, protocol));
        }
        awaitBalanced(members, partitions);
        long[] joins = new long[rounds];
        long[] leaves = new long[rounds];
        for (int r = 0; r < rounds; r++) {
            Member newcomer = new Member(bootstrap, topic, group, protocol);
            members.add(newcomer);
            joins[r] = awaitBalanced(members, partitions);
            long left = System.nanoTime(); // close() sends the leave: its time counts
            members.remove(newcomer);
            newcomer.close();
            awaitBalanced(members, partitions);
            leaves[r] = (System.nanoTime() - left) / 1_000_000;
        }
        for (Member m : members) {
            m.close();
        }
        Arrays.sort(joins);
        Arrays.sort(leaves);
        System.out.printf("REBALANCE join_p50_ms=%d join_max_ms=%d leave_p50_ms=%d leave_max_ms=%d%n",
                joins[rounds / 2], joins[rounds - 1], leaves[rounds / 2], leaves[rounds - 1]);
    }

    /** Share consumers acknowledging each record ACCEPT explicitly (the acks go with the next poll). */
    private static void shareExplicit(String bootstrap, String topic, long records, String group, int threads)
            throws Exception {
        java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        List<Thread> consumers = new ArrayList<>();
        long start = System.currentTimeMillis();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                Properties p = new Properties();
                p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
                p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
                p.put("share.acknowledgement.mode", "explicit");
                p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
                p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
                try (KafkaShareConsumer<byte[], byte[]> consumer = new KafkaShareConsumer<>(p)) {
                    consumer.subscribe(List.of(topic));
                    while (received.get() < records && System.nanoTime() < deadline) {
                        ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(100));
                        long size = 0;
                        for (ConsumerRecord<byte[], byte[]> r : polled) {
                            consumer.acknowledge(r, AcknowledgeType.ACCEPT);
                            size += (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
                        }
                        bytes.addAndGet(size);
                        received.addAndGet(polled.count());
                    }
                    consumer.commitSync(); // the last poll's acknowledgements
                }
            });
            t.start();
            consumers.add(t);
        }
        long end = 0;
        while (end == 0) {
            if (received.get() >= records || System.nanoTime() >= deadline) {
                end = System.currentTimeMillis();
            }
            Thread.sleep(1);
        }
        for (Thread t : consumers) {
            t.join();
        }
        if (received.get() < records) {
            System.out.println("Exiting before consuming the expected number of records: " + received.get());
            return;
        }
        java.text.SimpleDateFormat format = new java.text.SimpleDateFormat("yyyy-MM-dd HH:mm:ss:SSS");
        double secs = (end - start) / 1000.0;
        double mb = bytes.get() / (1024.0 * 1024.0);
        System.out.printf("%s, %s, %.4f, %.4f, %.4f, %d%n", format.format(start), format.format(end), mb, mb / secs,
                received.get() / secs, received.get());
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

    /**
     * The client settings run.sh gives every client of a TLS broker (PHASES=tls): the file named by
     * BENCH_CLIENT_CONFIG (security.protocol=SSL and the truststore), when it is set.
     */
    private static Properties clientConfig() {
        Properties p = new Properties();
        String file = System.getenv("BENCH_CLIENT_CONFIG");
        if (file != null && !file.isEmpty()) {
            try (java.io.Reader in = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(file))) {
                p.load(in);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return p;
    }

    private static Properties producerProps(String bootstrap) {
        Properties p = clientConfig();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    private static Properties consumerProps(String bootstrap) {
        Properties p = clientConfig();
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

    /**
     * PHASES=auth: lets {@code principal} do everything on every topic and group (LITERAL {@code *}),
     * among {@code others} ACLs for other users' topics, so each check scans a realistic list.
     */
    static void acls(String bootstrap, String principal, int others) throws Exception {
        Properties p = clientConfig();
        p.put(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        List<org.apache.kafka.common.acl.AclBinding> bindings = new ArrayList<>();
        for (var type : List.of(org.apache.kafka.common.resource.ResourceType.TOPIC,
                org.apache.kafka.common.resource.ResourceType.GROUP)) {
            bindings.add(acl(type, "*", principal, org.apache.kafka.common.acl.AclOperation.ALL));
        }
        for (int i = 0; i < others; i++) {
            bindings.add(acl(org.apache.kafka.common.resource.ResourceType.TOPIC, "other-" + i, "User:other-" + i,
                    org.apache.kafka.common.acl.AclOperation.WRITE));
        }
        try (var admin = org.apache.kafka.clients.admin.Admin.create(p)) {
            admin.createAcls(bindings).all().get();
        }
        System.out.println("ACLS created=" + bindings.size());
    }

    private static org.apache.kafka.common.acl.AclBinding acl(org.apache.kafka.common.resource.ResourceType type,
            String name, String principal, org.apache.kafka.common.acl.AclOperation operation) {
        return new org.apache.kafka.common.acl.AclBinding(
                new org.apache.kafka.common.resource.ResourcePattern(type, name,
                        org.apache.kafka.common.resource.PatternType.LITERAL),
                new org.apache.kafka.common.acl.AccessControlEntry(principal, "*", operation,
                        org.apache.kafka.common.acl.AclPermissionType.ALLOW));
    }

    /**
     * PHASES=sessions: what a consumer of many partitions sends and gets per fetch, with the
     * broker's fetch sessions (KIP-227) or without (the broker's cache turned off). The broker's
     * CPU per fetch is run.sh's: its CPU time over the phase divided by the fetches printed here.
     */
    static void sessions(String bootstrap, String topic, int seconds, String mode) throws Exception {
        Properties p = consumerProps(bootstrap);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p);
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(bootstrap))) {
            List<TopicPartition> tps = new ArrayList<>();
            for (PartitionInfo i : consumer.partitionsFor(topic)) {
                tps.add(new TopicPartition(topic, i.partition()));
            }
            consumer.assign(tps);
            consumer.seekToEnd(tps);
            boolean trickle = "trickle".equals(mode);
            long records = 0;
            double[] before = null;
            long start = System.nanoTime();
            long end = start + Duration.ofSeconds(5 + seconds).toNanos();
            long nextSend = start;
            int next = 0;
            while (System.nanoTime() < end) {
                if (before == null && System.nanoTime() - start > Duration.ofSeconds(5).toNanos()) {
                    before = fetchMetrics(consumer); // the session is open and every position known
                    records = 0;
                }
                if (trickle && System.nanoTime() >= nextSend) {
                    producer.send(new ProducerRecord<>(topic, next++ % tps.size(), null, new byte[100]));
                    nextSend += Duration.ofMillis(20).toNanos();
                }
                records += consumer.poll(Duration.ofMillis(trickle ? 20 : 200)).count();
            }
            double[] after = fetchMetrics(consumer);
            double fetches = after[0] - before[0];
            System.out.printf("SESSIONS fetches=%.0f req_bytes_per_fetch=%.0f resp_bytes_per_fetch=%.0f records=%d%n",
                    fetches, (after[1] - before[1]) / fetches, (after[2] - before[2]) / fetches, records);
        }
    }

    /** The consumer's fetches so far, and the bytes it sent and received (every request: fetches are nearly all). */
    private static double[] fetchMetrics(KafkaConsumer<byte[], byte[]> consumer) {
        double[] m = new double[3];
        consumer.metrics().forEach((name, metric) -> {
            if (!(metric.metricValue() instanceof Double value)) {
                return;
            }
            if (name.group().equals("consumer-fetch-manager-metrics") && name.name().equals("fetch-total")
                    && name.tags().size() == 1) {
                m[0] = value;
            } else if (name.group().equals("consumer-metrics") && name.name().equals("outgoing-byte-total")) {
                m[1] = value;
            } else if (name.group().equals("consumer-metrics") && name.name().equals("incoming-byte-total")) {
                m[2] = value;
            }
        });
        return m;
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
