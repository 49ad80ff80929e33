package dev.trilog.compat.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.TrilogCluster;
import dev.trilog.compat.TrilogHarness;
import dev.trilog.compat.kafka.KafkaClients;
import dev.trilog.compat.sqs.SqsClients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A node that comes back — even with its data directory gone — catches up with the others and
 * can then lead: its log, topics and queues are the cluster's (docs/replication.md).
 */
class NodeRecoveryTest {

    private static final TopicPartition TP = new TopicPartition("ledger", 0);

    @TempDir
    Path dir;
    TrilogCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aFollowerWhoseDataDirectoryWasWipedCatchesUpAndCanLead() throws Exception {
        cluster = TrilogCluster.start(dir);
        int leader = cluster.queueLeaderIndex();
        produce(cluster.node(leader), 0, 10);
        String url;
        try (SqsClient sqs = SqsClients.sync(cluster.node(leader))) {
            url = sqs.createQueue(b -> b.queueName("refunds")).queueUrl();
            sqs.sendMessage(b -> b.queueUrl(url).messageBody("refund-1"));
        }

        int wiped = (leader + 1) % 3;
        cluster.stop(wiped);
        deleteRecursively(cluster.dataDir(wiped));
        produce(cluster.node(leader), 10, 10);
        cluster.startNode(wiped);

        TrilogHarness recovered = cluster.node(wiped);
        TrilogCluster.await("the wiped node to hold all 20 records", () -> {
            var log = recovered.gateway().engine().partition(TP);
            return log != null && log.logEndOffset() == 20;
        });
        assertThat(recovered.gateway().engine().topic(TP.topic()).orElseThrow().id())
                .isEqualTo(cluster.node(leader).gateway().engine().topic(TP.topic()).orElseThrow().id());

        // the other two stop: the recovered node leads with one of them back, and serves the queue
        int third = (leader + 2) % 3;
        cluster.stop(leader);
        cluster.stop(third);
        cluster.startNode(third);
        int next = cluster.queueLeaderIndex();
        assertThat(next).isIn(wiped, third);
        assertThat(KafkaClients.readAll(recovered.kafkaBootstrap(), List.of(TP), 20, Map.of())).hasSize(20);
        try (SqsClient sqs = SqsClients.sync(recovered)) {
            assertThat(sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(5)).messages())
                    .extracting(m -> m.body()).containsExactly("refund-1");
        }
    }

    private static void produce(TrilogHarness node, int from, int n) throws Exception {
        try (KafkaProducer<String, String> producer = KafkaClients.producer(node.kafkaBootstrap(),
                Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000,
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000))) {
            for (int i = from; i < from + n; i++) {
                producer.send(new ProducerRecord<>(TP.topic(), 0, "k" + i, "v" + i)).get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
