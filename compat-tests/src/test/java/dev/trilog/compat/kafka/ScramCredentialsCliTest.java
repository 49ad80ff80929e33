package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.compat.TrilogHarness;
import dev.trilog.frontend.auth.ScramMechanism;
import dev.trilog.frontend.auth.UserStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's own {@code kafka-configs} managing SCRAM users (AlterUserScramCredentials,
 * DescribeUserScramCredentials) over a SASL connection, and the credentials it makes logging in.
 */
class ScramCredentialsCliTest {

    @TempDir
    Path dir;
    TrilogHarness trilog;

    @AfterEach
    void stop() {
        if (trilog != null) {
            trilog.close();
        }
    }

    @Test
    void kafkaConfigsAddsDescribesAndDeletesAUsersScramCredentials() throws Exception {
        trilog = TrilogHarness.start(dir.resolve("data"), "kafka.sasl.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512");
        UserStore.open(trilog.gateway().engine()).setPassword("admin", "admin-secret",
                EnumSet.of(ScramMechanism.SCRAM_SHA_512), ScramMechanism.MIN_ITERATIONS);
        Path adminConfig = dir.resolve("admin.properties");
        Files.writeString(adminConfig, "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\n"
                + "sasl.jaas.config=" + KafkaClients.jaas("SCRAM-SHA-512", "admin", "admin-secret") + "\n");
        String bootstrap = trilog.kafkaBootstrap();

        KafkaCli.Result added = KafkaCli.run(KafkaCli.CONFIGS, null, "--bootstrap-server", bootstrap,
                "--command-config", adminConfig.toString(), "--alter", "--add-config",
                "SCRAM-SHA-256=[iterations=8192,password=alice-secret],SCRAM-SHA-512=[password=alice-secret]",
                "--entity-type", "users", "--entity-name", "alice");
        assertThat(added.exitCode()).as(added.output()).isZero();
        assertThat(added.output()).contains("Completed updating config for user alice.");

        KafkaCli.Result described = KafkaCli.run(KafkaCli.CONFIGS, null, "--bootstrap-server", bootstrap,
                "--command-config", adminConfig.toString(), "--describe", "--entity-type", "users",
                "--entity-name", "alice");
        assertThat(described.exitCode()).as(described.output()).isZero();
        assertThat(described.output()).contains("SCRAM-SHA-256=iterations=8192", "SCRAM-SHA-512=iterations=4096");

        for (String mechanism : new String[] {"SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN"}) {
            try (KafkaProducer<String, String> alice = KafkaClients.producer(bootstrap, Map.of(
                    CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT", SaslConfigs.SASL_MECHANISM, mechanism,
                    SaslConfigs.SASL_JAAS_CONFIG, KafkaClients.jaas(mechanism, "alice", "alice-secret")))) {
                alice.send(new ProducerRecord<>("by-alice", mechanism)).get(30, TimeUnit.SECONDS);
            }
        }

        KafkaCli.Result deleted = KafkaCli.run(KafkaCli.CONFIGS, null, "--bootstrap-server", bootstrap,
                "--command-config", adminConfig.toString(), "--alter", "--delete-config", "SCRAM-SHA-256",
                "--entity-type", "users", "--entity-name", "alice");
        assertThat(deleted.exitCode()).as(deleted.output()).isZero();
        try (KafkaProducer<String, String> alice = KafkaClients.producer(bootstrap, Map.of(
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-256", ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                SaslConfigs.SASL_JAAS_CONFIG, KafkaClients.jaas("SCRAM-SHA-256", "alice", "alice-secret")))) {
            assertThatThrownBy(() -> alice.send(new ProducerRecord<>("by-alice", "gone")).get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }

        KafkaCli.Result tooFew = KafkaCli.run(KafkaCli.CONFIGS, null, "--bootstrap-server", bootstrap,
                "--command-config", adminConfig.toString(), "--alter", "--add-config",
                "SCRAM-SHA-256=[iterations=100,password=weak]", "--entity-type", "users", "--entity-name", "bob");
        assertThat(tooFew.exitCode()).isNotZero();
        assertThat(tooFew.output()).contains("less than the minimum 4096");
        assertThat(UserStore.open(trilog.gateway().engine()).user("bob")).isEmpty();
    }
}
