package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.compat.TrilogHarness;
import dev.trilog.frontend.auth.ScramMechanism;
import dev.trilog.frontend.auth.UserStore;
import dev.trilog.testsupport.TestTls;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslAuthenticateResponse;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.requests.SaslHandshakeResponse;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kafka SASL (SASL_PLAINTEXT and SASL_SSL; PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) with
 * kafka-clients as a user configures them, against users kept in the broker's user store.
 */
class KafkaSaslTest {

    private static final String ALL = "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512";

    @TempDir
    Path dir;
    TrilogHarness trilog;
    TestTls tls;

    @AfterEach
    void stop() {
        if (trilog != null) {
            trilog.close();
        }
    }

    private void start(boolean withTls, String... more) {
        List<String> settings = new ArrayList<>(List.of("kafka.sasl.mechanisms", ALL));
        if (withTls) {
            tls = TestTls.writeTo(dir.resolve("tls"));
            settings.addAll(List.of("kafka.tls.certificate", tls.certificate().toString(),
                    "kafka.tls.private-key", tls.privateKey().toString()));
        }
        settings.addAll(List.of(more));
        trilog = TrilogHarness.start(dir.resolve("data"), settings.toArray(String[]::new));
    }

    private UserStore users() throws IOException {
        return UserStore.open(trilog.gateway().engine());
    }

    private void addUser(String name, String password) throws IOException {
        users().setPassword(name, password, EnumSet.allOf(ScramMechanism.class), ScramMechanism.MIN_ITERATIONS);
    }

    /** What a kafka-clients user sets for SASL: the protocol, the mechanism and the JAAS line; for SASL_SSL the CA. */
    private Map<String, Object> login(String mechanism, String user, String password) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, tls == null ? "SASL_PLAINTEXT" : "SASL_SSL");
        settings.put(SaslConfigs.SASL_MECHANISM, mechanism);
        settings.put(SaslConfigs.SASL_JAAS_CONFIG, KafkaClients.jaas(mechanism, user, password));
        if (tls != null) {
            settings.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
            settings.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, tls.ca().toString());
        }
        return settings;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"false, PLAIN", "false, SCRAM-SHA-256", "false, SCRAM-SHA-512", "true, PLAIN", "true, SCRAM-SHA-256",
            "true, SCRAM-SHA-512"})
    void theRightPasswordProducesAndConsumes(boolean withTls, String mechanism) throws Exception {
        start(withTls);
        addUser("alice", "alice-secret");
        Map<String, Object> alice = login(mechanism, "alice", "alice-secret");
        try (KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(), alice)) {
            producer.send(new ProducerRecord<>("sasl", "k", "over " + mechanism)).get(30, TimeUnit.SECONDS);
        }
        assertThat(KafkaClients.readAll(trilog.kafkaBootstrap(), List.of(new TopicPartition("sasl", 0)), 1, alice))
                .extracting(r -> r.value()).containsExactly("over " + mechanism);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"})
    void aWrongPasswordAndAnUnknownUserFailAlikeWithKafkasGenericMessage(String mechanism) throws Exception {
        start(false);
        addUser("alice", "alice-secret");
        Throwable wrong = adminFailure(login(mechanism, "alice", "not-her-password"));
        Throwable unknown = adminFailure(login(mechanism, "mallory", "not-her-password"));
        assertThat(wrong).isInstanceOf(SaslAuthenticationException.class);
        assertThat(unknown).isInstanceOf(SaslAuthenticationException.class).hasMessage(wrong.getMessage());
        assertThat(wrong.getMessage()).doesNotContain("alice").doesNotContain("exist");
        assertThat(trilog.gateway().engine().topic("never")).isEmpty();
    }

    private Throwable adminFailure(Map<String, Object> login) {
        Map<String, Object> settings = new HashMap<>(login);
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, trilog.kafkaBootstrap());
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(settings)) {
            return KafkaClients.failureOf(admin.createTopics(List.of(
                    new org.apache.kafka.clients.admin.NewTopic("never", 1, (short) 1))).all());
        }
    }

    @Test
    void beforeALoginOnlyApiVersionsIsAnsweredAndAProduceClosesTheConnection() throws Exception {
        start(false);
        try (RawKafkaClient raw = new RawKafkaClient(trilog.kafkaBootstrap())) {
            ApiVersionsResponse versions = raw.send(new ApiVersionsRequest.Builder(new ApiVersionsRequestData()
                    .setClientSoftwareName("raw").setClientSoftwareVersion("1"), (short) 3, (short) 3), 3);
            assertThat(versions.data().errorCode()).isEqualTo(Errors.NONE.code());
            MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord("sneaked in".getBytes(StandardCharsets.UTF_8)));
            assertThatThrownBy(() -> raw.produce(new TopicPartition("unauthenticated", 0), records, (short) 1, null))
                    .isInstanceOfAny(EOFException.class, SocketException.class);
        }
        assertThat(trilog.gateway().engine().topic("unauthenticated")).isEmpty();
    }

    @Test
    void aSessionPastConnectionsMaxReauthMsIsClosedUnlessTheClientLogsInAgain() throws Exception {
        start(false, "connections.max.reauth.ms", "1000");
        addUser("alice", "alice-secret");
        try (RawKafkaClient raw = new RawKafkaClient(trilog.kafkaBootstrap())) {
            SaslAuthenticateResponse first = plainLogin(raw, "alice", "alice-secret");
            assertThat(first.data().errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(first.data().sessionLifetimeMs()).isEqualTo(1000);
            MetadataResponse metadata = raw.send(new MetadataRequest.Builder(new MetadataRequestData()
                    .setTopics(List.of())), 12);
            assertThat(metadata.brokers()).hasSize(1);
            Thread.sleep(1_300); // past the session's end: what KIP-368 asks the broker to enforce
            assertThat(plainLogin(raw, "alice", "alice-secret").data().errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(((MetadataResponse) raw.send(new MetadataRequest.Builder(new MetadataRequestData()
                    .setTopics(List.of())), 12)).brokers()).hasSize(1);
            Thread.sleep(1_300);
            assertThatThrownBy(() -> raw.send(new MetadataRequest.Builder(new MetadataRequestData()
                    .setTopics(List.of())), 12)).isInstanceOfAny(EOFException.class, SocketException.class);
        }
    }

    @Test
    void aHandshakeV0GoesOnInRawTokensAndARefusalClosesWithoutAnAnswer() throws Exception {
        start(false);
        addUser("alice", "alice-secret");
        try (RawKafkaClient raw = new RawKafkaClient(trilog.kafkaBootstrap())) {
            SaslHandshakeResponse handshake = raw.send(new SaslHandshakeRequest.Builder(
                    new SaslHandshakeRequestData().setMechanism("PLAIN")), 0);
            assertThat(handshake.data().errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(raw.exchangeRawToken("\0alice\0alice-secret".getBytes(StandardCharsets.UTF_8))).isEmpty();
            MetadataResponse metadata = raw.send(new MetadataRequest.Builder(new MetadataRequestData()
                    .setTopics(List.of())), 12);
            assertThat(metadata.brokers()).hasSize(1);
        }
        try (RawKafkaClient raw = new RawKafkaClient(trilog.kafkaBootstrap())) {
            raw.send(new SaslHandshakeRequest.Builder(new SaslHandshakeRequestData().setMechanism("PLAIN")), 0);
            assertThatThrownBy(() -> raw.exchangeRawToken("\0alice\0wrong".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOfAny(EOFException.class, SocketException.class);
        }
    }

    @Test
    void aReauthenticationMayNotChangeTheUser() throws Exception {
        start(false, "connections.max.reauth.ms", "60000");
        addUser("alice", "alice-secret");
        addUser("bob", "bob-secret");
        try (RawKafkaClient raw = new RawKafkaClient(trilog.kafkaBootstrap())) {
            assertThat(plainLogin(raw, "alice", "alice-secret").data().errorCode()).isEqualTo(Errors.NONE.code());
            SaslAuthenticateResponse asBob = plainLogin(raw, "bob", "bob-secret");
            assertThat(asBob.data().errorCode()).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED.code());
            assertThat(asBob.data().errorMessage()).contains("Cannot change principals");
        }
    }

    private static SaslAuthenticateResponse plainLogin(RawKafkaClient raw, String user, String password)
            throws IOException {
        SaslHandshakeResponse handshake = raw.send(new SaslHandshakeRequest.Builder(
                new SaslHandshakeRequestData().setMechanism("PLAIN")), 1);
        assertThat(handshake.data().errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(handshake.data().mechanisms()).containsExactly("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");
        byte[] token = ("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8);
        return raw.send(new SaslAuthenticateRequest.Builder(new SaslAuthenticateRequestData().setAuthBytes(token)), 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PLAIN", "SCRAM-SHA-512"})
    void aProducerKeepsProducingAcrossReauthentications(String mechanism) throws Exception {
        start(false, "connections.max.reauth.ms", "1000");
        addUser("alice", "alice-secret");
        Map<String, Object> alice = new HashMap<>(login(mechanism, "alice", "alice-secret"));
        try (KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(), alice)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            int sent = 0;
            while (System.nanoTime() < deadline) {
                producer.send(new ProducerRecord<>("reauth", "v" + sent)).get(30, TimeUnit.SECONDS);
                sent++;
                Thread.sleep(20);
            }
            double reauthentications = producer.metrics().entrySet().stream()
                    .filter(e -> e.getKey().name().equals("successful-reauthentication-total"))
                    .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
            assertThat(reauthentications).as("re-authentications over 4 s of 1 s sessions").isGreaterThanOrEqualTo(2);
            assertThat(trilog.gateway().engine().partition(new TopicPartition("reauth", 0)).logEndOffset())
                    .isEqualTo(sent);
        }
    }

    /**
     * A guesser trying passwords on many connections does not stop a logged-in producer: logins are
     * checked off the event loops. Asserts progress, not speed — the producer's records all land
     * while the guessing goes on.
     */
    @Test
    void guessingPasswordsDoesNotStopALoggedInProducer() throws Exception {
        start(false, "connection.failed.authentication.delay.ms", "0");
        addUser("alice", "alice-secret");
        AtomicBoolean guessing = new AtomicBoolean(true);
        AtomicInteger refused = new AtomicInteger();
        List<Thread> guessers = new ArrayList<>();
        for (int g = 0; g < 4; g++) {
            Thread guesser = new Thread(() -> {
                int attempt = 0;
                while (guessing.get()) {
                    try (RawKafkaClient raw = new RawKafkaClient(trilog.kafkaBootstrap())) {
                        if (plainLogin(raw, "alice", "guess-" + attempt++).data().errorCode()
                                == Errors.SASL_AUTHENTICATION_FAILED.code()) {
                            refused.incrementAndGet();
                        }
                    } catch (IOException | AssertionError e) {
                        // the broker closed first: that guess failed too
                    }
                }
            }, "guesser-" + g);
            guesser.start();
            guessers.add(guesser);
        }
        int produced = 0;
        try (KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(),
                login("PLAIN", "alice", "alice-secret"))) {
            while (refused.get() < 200) {
                producer.send(new ProducerRecord<>("busy", "r" + produced)).get(30, TimeUnit.SECONDS);
                produced++;
            }
        } finally {
            guessing.set(false);
            for (Thread guesser : guessers) {
                guesser.join(30_000);
            }
        }
        assertThat(produced).isPositive();
        assertThat(trilog.gateway().engine().partition(new TopicPartition("busy", 0)).logEndOffset())
                .isEqualTo(produced);
        // the guessing shows in /metrics
        assertThat(trilog.gateway().metrics().scrape())
                .containsPattern("trilog_kafka_sasl_logins_total\\{mechanism=\"PLAIN\",result=\"refused\"\\} [1-9]")
                .containsPattern("trilog_kafka_sasl_logins_total\\{mechanism=\"PLAIN\",result=\"accepted\"\\} [1-9]");
    }
}
