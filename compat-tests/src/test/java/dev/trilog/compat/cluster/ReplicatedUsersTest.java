package dev.trilog.compat.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.TrilogCluster;
import dev.trilog.compat.TrilogHarness;
import dev.trilog.compat.kafka.KafkaClients;
import dev.trilog.frontend.auth.ScramMechanism;
import dev.trilog.frontend.auth.UserStore;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user store in a three-node cluster: a user added on one node is replicated with the metadata
 * (the durable map {@code users}), so every node's Kafka listener logs it in, and removing it on
 * another node refuses it everywhere.
 */
class ReplicatedUsersTest {

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
    void aUserAddedOnOneNodeLogsInOnEveryNode() throws Exception {
        cluster = TrilogCluster.start(dir, "kafka.sasl.mechanisms", "SCRAM-SHA-512");
        UserStore.open(cluster.node(0).gateway().engine()).setPassword("alice", "alice-secret",
                EnumSet.of(ScramMechanism.SCRAM_SHA_512), ScramMechanism.MIN_ITERATIONS);
        for (TrilogHarness node : cluster.nodes()) {
            UserStore users = UserStore.open(node.gateway().engine());
            TrilogCluster.await("alice on every node", () -> users.user("alice").isPresent());
        }
        for (TrilogHarness node : cluster.nodes()) {
            try (KafkaProducer<String, String> producer = KafkaClients.producer(node.kafkaBootstrap(), Map.of(
                    CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                    SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512",
                    SaslConfigs.SASL_JAAS_CONFIG, KafkaClients.jaas("SCRAM-SHA-512", "alice", "alice-secret")))) {
                assertThat(producer.send(new ProducerRecord<>("replicated-login", "via " + node.kafkaBootstrap()))
                        .get(60, TimeUnit.SECONDS).hasOffset()).isTrue();
            }
        }
        assertThat(UserStore.open(cluster.node(2).gateway().engine()).remove("alice")).isTrue();
        for (TrilogHarness node : cluster.nodes()) {
            UserStore users = UserStore.open(node.gateway().engine());
            TrilogCluster.await("alice gone from every node", () -> users.user("alice").isEmpty());
            assertThat(users.authenticatePlain("alice", "alice-secret")).isFalse();
        }
    }
}
