package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.gateway.ClusterCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code trilog cluster --nodes 3} as a user runs it: three {@code trilog serve} processes, the
 * Raft leader (as {@code /health} names it) killed with SIGKILL. A Kafka producer with
 * {@code acks=all} writes on through another node and the third reads every acknowledged record;
 * and under load, an idempotent producer and a consumer group bootstrapped from all three follow
 * the leader to its successor without losing or doubling a record.
 */
class ClusterProcessesTest {

    private static final TopicPartition TP = new TopicPartition("survives", 0);

    @TempDir
    Path dir;
    final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Thread cluster;
    int base;

    @AfterEach
    void stopCluster() throws InterruptedException {
        for (long pid : pids()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        }
        if (cluster != null) {
            cluster.join(60_000);
        }
    }

    /** A base port with the 3 consecutive ports of each of the 5 kinds (base + 100 × kind) free. */
    private static int freeBase() {
        while (true) {
            int candidate = ThreadLocalRandom.current().nextInt(20_000, 40_000);
            boolean free = true;
            for (int kind = 0; kind < 5 && free; kind++) {
                for (int n = 0; n < 3 && free; n++) {
                    try (ServerSocket s = new ServerSocket(candidate + 100 * kind + n, 1,
                            java.net.InetAddress.getLoopbackAddress())) {
                        s.getLocalPort();
                    } catch (IOException taken) {
                        free = false;
                    }
                }
            }
            if (free) {
                return candidate;
            }
        }
    }

    private int kafkaPort(int node) {
        return base + node - 1;
    }

    /** The pids the command printed, by node. */
    private List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        for (String line : printed.toString(StandardCharsets.UTF_8).split("\n")) {
            String[] cells = line.trim().split("\\s+");
            if (cells.length == 7 && cells[0].matches("\\d")) {
                pids.add(Long.parseLong(cells[1]));
            }
        }
        return pids;
    }

    /** The leader node {@code node}'s {@code /health} names, once it names one. */
    private int leaderSeenBy(int node) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (base + 300 + node - 1)
                    + "/health")).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("\"cluster\":\\{\"node\":" + node + ",\"leader\":(\\d+)\\}").matcher(body);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            assertThat(System.nanoTime()).as("a leader in %s", body).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void produce(int node, int from, int n) throws Exception {
        try (KafkaProducer<String, String> producer = KafkaClients.producer("127.0.0.1:" + kafkaPort(node),
                Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000))) {
            for (int i = from; i < from + n; i++) {
                producer.send(new ProducerRecord<>(TP.topic(), 0, "k", "v" + i)).get(60, TimeUnit.SECONDS);
            }
        }
    }

    private List<String> read(int node, int count) {
        List<String> values = new ArrayList<>();
        for (ConsumerRecord<String, String> r : KafkaClients.readAll("127.0.0.1:" + kafkaPort(node), List.of(TP),
                count, Map.of())) {
            values.add(r.value());
        }
        return values;
    }

    private static List<String> expected(int n) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            values.add("v" + i);
        }
        return values;
    }

    private void startCluster() throws Exception {
        base = freeBase();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        cluster = new Thread(() -> new CommandLine(new ClusterCommand(out)).execute("--nodes", "3",
                "--data-dir", dir.toString(), "--kafka-port", Integer.toString(base),
                "--amqp-port", Integer.toString(base + 100), "--sqs-port", Integer.toString(base + 200),
                "--admin-port", Integer.toString(base + 300), "--raft-port", Integer.toString(base + 400),
                "--set", "group.initial.rebalance.delay.ms=0"), "trilog-cluster");
        cluster.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!(pids().size() == 3 && listening(kafkaPort(1)) && listening(kafkaPort(2)) && listening(kafkaPort(3)))) {
            assertThat(System.nanoTime()).as("three nodes listening; printed: %s", printed).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @Test
    void aKilledNodeLosesNoAcknowledgedRecord() throws Exception {
        startCluster();

        produce(1, 0, 20);
        assertThat(read(3, 20)).isEqualTo(expected(20));

        int leader = leaderSeenBy(1); // from node 1's /health
        int writer = leader % 3 + 1;
        int reader = writer % 3 + 1;
        ProcessHandle.of(pids().get(leader - 1)).orElseThrow().destroyForcibly(); // kill -9 the leader
        long killedAt = System.nanoTime();
        produce(writer, 20, 1);
        System.out.printf("replication: first acks=all write through node %d completed %d ms after the leader,"
                + " node %d, was killed%n", writer, (System.nanoTime() - killedAt) / 1_000_000, leader);
        produce(writer, 21, 9);

        assertThat(read(reader, 30)).isEqualTo(expected(30));
        assertThat(leaderSeenBy(writer)).as("a new leader").isNotEqualTo(leader);
    }

    private String bootstrapAll() {
        return "127.0.0.1:" + kafkaPort(1) + ",127.0.0.1:" + kafkaPort(2) + ",127.0.0.1:" + kafkaPort(3);
    }

    /**
     * The failover case under load: an idempotent {@code acks=all} producer and a consumer
     * group (committing after each record) run against all three nodes while the leader is killed
     * with SIGKILL. Every acknowledged record is in the log exactly once, and the group, moving to
     * the new leader, consumes every one of them (at least once: a record whose commit the kill
     * interrupted may come again, nothing may be missing).
     */
    @Test
    void anIdempotentProducerAndAConsumerGroupRideThroughTheLeadersKill() throws Exception {
        startCluster();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        // set once the producer's last acknowledgement is counted (a send in flight at stop still lands)
        java.util.concurrent.atomic.AtomicBoolean produced = new java.util.concurrent.atomic.AtomicBoolean();
        List<String> acked = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Long> ackedAt = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> consumed = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread producing = new Thread(() -> {
            try (KafkaProducer<String, String> producer = KafkaClients.producer(bootstrapAll(),
                    Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
                            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000))) {
                for (int i = 0; !stop.get(); i++) {
                    producer.send(new ProducerRecord<>(TP.topic(), 0, "k", "v" + i)).get(120, TimeUnit.SECONDS);
                    acked.add("v" + i);
                    ackedAt.add(System.nanoTime());
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                produced.set(true);
            }
        }, "test-producer");
        Thread consuming = new Thread(() -> {
            Map<String, Object> settings = new java.util.HashMap<>(KafkaClients.groupDefaults("survivors"));
            try (var consumer = KafkaClients.consumer(bootstrapAll(), settings)) {
                consumer.subscribe(List.of(TP.topic()));
                java.util.Set<String> distinct = new java.util.HashSet<>();
                while (!produced.get() || distinct.size() < acked.size()) {
                    for (ConsumerRecord<String, String> r : consumer.poll(java.time.Duration.ofMillis(100))) {
                        consumed.add(r.value());
                        distinct.add(r.value());
                        try {
                            consumer.commitSync(Map.of(TP,
                                    new org.apache.kafka.clients.consumer.OffsetAndMetadata(r.offset() + 1)));
                        } catch (org.apache.kafka.common.KafkaException e) {
                            // the coordinator died or moved: the group rejoins, the record may come again
                        }
                    }
                }
            }
        }, "test-consumer");
        producing.start();
        consuming.start();
        awaitCount("records acknowledged before the kill", acked, 200);

        int leader = leaderSeenBy(1);
        ProcessHandle.of(pids().get(leader - 1)).orElseThrow().destroyForcibly();
        long killedAt = System.nanoTime();
        int before = acked.size();
        awaitCount("records acknowledged after the kill", acked, before + 300);
        stop.set(true);
        producing.join(130_000);
        long firstAckAfterKill = ackedAt.stream().filter(t -> t > killedAt).findFirst().orElseThrow();
        System.out.printf("replication: with node %d, the leader, killed under load, the producer's next"
                + " acknowledgement came %d ms later%n", leader, (firstAckAfterKill - killedAt) / 1_000_000);

        int survivor = leader % 3 + 1;
        List<String> log = read(survivor, acked.size());
        assertThat(log).as("every acknowledged record once, in order (idempotence across the failover)")
                .isEqualTo(acked);
        consuming.join(60_000);
        assertThat(consuming.isAlive()).as("the consumer caught up").isFalse();
        assertThat(new java.util.LinkedHashSet<>(consumed)).as("the group consumed every record")
                .containsExactlyElementsOf(acked);
        System.out.printf("replication: the consumer group saw %d records, %d of them again after the kill%n",
                consumed.size(), consumed.size() - acked.size());
        // resuming from the committed offset, not from the start: at most the one poll whose commit was cut off
        assertThat(consumed.size() - acked.size()).as("records consumed twice").isLessThanOrEqualTo(
                (Integer) KafkaClients.groupDefaults("any").get(
                        org.apache.kafka.clients.consumer.ConsumerConfig.MAX_POLL_RECORDS_CONFIG));
    }

    private static void awaitCount(String what, List<?> list, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (list.size() < count) {
            assertThat(System.nanoTime()).as("waiting for %d %s (have %d)", count, what, list.size())
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
