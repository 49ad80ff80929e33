package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.TrilogHarness;
import dev.trilog.frontend.auth.ScramMechanism;
import dev.trilog.frontend.auth.UserStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * librdkafka (kcat) logging in over SASL_PLAINTEXT with each mechanism: the right password
 * produces and consumes, a wrong one fails with librdkafka's authentication error. Skipped where
 * kcat is missing, as {@link KcatTest}.
 *
 * <p>librdkafka before 2.6.1 repeats its own nonce in SCRAM's client-final-message
 * (confluentinc/librdkafka#4895); Kafka 4's SCRAM server, which Trilog runs, checks the nonce
 * strictly as RFC 5802 asks and refuses it — as Apache Kafka 4 does. With such a librdkafka
 * (Debian's kcat has 2.0.2) the test pins that refusal; with a fixed one, it expects the login.
 */
class KcatSaslTest {

    @TempDir
    Path dataDir;

    private TrilogHarness trilog;

    @BeforeEach
    void start() throws IOException {
        Kcat.assumeInstalled();
        trilog = TrilogHarness.start(dataDir, "kafka.sasl.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512");
        UserStore.open(trilog.gateway().engine()).setPassword("alice", "alice-secret",
                EnumSet.allOf(ScramMechanism.class), ScramMechanism.MIN_ITERATIONS);
    }

    @AfterEach
    void stop() {
        if (trilog != null) {
            trilog.close();
        }
    }

    private Kcat.Run kcat(String input, String mechanism, String password, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("-X", "security.protocol=SASL_PLAINTEXT",
                "-X", "sasl.mechanisms=" + mechanism, "-X", "sasl.username=alice", "-X", "sasl.password=" + password));
        command.addAll(List.of(args));
        return Kcat.run(trilog.kafkaBootstrap(), input, command);
    }

    /** Whether this librdkafka sends SCRAM's final nonce right: 2.6.1 and later. */
    private static boolean scramNonceFixed() throws IOException, InterruptedException {
        Process process = new ProcessBuilder(Kcat.PATH.toString(), "-V").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(30, TimeUnit.SECONDS);
        java.util.regex.Matcher version = java.util.regex.Pattern.compile("librdkafka (\\d+)\\.(\\d+)\\.(\\d+)")
                .matcher(output);
        assertThat(version.find()).as(output).isTrue();
        int[] v = {Integer.parseInt(version.group(1)), Integer.parseInt(version.group(2)),
                Integer.parseInt(version.group(3))};
        return v[0] > 2 || (v[0] == 2 && (v[1] > 6 || (v[1] == 6 && v[2] >= 1)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"})
    void theRightPasswordProducesAndConsumesAndAWrongOneIsRefused(String mechanism) throws Exception {
        String topic = "kcat-" + mechanism.toLowerCase();
        if (mechanism.startsWith("SCRAM") && !scramNonceFixed()) {
            Kcat.Run refused = kcat(null, mechanism, "alice-secret", "-L", "-m", "5");
            assertThat(refused.exitCode()).as(refused.output()).isNotZero();
            assertThat(refused.output()).contains("Authentication failed during authentication due to invalid"
                    + " credentials with SASL mechanism " + mechanism);
            return;
        }
        Kcat.Run produced = kcat("one\ntwo\n", mechanism, "alice-secret", "-P", "-t", topic, "-p", "0");
        assertThat(produced.exitCode()).as(produced.output()).isZero();
        Kcat.Run consumed = kcat(null, mechanism, "alice-secret", "-C", "-t", topic, "-o", "beginning", "-e", "-q");
        assertThat(consumed.exitCode()).as(consumed.output()).isZero();
        assertThat(consumed.output().lines().toList()).containsExactly("one", "two");

        Kcat.Run refused = kcat(null, mechanism, "wrong", "-L", "-m", "5");
        assertThat(refused.exitCode()).as(refused.output()).isNotZero();
        assertThat(refused.output()).contains("Authentication failed");
    }
}
