package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.TrilogHarness;
import dev.trilog.replication.ReplicatedNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three gateways in one JVM joined by {@code cluster.nodes} (replication, first step): an
 * idempotent Kafka producer with {@code acks=all} on one node (each node hands out its own
 * producer ids), a consumer on another reading everything in order,
 * and writes going on through a survivor after the Raft leader's gateway stops.
 */
class ReplicatedClusterTest {

    private static final TopicPartition TP = new TopicPartition("replicated", 0);

    @TempDir
    Path dir;
    final TrilogHarness[] nodes = new TrilogHarness[3];

    @AfterEach
    void stop() {
        for (TrilogHarness node : nodes) {
            if (node != null) {
                node.close();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void startCluster() throws IOException {
        String cluster = "1@127.0.0.1:" + freePort() + ",2@127.0.0.1:" + freePort() + ",3@127.0.0.1:" + freePort();
        for (int i = 0; i < 3; i++) {
            nodes[i] = TrilogHarness.start(dir.resolve("node-" + (i + 1)), "cluster.nodes", cluster,
                    "node.id", Integer.toString(i + 1));
        }
    }

    private static void produce(TrilogHarness node, int from, int n) throws Exception {
        try (KafkaProducer<String, String> producer = KafkaClients.producer(node.kafkaBootstrap(),
                Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000,
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000))) {
            for (int i = from; i < from + n; i++) {
                producer.send(new ProducerRecord<>(TP.topic(), 0, "k" + i, "v" + i)).get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static List<String> read(TrilogHarness node, int count) {
        List<String> values = new ArrayList<>();
        for (ConsumerRecord<String, String> r : KafkaClients.readAll(node.kafkaBootstrap(), List.of(TP), count,
                Map.of())) {
            values.add(r.offset() + ":" + r.value());
        }
        return values;
    }

    private static List<String> expected(int n) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            values.add(i + ":v" + i);
        }
        return values;
    }

    @Test
    void whatIsProducedOnOneNodeIsReadOnAnotherAndWritesSurviveTheLeader() throws Exception {
        startCluster();

        produce(nodes[1], 0, 20); // auto-created on node 2, reaching the others with its first write

        assertThat(read(nodes[2], 20)).isEqualTo(expected(20));
        assertThat(read(nodes[0], 20)).isEqualTo(expected(20));

        int leader = -1;
        for (int i = 0; i < 3; i++) {
            if (nodes[i].gateway().replication().map(ReplicatedNode::isLeader).orElse(false)) {
                leader = i;
            }
        }
        assertThat(leader).as("a Raft leader among the three").isGreaterThanOrEqualTo(0);
        nodes[leader].close();
        nodes[leader] = null;
        TrilogHarness survivor = nodes[(leader + 1) % 3];
        TrilogHarness other = nodes[(leader + 2) % 3];

        long stoppedAt = System.nanoTime();
        produce(survivor, 20, 1); // waits out the election
        System.out.printf("replication failover: the first acks=all write after the leader stopped took %d ms%n",
                (System.nanoTime() - stoppedAt) / 1_000_000);
        produce(survivor, 21, 9);

        assertThat(read(other, 30)).isEqualTo(expected(30));
    }
}
