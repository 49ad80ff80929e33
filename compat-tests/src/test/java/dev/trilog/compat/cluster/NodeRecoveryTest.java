package dev.trilog.compat.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.TrilogCluster;
import dev.trilog.compat.TrilogHarness;
import dev.trilog.compat.kafka.KafkaClients;
import dev.trilog.compat.sqs.SqsClients;
import dev.trilog.log.DurableFiles;
import java.nio.file.Path;
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
        DurableFiles.deleteTree(cluster.dataDir(wiped));
        produce(cluster.node(leader), 10, 10);
        cluster.startNode(wiped);

        TrilogHarness recovered = cluster.node(wiped);
        awaitRecords(recovered, 20);
        awaitEveryPartition(recovered, cluster.node(leader));
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

    /**
     * After the others purged their Raft logs (a snapshot every 50 entries), a wiped follower
     * takes the leader's snapshot while a producer goes on, and holds what the others hold: the
     * records (a Kafka consumer reads all of them from it once it leads), the consumer group's
     * committed offset, and the SQS queue with its message.
     */
    @Test
    void aFollowerWipedAfterThePurgeInstallsTheLeadersSnapshotAndCanLead() throws Exception {
        cluster = TrilogCluster.start(dir, "cluster.snapshot.threshold", "50");
        int leader = cluster.queueLeaderIndex();
        produce(cluster.node(leader), 0, 200);
        String url;
        try (SqsClient sqs = SqsClients.sync(cluster.node(leader))) {
            url = sqs.createQueue(b -> b.queueName("refunds")).queueUrl();
            sqs.sendMessage(b -> b.queueUrl(url).messageBody("refund-1"));
        }
        try (var consumer = KafkaClients.consumer(cluster.node(leader).kafkaBootstrap(),
                Map.of("group.id", "auditors", "enable.auto.commit", "false"))) {
            consumer.assign(List.of(TP));
            consumer.commitSync(Map.of(TP, new org.apache.kafka.clients.consumer.OffsetAndMetadata(150)));
        }
        produce(cluster.node(leader), 200, 100); // well past the threshold: the purge passes what came before

        int wiped = (leader + 1) % 3;
        cluster.stop(wiped);
        DurableFiles.deleteTree(cluster.dataDir(wiped));
        var producing = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                produce(cluster.node(leader), 300, 100);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        cluster.startNode(wiped);
        producing.get(180, TimeUnit.SECONDS);

        TrilogHarness recovered = cluster.node(wiped);
        awaitRecords(recovered, 400);
        awaitEveryPartition(recovered, cluster.node(leader));
        assertThat(recovered.gateway().engine().groupOffsets().fetch("auditors", TP).orElseThrow().offset())
                .isEqualTo(150);

        int third = (leader + 2) % 3;
        cluster.stop(leader);
        cluster.stop(third);
        cluster.startNode(third);
        assertThat(cluster.queueLeaderIndex()).isIn(wiped, third);
        assertThat(KafkaClients.readAll(recovered.kafkaBootstrap(), List.of(TP), 400, Map.of()))
                .extracting(r -> r.value()).containsExactlyElementsOf(
                        java.util.stream.IntStream.range(0, 400).mapToObj(i -> "v" + i).toList());
        try (SqsClient sqs = SqsClients.sync(recovered)) {
            assertThat(sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(5)).messages())
                    .extracting(m -> m.body()).containsExactly("refund-1");
        }
    }

    /**
     * Every partition of every topic — the queue's too, each a Raft group of its own — holds on
     * the wiped node what it holds on {@code reference}. The cases then stop two nodes: a group
     * whose wiped replica has not caught up yet would be left with one replica that has entries
     * and one with an empty log, whose vote Ratis does not count (a voter that lost its log could
     * elect a leader without committed entries), and could elect no leader.
     */
    private static void awaitEveryPartition(TrilogHarness wiped, TrilogHarness reference) throws InterruptedException {
        TrilogCluster.await("the wiped node to hold every partition as the leader does", () -> {
            for (var topic : reference.gateway().engine().topics()) {
                if (topic.name().startsWith(dev.trilog.log.LogEngine.RESERVED_PREFIX)) {
                    continue; // the engine's own logs: the metadata group's, not partition groups
                }
                for (int p = 0; p < topic.partitions(); p++) {
                    TopicPartition tp = new TopicPartition(topic.name(), p);
                    var theirs = reference.gateway().engine().partition(tp);
                    var ours = wiped.gateway().engine().partition(tp);
                    if (theirs != null && (ours == null || ours.logEndOffset() != theirs.logEndOffset())) {
                        return false;
                    }
                }
            }
            return true;
        });
    }

    private static void awaitRecords(TrilogHarness node, long end) throws InterruptedException {
        TrilogCluster.await("the wiped node to hold all " + end + " records", () -> {
            var log = node.gateway().engine().partition(TP);
            return log != null && log.logEndOffset() == end;
        });
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
}
