package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.sqs.SqsClients;
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
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * {@code trilog cluster --nodes 3} as a user runs it: three {@code trilog serve} processes, the
 * Raft leader (as {@code /health} names it) killed with SIGKILL. A Kafka producer with
 * {@code acks=all} writes on through another node and the third reads every acknowledged record;
 * and under load, an idempotent producer and a consumer group bootstrapped from all three follow
 * the leader to its successor without losing or doubling a record; and an SQS sender and receiver
 * on the two other nodes lose no acknowledged message and see no deleted one again.
 */
class ClusterProcessesTest {

    private static final TopicPartition TP = new TopicPartition("survives", 0);

    @TempDir
    Path dir;
    final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Thread cluster;
    int base;
    /** Nodes the test restarted itself (not children of the cluster command), by node. */
    final Map<Integer, Process> restarted = new ConcurrentHashMap<>();

    @AfterEach
    void stopCluster() throws Exception {
        for (long pid : pids()) {
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                signal("CONT", pid); // a node a test left cut off must hear the stop
            }
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        }
        for (Process node : restarted.values()) {
            node.destroy();
            if (!node.waitFor(60, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        }
        if (cluster != null) {
            cluster.join(60_000);
        }
    }

    /** A base port with the 3 consecutive ports of each of the 5 kinds (base + 100 × kind) free. */
    private static int freeBase() {
        while (true) {
            // below Linux's ephemeral range (32768 on): a port checked free here was taken before
            // a node bound it by a client connection's local port (sqs.port "already in use", twice
            // in one class run on a loaded machine)
            int candidate = ThreadLocalRandom.current().nextInt(10_000, 32_000);
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

    private URI sqsEndpoint(int node) {
        return URI.create("http://127.0.0.1:" + (base + 200 + node - 1));
    }

    /** The pid of node {@code node} now: the one the test restarted, else the one the command started. */
    private long pid(int node) {
        Process again = restarted.get(node);
        return again != null ? again.pid() : pids().get(node - 1);
    }

    /**
     * Kills node {@code node} with SIGKILL and starts it again with the same command line, over the
     * same data directory, once the process is gone.
     */
    private void killAndRestart(int node) throws Exception {
        List<String> command = commandOf(node);
        kill(node);
        restart(node, command);
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
            String body;
            try {
                body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (base + 300 + node - 1)
                        + "/health")).build(), HttpResponse.BodyHandlers.ofString()).body();
            } catch (IOException notYetListening) { // the admin port opens after the Kafka port
                body = notYetListening.toString();
            }
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

    /**
     * Writes v{from}… through {@code node}, each acknowledged ({@code acks=all}) before the next.
     * A request to a node that stopped answering (a SIGSTOPped one still accepts connections) is
     * given up after 5 s rather than the default 30, and retried for up to two minutes; a failure
     * says which leader each node names for the partition then.
     */
    private void produce(int node, int from, int n) throws Exception {
        try (KafkaProducer<String, String> producer = KafkaClients.producer("127.0.0.1:" + kafkaPort(node),
                Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000))) {
            for (int i = from; i < from + n; i++) {
                long sentAt = System.nanoTime();
                try {
                    producer.send(new ProducerRecord<>(TP.topic(), 0, "k", "v" + i)).get(150, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    throw new AssertionError(String.format("v%d through node %d, %d ms after it was sent: %s;"
                            + " the partition's leader as each node names it: %s", i, node,
                            (System.nanoTime() - sentAt) / 1_000_000, e, partitionLeadersSeen()), e);
                }
            }
        }
    }

    /** For each node: the leader of {@link #TP} its own Metadata answer names (node id), or what asking it gave. */
    private Map<Integer, String> partitionLeadersSeen() {
        Map<Integer, String> seen = new TreeMap<>();
        for (int node = 1; node <= 3; node++) {
            try (RawKafkaClient raw = new RawKafkaClient("127.0.0.1:" + kafkaPort(node))) {
                MetadataResponse metadata = raw.send(new MetadataRequest.Builder(new MetadataRequestData()
                        .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName(TP.topic())))), 12);
                seen.put(node, metadata.data().topics().find(TP.topic()).partitions().get(TP.partition())
                        .leaderId() + "");
            } catch (Exception e) {
                seen.put(node, e.toString());
            }
        }
        return seen;
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

    /** Starts {@code trilog cluster --nodes 3}, with {@code settings} ({@code key=value}) for every node. */
    private void startCluster(String... settings) throws Exception {
        base = freeBase();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        List<String> args = new ArrayList<>(List.of("--nodes", "3",
                "--data-dir", dir.toString(), "--kafka-port", Integer.toString(base),
                "--amqp-port", Integer.toString(base + 100), "--sqs-port", Integer.toString(base + 200),
                "--admin-port", Integer.toString(base + 300), "--raft-port", Integer.toString(base + 400),
                "--set", "group.initial.rebalance.delay.ms=0"));
        for (String setting : settings) {
            args.add("--set");
            args.add(setting);
        }
        cluster = new Thread(() -> new CommandLine(new ClusterCommand(out)).execute(args.toArray(String[]::new)),
                "trilog-cluster");
        cluster.start();
        // a node's start took 70 s, JVM start aside, at a load average near 40 on two cores
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
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
        // the writes went through the partition's own group; the metadata group elects on its own
        // time-out, which can run past them (a local CI run found the killed node still named then)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (leaderSeenBy(writer) == leader) {
            assertThat(System.nanoTime()).as("a new leader after node %d was killed", leader).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /**
     * Each partition has a Raft group of its own, led by the node Metadata names for it, which
     * need not be the node leading the metadata group (as {@code /health} names it). Killing such
     * a partition leader with SIGKILL under an idempotent {@code acks=all} producer: the
     * partition's other replicas elect a new leader, the producer follows it on its own, and
     * every acknowledged record is in the partition exactly once, in order.
     */
    @Test
    void aPartitionLedByAnotherNodeThanTheMetadataLeaderLosesNothingAcknowledgedWhenItsLeaderIsKilled()
            throws Exception {
        startCluster();
        int metadataLeader = leaderSeenBy(1);
        TopicPartition target = null;
        int partitionLeader = -1;
        try (var admin = KafkaClients.admin(bootstrapAll())) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("spread", 3, (short) 3))).all()
                    .get(60, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (target == null) {
                assertThat(System.nanoTime()).as("a partition led by another node than %d", metadataLeader)
                        .isLessThan(deadline);
                try {
                    for (var p : admin.describeTopics(List.of("spread")).allTopicNames().get(30, TimeUnit.SECONDS)
                            .get("spread").partitions()) {
                        if (p.leader() != null && p.leader().id() != metadataLeader) {
                            target = new TopicPartition("spread", p.partition());
                            partitionLeader = p.leader().id();
                            break;
                        }
                    }
                } catch (ExecutionException e) {
                    // not every node applied the creation yet
                }
                if (target == null) {
                    Thread.sleep(200);
                }
            }
        }
        TopicPartition tp = target;
        AtomicBoolean stop = new AtomicBoolean();
        List<String> acked = Collections.synchronizedList(new ArrayList<>());
        List<Long> ackedAt = Collections.synchronizedList(new ArrayList<>());
        ExecutorService producing = Executors.newSingleThreadExecutor();
        Future<?> producer = producing.submit(() -> {
            try (KafkaProducer<String, String> p = KafkaClients.producer(bootstrapAll(),
                    Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
                            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000))) {
                for (int i = 0; !stop.get(); i++) {
                    p.send(new ProducerRecord<>(tp.topic(), tp.partition(), "k", "v" + i)).get(120, TimeUnit.SECONDS);
                    acked.add("v" + i);
                    ackedAt.add(System.nanoTime());
                }
            }
            return null;
        });
        try {
            awaitCount("records acknowledged before the kill", acked::size, 200, producer);
            ProcessHandle.of(pids().get(partitionLeader - 1)).orElseThrow().destroyForcibly(); // kill -9
            long killedAt = System.nanoTime();
            int before = acked.size();
            awaitCount("records acknowledged after the kill", acked::size, before + 200, producer);
            stop.set(true);
            producer.get(130, TimeUnit.SECONDS);
            long firstAckAfterKill = ackedAt.stream().filter(t -> t > killedAt).findFirst().orElseThrow();
            System.out.printf("replication: with node %d, the leader of %s (the metadata leader: node %d), killed"
                    + " under load, the producer's next acknowledgement came %d ms later%n", partitionLeader, tp,
                    metadataLeader, (firstAckAfterKill - killedAt) / 1_000_000);
        } finally {
            stop.set(true);
            producing.shutdownNow();
        }
        int survivor = partitionLeader % 3 + 1;
        List<String> log = new ArrayList<>();
        for (ConsumerRecord<String, String> r : KafkaClients.readAll("127.0.0.1:" + kafkaPort(survivor), List.of(tp),
                acked.size(), Map.of())) {
            log.add(r.value());
        }
        assertThat(log).as("every acknowledged record once, in order").isEqualTo(acked);
    }

    /**
     * A follower whose disk was replaced after the others purged their Raft logs must fetch the
     * leader's snapshot; killed with SIGKILL while it copies it (the staging directory half
     * written), it starts again from an empty data directory as far as its engine knows, fetches
     * afresh and catches up — while a producer writes on. Then it holds the very bytes the others
     * hold, and nothing of the cut-off copy is left over.
     */
    @Test
    void aFollowerKilledInTheMiddleOfASnapshotInstallFetchesAfreshAndCatchesUp() throws Exception {
        startCluster("cluster.snapshot.threshold=50");
        int leader = leaderSeenBy(1);
        int wiped = leader % 3 + 1;
        int reference = wiped % 3 + 1;
        int end = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        produceKib(leader, end, 2_000);
        end += 2_000;
        // Ratis purges whole closed segments (8 MiB) behind a snapshot, which 2 MB of records do
        // not fill in the partition's own group: commit offsets with 4 KB of metadata each until
        // no node's metadata Raft log starts at its first entry any more; a few MB, so the copy
        // takes pieces
        try (var consumer = KafkaClients.consumer(bootstrapAll(), Map.of("group.id", "fillers",
                "enable.auto.commit", "false"))) {
            String metadata = "m".repeat(4000);
            for (int i = 0; !java.util.stream.IntStream.rangeClosed(1, 3).allMatch(this::purgedItsRaftLog); i++) {
                assertThat(System.nanoTime()).as("every node purging its metadata Raft log").isLessThan(deadline);
                consumer.commitSync(Map.of(TP, new org.apache.kafka.clients.consumer.OffsetAndMetadata(i % 2000,
                        metadata)));
            }
        }

        Path node = dir.resolve("node-" + wiped);
        Path staging = node.resolve("raft").resolve("install").resolve("staging").resolve("data");
        List<String> command = commandOf(wiped);
        kill(wiped);
        dev.trilog.log.DurableFiles.deleteTree(node);
        restart(wiped, command);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!java.nio.file.Files.isDirectory(staging)) {
            assertThat(System.nanoTime()).as("node %d starting to fetch the snapshot", wiped).isLessThan(deadline);
            Thread.sleep(2);
        }
        kill(wiped);
        boolean cutOff = !java.nio.file.Files.exists(node.resolve("raft").resolve("install").resolve("ready"))
                && !java.nio.file.Files.exists(node.resolve(TP.toString()));
        System.out.printf("replication: node %d killed while fetching the snapshot (%s)%n", wiped,
                cutOff ? "mid-copy: nothing installed yet" : "the copy had just completed");

        int from = end;
        var producing = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                produceKib(leader, from, 500);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        restart(wiped, command);
        producing.get(180, TimeUnit.SECONDS);
        end += 500;
        long expectedEnd = end;
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (localEndOffset(wiped) != expectedEnd || localEndOffset(reference) != expectedEnd) {
            assertThat(System.nanoTime()).as("node %d catching up to %d records", wiped, expectedEnd)
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
        assertThat(java.nio.file.Files.exists(staging)).as("the cut-off copy cleared").isFalse();
        assertThat(segmentBytes(wiped)).as("node %d's segments, byte for byte", wiped)
                .isEqualTo(segmentBytes(reference));
        assertThat(read(wiped, end)).hasSize(end).extracting(v -> v.substring(0, v.indexOf('-')))
                .startsWith("x0").endsWith("x" + (end - 1));
    }

    /** Whether node {@code node}'s metadata Raft log no longer holds its first entry (its first segment was purged). */
    private boolean purgedItsRaftLog(int node) {
        String metadataGroup = java.util.UUID.nameUUIDFromBytes("trilog-cluster".getBytes(StandardCharsets.UTF_8))
                .toString();
        try (var files = java.nio.file.Files.walk(dir.resolve("node-" + node).resolve("raft").resolve("ratis")
                .resolve(metadataGroup))) {
            List<String> segments = files.map(f -> f.getFileName().toString())
                    .filter(name -> name.startsWith("log_")).toList();
            return !segments.isEmpty() && segments.stream()
                    .noneMatch(name -> name.startsWith("log_0-") || name.equals("log_inprogress_0"));
        } catch (IOException | java.io.UncheckedIOException e) {
            return false; // a segment renamed under the walk: look again
        }
    }

    /** {@code n} records of 1 KiB ({@code x<i>} and padding), acknowledged by all. */
    private void produceKib(int node, int from, int n) throws Exception {
        String padding = "-".repeat(1000);
        try (KafkaProducer<String, String> producer = KafkaClients.producer("127.0.0.1:" + kafkaPort(node),
                Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000))) {
            List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
            for (int i = from; i < from + n; i++) {
                sends.add(producer.send(new ProducerRecord<>(TP.topic(), 0, "k", "x" + i + padding)));
            }
            for (var send : sends) {
                send.get(120, TimeUnit.SECONDS);
            }
        }
    }

    /** The end offset of the partition in node {@code node}'s own log, as its admin API reports it (-1 before it has one). */
    private long localEndOffset(int node) throws Exception {
        HttpResponse<String> answer;
        try {
            answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + (base + 300 + node - 1) + "/api/v1/topics/" + TP.topic())).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException notListening) {
            return -1;
        }
        Matcher m = Pattern.compile("\"endOffset\"\\s*:\\s*(\\d+)").matcher(answer.body());
        return answer.statusCode() == 200 && m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Every segment file of the partition on node {@code node}, concatenated in offset order. */
    private byte[] segmentBytes(int node) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try (var files = java.nio.file.Files.list(dir.resolve("node-" + node).resolve(TP.toString()))) {
            for (Path segment : files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList()) {
                all.writeBytes(java.nio.file.Files.readAllBytes(segment));
            }
        }
        return all.toByteArray();
    }

    /** Node {@code node}'s command line: ProcessHandle.Info gives no arguments for one this long; /proc has it whole. */
    private List<String> commandOf(int node) throws IOException {
        return List.of(java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid(node)), "cmdline"))
                .split("\0"));
    }

    /** SIGKILL, and waits until the process is gone. */
    private void kill(int node) throws Exception {
        ProcessHandle handle = ProcessHandle.of(pid(node)).orElseThrow();
        handle.destroyForcibly();
        handle.onExit().get(30, TimeUnit.SECONDS);
    }

    private void restart(int node, List<String> command) throws IOException {
        restarted.put(node, new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("node-" + node + "-restarts.log").toFile()))
                .start());
    }

    /** Sends a signal to a node's process: STOP cuts it off from everyone (it neither sends nor answers), CONT heals. */
    private static void signal(String name, long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start().waitFor()).isZero();
    }

    /**
     * A network partition as a process sees it: a stopped process (SIGSTOP) is cut off from every
     * other node and client while keeping its state; SIGCONT heals the partition. First the leader
     * is cut off: the two others elect a new one and take writes; healed, the old leader follows.
     * Then the two followers are cut off: the leader, now a minority, acknowledges no write; healed,
     * the cluster takes writes again. Every acknowledged record is there once, in order.
     */
    @Test
    void aMinorityCutOffAcknowledgesNoWriteAndTheClusterHealsWithoutLoss() throws Exception {
        startCluster();
        produce(1, 0, 10);
        int leader = leaderSeenBy(1);
        int a = leader % 3 + 1;
        int b = a % 3 + 1;

        signal("STOP", pids().get(leader - 1));
        long cutAt = System.nanoTime();
        while (leaderSeenBy(a) == leader) {
            assertThat(System.nanoTime() - cutAt).as("a new leader on the majority side")
                    .isLessThan(TimeUnit.SECONDS.toNanos(30));
            Thread.sleep(50);
        }
        long electedMs = (System.nanoTime() - cutAt) / 1_000_000;
        produce(a, 10, 1); // the majority side
        System.out.printf("replication: with the leader (node %d) cut off, node %d named a new leader %d ms later;"
                + " the first write through it was acknowledged %d ms after the cut (a client connected to the cut-off"
                + " leader waits out its request.timeout.ms first)%n", leader, a, electedMs,
                (System.nanoTime() - cutAt) / 1_000_000);
        produce(b, 11, 9);
        signal("CONT", pids().get(leader - 1));

        int current = leaderSeenBy(a);
        assertThat(current).as("the majority's leader").isNotEqualTo(leader);
        int[] followers = {current % 3 + 1, (current + 1) % 3 + 1};
        signal("STOP", pids().get(followers[0] - 1));
        signal("STOP", pids().get(followers[1] - 1));
        try (KafkaProducer<String, String> minority = KafkaClients.producer("127.0.0.1:" + kafkaPort(current),
                Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                        ProducerConfig.RETRIES_CONFIG, 0, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5_000))) {
            var send = minority.send(new ProducerRecord<>(TP.topic(), 0, "k", "unacknowledged"));
            try {
                send.get(30, TimeUnit.SECONDS);
                throw new AssertionError("a node cut off from the majority acknowledged a write");
            } catch (ExecutionException refused) {
                System.out.printf("replication: the minority leader (node %d) did not acknowledge: %s%n", current,
                        refused.getCause());
            }
        } finally {
            signal("CONT", pids().get(followers[0] - 1));
            signal("CONT", pids().get(followers[1] - 1));
        }

        produce(followers[0], 20, 10);
        List<String> values = new ArrayList<>(read(followers[1], 30));
        if (values.contains("unacknowledged")) {
            // committed once the partition healed: its outcome was unknown to the client, as in Kafka
            values = new ArrayList<>(read(followers[1], 31));
            assertThat(Collections.frequency(values, "unacknowledged")).isEqualTo(1);
            values.remove("unacknowledged");
        }
        assertThat(values).as("every acknowledged record once, in order").isEqualTo(expected(30));
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
        awaitCount("records acknowledged before the kill", acked::size, 200);

        int leader = leaderSeenBy(1);
        ProcessHandle.of(pids().get(leader - 1)).orElseThrow().destroyForcibly();
        long killedAt = System.nanoTime();
        int before = acked.size();
        awaitCount("records acknowledged after the kill", acked::size, before + 300);
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

    /**
     * The failover case for SQS: a sender on one follower and a receiver on the other
     * (which relay to the leader, then to its successor), the leader killed with SIGKILL between
     * them; both retry what failed. Every message whose SendMessage was answered is received, and
     * no message (by MessageId) whose DeleteMessage was answered is received again. A standard
     * queue delivers at least once: a message received in an answer the kill cut off comes again
     * after the 2 s visibility timeout, and a retried send may be stored twice (under two
     * MessageIds) — those are printed, not refused.
     */
    @Test
    void sqsSendersAndReceiversLoseNoMessageAndResurrectNoDeletedOneWhenTheLeaderIsKilled() throws Exception {
        startCluster();
        int leader = leaderSeenBy(1);
        int sending = leader % 3 + 1;
        int receiving = sending % 3 + 1;
        SqsLedger ledger = new SqsLedger();
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try (SqsClient sender = SqsClients.sync(sqsEndpoint(sending));
                SqsClient receiver = SqsClients.sync(sqsEndpoint(receiving))) {
            String url = ledger.call("CreateQueue", () -> sender.createQueue(b -> b.queueName("survives")
                    .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "2"))).queueUrl());
            AtomicBoolean stop = new AtomicBoolean();
            Future<?> sends = clients.submit(() -> ledger.sendUntil(stop, sender, url));
            Future<?> receives = clients.submit(() -> ledger.receiveAndDeleteUntil(stop, receiver, url));
            awaitCount("messages sent before the kill", ledger.sent::size, 100, sends, receives);
            awaitCount("messages deleted before the kill", ledger.deletedAt::size, 50, sends, receives);

            ProcessHandle.of(pids().get(leader - 1)).orElseThrow().destroyForcibly(); // kill -9 the leader
            ledger.killedAt = System.nanoTime();
            int deletesAtKill = ledger.deletedAt.size();
            awaitCount("messages sent after the kill", ledger.sent::size, ledger.sent.size() + 100, sends, receives);
            awaitCount("messages deleted after the kill", ledger.deletedAt::size, deletesAtKill + 50, sends,
                    receives);
            stop.set(true);
            sends.get(60, TimeUnit.SECONDS);
            receives.get(60, TimeUnit.SECONDS);
            Map<String, Long> afterKill = new TreeMap<>();
            ledger.firstAnswers.forEach((action, at) -> afterKill.put(action, (at - ledger.killedAt) / 1_000_000));
            System.out.printf("replication: with node %d, the leader, killed under SQS traffic, the first SQS answer"
                    + " came %d ms later (the first of each action, in ms: %s)%n", leader,
                    Collections.min(afterKill.values()), afterKill);

            ledger.drain(receiver, url);
        } finally {
            clients.shutdownNow();
        }

        ledger.assertNothingLostOrResurrected();
        Map<String, Set<String>> idsByBody = new HashMap<>();
        ledger.received.forEach(m -> idsByBody.computeIfAbsent(m.body(), body -> new HashSet<>()).add(m.messageId()));
        System.out.printf("replication: %d SQS messages sent and answered, %d received, %d of them deleted before the"
                + " kill; stored twice by a retried send: %s%n", ledger.sent.size(), ledger.received.size(),
                ledger.deletedAt.values().stream().filter(at -> at < ledger.killedAt).count(),
                idsByBody.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey).toList());
    }

    /**
     * The rolling case: the leader is killed with SIGKILL three times, a few seconds apart,
     * and each killed node is started again over its data directory, under an idempotent
     * {@code acks=all} Kafka producer bootstrapped from all nodes and an SQS sender and receiver
     * (each on its own node, which is killed and restarted in its turn; the clients retry). Every
     * acknowledged record is in the log once and in order, every answered SendMessage is received,
     * and no message whose DeleteMessage was answered comes back.
     */
    @Test
    void rollingKillsOfTheLeaderLoseNothingAcknowledgedAndResurrectNothingDeleted() throws Exception {
        startCluster();
        AtomicBoolean stop = new AtomicBoolean();
        List<String> acked = Collections.synchronizedList(new ArrayList<>());
        SqsLedger ledger = new SqsLedger();
        ExecutorService clients = Executors.newFixedThreadPool(3);
        try (SqsClient sender = SqsClients.sync(sqsEndpoint(1)); SqsClient receiver = SqsClients.sync(sqsEndpoint(2))) {
            String url = ledger.call("CreateQueue", () -> sender.createQueue(b -> b.queueName("rolling")
                    .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "2"))).queueUrl());
            Future<?> producing = clients.submit(() -> {
                try (KafkaProducer<String, String> producer = KafkaClients.producer(bootstrapAll(),
                        Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
                                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000))) {
                    for (int i = 0; !stop.get(); i++) {
                        producer.send(new ProducerRecord<>(TP.topic(), 0, "k", "v" + i)).get(120, TimeUnit.SECONDS);
                        acked.add("v" + i);
                    }
                }
                return null;
            });
            Future<?> sends = clients.submit(() -> ledger.sendUntil(stop, sender, url));
            Future<?> receives = clients.submit(() -> ledger.receiveAndDeleteUntil(stop, receiver, url));
            List<String> kills = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                awaitCount("records acknowledged", acked::size, acked.size() + 100, producing, sends, receives);
                awaitCount("messages deleted", ledger.deletedAt::size, ledger.deletedAt.size() + 20, producing, sends,
                        receives);
                int leader = leaderSeenBy(leaderSeenBy(1) % 3 + 1); // asked of a node that is up
                int ackedAtKill = acked.size();
                long killedAt = System.nanoTime();
                String killedAtClock = java.time.LocalTime.now().toString(); // to find the kill in the nodes' logs
                killAndRestart(leader);
                awaitCount("records acknowledged after the kill", acked::size, ackedAtKill + 1, producing, sends,
                        receives);
                kills.add("node " + leader + " (killed at " + killedAtClock + "): next Kafka ack after " + (System.nanoTime() - killedAt) / 1_000_000
                        + " ms");
                long restartDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180); // see startCluster
                while (!listening(kafkaPort(leader))) { // back before the next round
                    assertThat(System.nanoTime()).as("node %d restarted", leader).isLessThan(restartDeadline);
                    Thread.sleep(100);
                }
            }
            stop.set(true);
            producing.get(130, TimeUnit.SECONDS);
            sends.get(60, TimeUnit.SECONDS);
            receives.get(60, TimeUnit.SECONDS);
            System.out.printf("replication: rolling kills of the leader: %s%n", kills);

            ledger.drain(receiver, url);
        } finally {
            stop.set(true);
            clients.shutdownNow();
        }
        assertThat(read(3, acked.size())).as("every acknowledged record once, in order").isEqualTo(acked);
        ledger.assertNothingLostOrResurrected();
        System.out.printf("replication: rolling kills: %d records acknowledged, %d SQS messages sent, %d deleted%n",
                acked.size(), ledger.sent.size(), ledger.deletedAt.size());
    }

    /**
     * The failover case for RabbitMQ's AMQP 0-9-1 client: a publisher with confirms on one follower
     * and a consumer acknowledging each message on the other (both relayed to the leader), the
     * leader killed with SIGKILL between them; both reconnect and go on. Every confirmed message is
     * received, and none acknowledged well before the kill (2 s: acknowledgements have no answer in
     * 0-9-1, so one in flight at the kill may be lost and its message delivered again) comes back.
     */
    @Test
    void rabbitMqPublishersAndConsumersLoseNoConfirmedMessageWhenTheLeaderIsKilled() throws Exception {
        startCluster();
        int leader = leaderSeenBy(1);
        int publishing = leader % 3 + 1;
        int consuming = publishing % 3 + 1;
        List<String> confirmed = Collections.synchronizedList(new ArrayList<>());
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        Map<String, Long> ackedAt = new ConcurrentHashMap<>();
        List<String> resurrected = Collections.synchronizedList(new ArrayList<>());
        long[] killedAt = {Long.MAX_VALUE};
        long[] firstConfirmAfterKill = {0};
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try (AmqpSession publisher = new AmqpSession(base + 100 + publishing - 1);
                AmqpSession consumer = new AmqpSession(base + 100 + consuming - 1)) {
            publisher.call(channel -> channel.queueDeclare("amqp-survives", true, false, false, null));
            Future<?> publishes = clients.submit(() -> {
                for (int i = 0; !stop.get(); i++) {
                    byte[] body = ("p-" + i).getBytes(StandardCharsets.UTF_8);
                    long started = System.nanoTime();
                    publisher.call(channel -> {
                        channel.basicPublish("", "amqp-survives", com.rabbitmq.client.MessageProperties.PERSISTENT_BASIC,
                                body);
                        channel.waitForConfirmsOrDie(10_000);
                        return null;
                    });
                    confirmed.add("p-" + i);
                    if (started > killedAt[0] && firstConfirmAfterKill[0] == 0) { // published after the kill
                        firstConfirmAfterKill[0] = System.nanoTime();
                    }
                }
                return null;
            });
            Future<?> consumes = clients.submit(() -> {
                while (!stop.get()) {
                    consumer.call(channel -> {
                        com.rabbitmq.client.GetResponse got = channel.basicGet("amqp-survives", false);
                        if (got == null) {
                            Thread.sleep(20);
                            return null;
                        }
                        String body = new String(got.getBody(), StandardCharsets.UTF_8);
                        Long acked = ackedAt.get(body);
                        if (acked != null && acked < killedAt[0] - TimeUnit.SECONDS.toNanos(2)) {
                            resurrected.add(body);
                        }
                        received.add(body);
                        channel.basicAck(got.getEnvelope().getDeliveryTag(), false);
                        ackedAt.putIfAbsent(body, System.nanoTime());
                        return null;
                    });
                }
                return null;
            });
            awaitCount("messages confirmed before the kill", confirmed::size, 100, publishes, consumes);
            awaitCount("messages received before the kill", received::size, 50, publishes, consumes);

            ProcessHandle.of(pid(leader)).orElseThrow().destroyForcibly();
            killedAt[0] = System.nanoTime();
            awaitCount("messages confirmed after the kill", confirmed::size, confirmed.size() + 100, publishes,
                    consumes);
            stop.set(true);
            publishes.get(60, TimeUnit.SECONDS);
            consumes.get(60, TimeUnit.SECONDS);
            System.out.printf("replication: with node %d, the leader, killed under AMQP 0-9-1 traffic, the next"
                    + " publisher confirm came %d ms later%n", leader, (firstConfirmAfterKill[0] - killedAt[0]) / 1_000_000);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long quietSince = System.nanoTime();
            while (!(received.containsAll(confirmed) && System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(3))) {
                int before = received.size();
                consumer.call(channel -> {
                    com.rabbitmq.client.GetResponse got = channel.basicGet("amqp-survives", true);
                    if (got != null) {
                        received.add(new String(got.getBody(), StandardCharsets.UTF_8));
                    } else {
                        Thread.sleep(50);
                    }
                    return null;
                });
                if (received.size() > before) {
                    quietSince = System.nanoTime();
                }
                assertThat(System.nanoTime()).as("draining the queue").isLessThan(deadline);
            }
        } finally {
            stop.set(true);
            clients.shutdownNow();
        }
        Set<String> lost = new HashSet<>(confirmed);
        lost.removeAll(received);
        assertThat(lost).as("confirmed messages never received").isEmpty();
        assertThat(resurrected).as("messages delivered again though acknowledged 2 s before the kill").isEmpty();
        System.out.printf("replication: AMQP: %d messages confirmed, %d deliveries, %d delivered more than once%n",
                confirmed.size(), received.size(), received.size() - new HashSet<>(received).size());
    }

    /**
     * One AMQP 0-9-1 connection to a node, made again whenever a call fails with a connection-level
     * error (the node relaying it lost the leader, or the node itself died): the call is retried on
     * a fresh channel for up to 30 s, as an application with its own recovery would.
     */
    private static final class AmqpSession implements AutoCloseable {

        interface ChannelCall<T> {
            T call(com.rabbitmq.client.Channel channel) throws Exception;
        }

        private final int port;
        private com.rabbitmq.client.Connection connection;
        private com.rabbitmq.client.Channel channel;

        AmqpSession(int port) {
            this.port = port;
        }

        synchronized <T> T call(ChannelCall<T> call) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    if (channel == null || !channel.isOpen()) {
                        reconnect();
                    }
                    return call.call(channel);
                } catch (IOException | TimeoutException
                        | com.rabbitmq.client.ShutdownSignalException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    closeQuietly();
                    Thread.sleep(100);
                }
            }
        }

        private void reconnect() throws Exception {
            closeQuietly();
            com.rabbitmq.client.ConnectionFactory factory = new com.rabbitmq.client.ConnectionFactory();
            factory.setHost("127.0.0.1");
            factory.setPort(port);
            factory.setAutomaticRecoveryEnabled(false);
            factory.setConnectionTimeout(5_000);
            connection = factory.newConnection();
            channel = connection.createChannel();
            channel.confirmSelect();
        }

        private void closeQuietly() {
            if (connection != null) {
                connection.abort(1_000);
            }
            connection = null;
            channel = null;
        }

        @Override
        public synchronized void close() {
            closeQuietly();
        }
    }

    /**
     * What SQS clients were answered while the leader died: the bodies whose SendMessage was
     * answered, every message received (in order; one receiving thread at a time), when each
     * MessageId's DeleteMessage was answered, the messages received after that, and, by action,
     * when the first call made after the kill was answered.
     */
    private static final class SqsLedger {

        final List<String> sent = Collections.synchronizedList(new ArrayList<>());
        final List<Message> received = Collections.synchronizedList(new ArrayList<>());
        final Map<String, Long> deletedAt = new ConcurrentHashMap<>();
        final List<String> resurrected = Collections.synchronizedList(new ArrayList<>());
        /** The receive count each deleted message had when its DeleteMessage was sent. */
        final Map<String, String> receiveCountAtDelete = new ConcurrentHashMap<>();
        final Map<String, Long> firstAnswers = new ConcurrentHashMap<>();
        volatile long killedAt = Long.MAX_VALUE;
        static final int CALL_RETRY_SECONDS = 90;

        void send(SqsClient client, String url, String body) throws Exception {
            call("SendMessage", () -> client.sendMessage(b -> b.queueUrl(url).messageBody(body)));
            sent.add(body);
        }

        /** Sends {@code m-0}, {@code m-1}, … until {@code stop}. */
        Void sendUntil(AtomicBoolean stop, SqsClient client, String url) throws Exception {
            for (int i = 0; !stop.get(); i++) {
                send(client, url, "m-" + i);
            }
            return null;
        }

        /** Receives and deletes until {@code stop}. */
        Void receiveAndDeleteUntil(AtomicBoolean stop, SqsClient client, String url) throws Exception {
            while (!stop.get()) {
                receiveAndDelete(client, url);
            }
            return null;
        }

        /**
         * Receives and deletes what is left, and what comes back once its visibility ends, until
         * every answered send was received and nothing came for 3 s (at most 30 s).
         */
        void drain(SqsClient client, String url) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long quietSince = System.nanoTime();
            while (!(receivedBodies().containsAll(sent)
                    && System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(3))) {
                if (receiveAndDelete(client, url) > 0) {
                    quietSince = System.nanoTime();
                }
                if (System.nanoTime() > deadline) {
                    Set<String> missing = new HashSet<>(sent);
                    missing.removeAll(receivedBodies());
                    throw new AssertionError("draining the queue took over 30 s; answered sends never received: "
                            + missing + "; received again after their deletion: " + resurrected);
                }
            }
        }

        /** Every answered SendMessage was received; no message came back after its DeleteMessage was answered. */
        void assertNothingLostOrResurrected() {
            Set<String> lost = new HashSet<>(sent);
            lost.removeAll(receivedBodies());
            assertThat(lost).as("messages whose SendMessage was answered, never received").isEmpty();
            assertThat(resurrected).as("messages received again after their DeleteMessage was answered").isEmpty();
        }

        /** One ReceiveMessage, then a DeleteMessage for each message it brought; returns how many. */
        int receiveAndDelete(SqsClient client, String url) throws Exception {
            List<Message> got = call("ReceiveMessage", () -> client.receiveMessage(b -> b.queueUrl(url)
                    .maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages());
            for (Message m : got) {
                received.add(m);
                Long deleted = deletedAt.get(m.messageId());
                if (deleted != null) {
                    resurrected.add(m.body() + " (" + m.messageId() + "), deleted "
                            + (deleted < killedAt ? "before" : "after") + " the kill, "
                            + (System.nanoTime() - deleted) / 1_000_000 + " ms before it came again; receive count "
                            + receiveCountAtDelete.get(m.messageId()) + " then, " + receiveCount(m) + " now");
                }
                call("DeleteMessage", () -> client.deleteMessage(b -> b.queueUrl(url)
                        .receiptHandle(m.receiptHandle())));
                receiveCountAtDelete.putIfAbsent(m.messageId(), receiveCount(m));
                deletedAt.putIfAbsent(m.messageId(), System.nanoTime());
            }
            return got.size();
        }

        private static String receiveCount(Message m) {
            return m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        }

        Set<String> receivedBodies() {
            synchronized (received) {
                Set<String> bodies = new HashSet<>();
                received.forEach(m -> bodies.add(m.body()));
                return bodies;
            }
        }

        /**
         * Calls {@code call} until it is answered, for {@value #CALL_RETRY_SECONDS} s: while the
         * leader is dead and no other is elected, the nodes close the connections they cannot relay
         * (the SDK's own retries give up with an {@link SdkClientException}), or answer a server
         * error; and a client's own node, killed, refuses connections until it is back, which on a
         * busy machine takes as long as the test allows a restart (90 s).
         */
        <T> T call(String action, Callable<T> call) throws Exception {
            long started = System.nanoTime();
            long deadline = started + TimeUnit.SECONDS.toNanos(CALL_RETRY_SECONDS);
            while (true) {
                try {
                    T answer = call.call();
                    if (started > killedAt) {
                        firstAnswers.putIfAbsent(action, System.nanoTime());
                    }
                    return answer;
                } catch (SdkClientException | SqsException e) {
                    if ((e instanceof SqsException refused && refused.statusCode() < 500)
                            || System.nanoTime() > deadline) {
                        throw e;
                    }
                    started = System.nanoTime();
                    Thread.sleep(100);
                }
            }
        }
    }

    /** Waits for {@code count} to reach {@code target}, failing early with any of {@code workers} that failed. */
    private static void awaitCount(String what, IntSupplier count, int target, Future<?>... workers)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (count.getAsInt() < target) {
            for (Future<?> worker : workers) {
                if (worker.isDone()) {
                    worker.get(); // throws what it failed with
                }
            }
            assertThat(System.nanoTime()).as("waiting for %d %s (have %d)", target, what, count.getAsInt())
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
