import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Single-request latency at a low rate of the writes that complete once the node they came
 * through has applied them, on a three-node cluster (issue 14: Ratis' commit-index entries off,
 * so such a node may learn of the commit only with the group's next heartbeat). Each request is
 * sent after the previous one is answered; the probe prints p50, p99 and max per path.
 *
 * <ul>
 *   <li>{@code sqs}: SendMessage through node 1's SQS port (relayed to the node serving the
 *       queues, the metadata leader) to queues whose partition another node leads;
 *   <li>{@code amqp}: an AMQP 0-9-1 publish with confirms through node 1, to queues likewise led elsewhere;
 *   <li>{@code txn}: a Kafka transaction (one record to a partition not led by the coordinator, then
 *       commitTransaction) — the markers are written by the coordinator into partitions led elsewhere;
 *   <li>{@code createtopic}: the admin API's POST /api/v1/topics on a node that does not lead the
 *       metadata group (each topic deleted, untimed, before the next is created).
 * </ul>
 *
 * Usage: LatencyProbe KAFKA_PORTS(comma) AMQP_PORT SQS_PORT ADMIN_PORTS(comma) COUNT [paths…]
 * (ports of nodes 1, 2, 3 in order; paths default to all four).
 */
public final class LatencyProbe {

    private static final int QUEUES = 6;

    private final List<Integer> kafkaPorts;
    private final int amqpPort;
    private final int sqsPort;
    private final List<Integer> adminPorts;
    private final int count;
    private final String bootstrap;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String run = Long.toString(System.currentTimeMillis() % 100000, 36);

    LatencyProbe(String[] args) {
        kafkaPorts = ports(args[0]);
        amqpPort = Integer.parseInt(args[1]);
        sqsPort = Integer.parseInt(args[2]);
        adminPorts = ports(args[3]);
        count = Integer.parseInt(args[4]);
        bootstrap = kafkaPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    public static void main(String[] args) throws Exception {
        LatencyProbe probe = new LatencyProbe(args);
        List<String> paths = args.length > 5 ? Arrays.asList(args).subList(5, args.length)
                : List.of("sqs", "amqp", "txn", "createtopic");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, probe.bootstrap))) {
            for (String path : paths) {
                try {
                    switch (path) {
                        case "sqs" -> probe.sqs(admin);
                        case "amqp" -> probe.amqp(admin);
                        case "txn" -> probe.txn(admin);
                        case "createtopic" -> probe.createTopic(admin);
                        default -> throw new IllegalArgumentException(path);
                    }
                } catch (Exception e) { // one path failing leaves the others measured
                    System.out.printf("%-48s FAILED: %s%n", path, e);
                    e.printStackTrace();
                }
            }
        }
    }

    /** The node leading the metadata group: the controller Kafka clients are told of. */
    private static int metadataLeader(Admin admin) throws Exception {
        return admin.describeCluster().controller().get().id();
    }

    /** The topics (internal ones too) whose name contains {@code name}, with their partitions' leaders. */
    private static Map<String, TopicDescription> topicsNamed(Admin admin, String name) throws Exception {
        Set<String> all = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
        List<String> matching = all.stream().filter(t -> t.contains(name)).toList();
        return admin.describeTopics(matching).allTopicNames().get();
    }

    /** Whether every partition of the topics backing queue {@code name} is led by another node than {@code server}. */
    private static boolean ledElsewhere(Admin admin, String name, int server) throws Exception {
        Map<String, TopicDescription> topics = topicsNamed(admin, name);
        List<Integer> leaders = topics.values().stream().flatMap(d -> d.partitions().stream())
                .map(p -> p.leader() == null ? -1 : p.leader().id()).toList();
        System.out.printf("  queue %s: topics %s, leaders %s%n", name, topics.keySet(), leaders);
        return !leaders.isEmpty() && !leaders.contains(server) && !leaders.contains(-1);
    }

    private void sqs(Admin admin) throws Exception {
        int server = metadataLeader(admin);
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < QUEUES; i++) {
            String name = "latsqs" + run + "q" + i;
            String url = sqsCall("CreateQueue", "{\"QueueName\":\"" + name + "\"}").replaceAll(".*\"QueueUrl\"\\s*:\\s*\"([^\"]+)\".*", "$1");
            sqsCall("SendMessage", "{\"QueueUrl\":\"" + url + "\",\"MessageBody\":\"warm\"}");
            if (ledElsewhere(admin, name, server)) {
                urls.add(url);
            }
        }
        measure("sqs SendMessage (queue led elsewhere)", urls, url ->
                sqsCall("SendMessage", "{\"QueueUrl\":\"" + url + "\",\"MessageBody\":\"m\"}"));
    }

    private String sqsCall(String action, String json) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sqsPort + "/"))
                .header("Content-Type", "application/x-amz-json-1.0").header("X-Amz-Target", "AmazonSQS." + action)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(action + ": " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    private void amqp(Admin admin) throws Exception {
        int server = metadataLeader(admin);
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(amqpPort);
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            List<String> queues = new ArrayList<>();
            for (int i = 0; i < QUEUES; i++) {
                String name = "latamqp" + run + "q" + i;
                channel.queueDeclare(name, true, false, false, null);
                channel.basicPublish("", name, null, new byte[16]);
                channel.waitForConfirmsOrDie(30_000);
                if (ledElsewhere(admin, name, server)) {
                    queues.add(name);
                }
            }
            measure("amqp publish+confirm (queue led elsewhere)", queues, queue -> {
                channel.basicPublish("", queue, null, new byte[16]);
                channel.waitForConfirmsOrDie(30_000);
            });
        }
    }

    private void txn(Admin admin) throws Exception {
        String topic = "lattxn" + run;
        admin.createTopics(List.of(new NewTopic(topic, 6, (short) 3))).all().get();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "lattxn" + run);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            producer.initTransactions();
            int coordinator = metadataLeader(admin);
            List<Integer> elsewhere = new ArrayList<>();
            // right after the topic's creation its groups' first leaders may all be one node; the
            // preferred replicas (spread over the nodes) take the lead within seconds
            for (int attempt = 0; attempt < 30 && elsewhere.isEmpty(); attempt++) {
                Thread.sleep(1000);
                for (TopicPartitionInfo p : admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()) {
                    if (p.leader() != null && p.leader().id() != coordinator) {
                        elsewhere.add(p.partition());
                    }
                }
            }
            System.out.printf("  coordinator %d, partitions led elsewhere %s%n", coordinator, elsewhere);
            measure("kafka txn send+commit (partition led elsewhere)", elsewhere, partition -> {
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, partition, null, new byte[16])).get();
                producer.commitTransaction();
            });
        }
    }

    private void createTopic(Admin admin) throws Exception {
        int leader = metadataLeader(admin);
        int follower = leader == 1 ? 2 : 1;
        int port = adminPorts.get(follower - 1);
        System.out.printf("  metadata leader %d, creating through node %d%n", leader, follower);
        int[] next = {0};
        String[] created = {null};
        // each topic is deleted before the next is created (not measured): a group per partition,
        // and 200 idle groups' heartbeats would load the machine more with every topic
        measureTimed("CreateTopic through a follower (admin API)", List.of(port), p -> {
            if (created[0] != null) {
                admin.deleteTopics(List.of(created[0])).all().get();
            }
            created[0] = "latct" + run + "t" + next[0]++;
            String body = "{\"name\":\"" + created[0] + "\",\"partitions\":1}";
            long start = System.nanoTime();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p + "/api/v1/topics"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException("create topic: " + response.statusCode() + " " + response.body());
            }
            return System.nanoTime() - start;
        });
    }

    interface Call<T> {
        void run(T target) throws Exception;
    }

    /** A call that times its own measured part (returns its nanoseconds), leaving out its set-up. */
    interface TimedCall<T> {
        long run(T target) throws Exception;
    }

    private <T> void measure(String what, Collection<T> targets, Call<T> call) throws Exception {
        measureTimed(what, targets, target -> {
            long start = System.nanoTime();
            call.run(target);
            return System.nanoTime() - start;
        });
    }

    /** {@code count} calls, one after another, cycling through {@code targets}; the first tenth (at least 5) warms and is not counted. */
    private <T> void measureTimed(String what, Collection<T> targets, TimedCall<T> call) throws Exception {
        if (targets.isEmpty()) {
            System.out.printf("%-48s none led elsewhere%n", what);
            return;
        }
        List<T> cycle = List.copyOf(targets);
        int warm = Math.max(5, count / 10);
        long[] micros = new long[count];
        for (int i = -warm; i < count; i++) {
            T target = cycle.get(Math.floorMod(i, cycle.size()));
            long nanos = call.run(target);
            if (i >= 0) {
                micros[i] = TimeUnit.NANOSECONDS.toMicros(nanos);
            }
            Thread.sleep(20); // a low rate: the group is idle between two requests
        }
        Arrays.sort(micros);
        System.out.printf("%-48s n=%d p50=%.1f ms p99=%.1f ms max=%.1f ms%n", what, count,
                micros[count / 2] / 1000.0, micros[(int) Math.ceil(count * 0.99) - 1] / 1000.0, micros[count - 1] / 1000.0);
    }

    private static List<Integer> ports(String csv) {
        return Arrays.stream(csv.split(",")).map(Integer::parseInt).toList();
    }
}
