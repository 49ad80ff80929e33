package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.compat.TrilogHarness;
import dev.trilog.testsupport.TestTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SslConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kafka listener with TLS (Kafka's SSL security protocol), driven by kafka-clients as a user
 * would configure them: a PEM truststore with the CA; with mutual TLS, a PEM keystore too. Fetched
 * records cannot go by {@code sendfile} under TLS, so a fetch bigger than one read is checked whole.
 * Each test runs on both TLS engines ({@code kafka.tls.provider}): BoringSSL and the JDK's.
 */
@ParameterizedClass
@ValueSource(strings = {"openssl", "jdk"})
class KafkaTlsTest {

    @Parameter
    String provider;

    @TempDir
    Path dir;
    TrilogHarness trilog;

    @AfterEach
    void stop() {
        if (trilog != null) {
            trilog.close();
        }
    }

    private TestTls start(boolean mutual) {
        TestTls tls = TestTls.writeTo(dir.resolve("tls"));
        List<String> settings = new ArrayList<>(List.of("kafka.tls.certificate", tls.certificate().toString(),
                "kafka.tls.private-key", tls.privateKey().toString(), "kafka.tls.provider", provider));
        if (mutual) {
            settings.addAll(List.of("kafka.tls.client-ca", tls.ca().toString()));
        }
        trilog = TrilogHarness.start(dir.resolve("data"), settings.toArray(String[]::new));
        return tls;
    }

    /** What a client of the SSL protocol sets: the CA as a PEM truststore (and, for mutual TLS, its own identity). */
    private static Map<String, Object> ssl(TestTls tls, boolean withClientCertificate) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        settings.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        settings.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, tls.ca().toString());
        if (withClientCertificate) {
            settings.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
            settings.put(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, read(tls.clientCertificate()));
            settings.put(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, read(tls.clientKey()));
        }
        return settings;
    }

    private static String read(Path file) {
        try {
            return java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void producersAndConsumersSpeakSslAndEveryRecordComesBackWhole() throws Exception {
        TestTls tls = start(false);
        Map<String, Object> ssl = ssl(tls, false);
        String big = "x".repeat(300_000); // one fetch of several TLS records and reads
        try (KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(), ssl)) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>("secure", "k" + i, i % 5 == 0 ? big + i : "v" + i)).get(30, TimeUnit.SECONDS);
            }
        }
        Map<String, Object> consumerSettings = new HashMap<>(ssl);
        consumerSettings.putAll(KafkaClients.groupDefaults("secure-readers"));
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(trilog.kafkaBootstrap(), consumerSettings)) {
            consumer.subscribe(List.of("secure"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (values.size() < 20 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add(i % 5 == 0 ? big + i : "v" + i);
        }
        assertThat(values).containsExactlyElementsOf(expected);
    }

    @Test
    void aClientThatDoesNotTrustTheCaFailsTheHandshake() {
        start(false);
        Map<String, Object> untrusting = new HashMap<>(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                trilog.kafkaBootstrap(), CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000));
        try (Admin admin = Admin.create(untrusting)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(20, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.SslAuthenticationException.class)
                    .hasRootCauseMessage("unable to find valid certification path to requested target");
        }
    }

    @Test
    void aPlaintextClientGetsNothing() {
        start(false);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, trilog.kafkaBootstrap(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000))) {
            assertThatThrownBy(() -> admin.listTopics().names().get(20, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        }
    }

    @Test
    void withMutualTlsOnlyAClientWithACertificateGetsIn() throws Exception {
        TestTls tls = start(true);
        Map<String, Object> withCertificate = new HashMap<>(ssl(tls, true));
        withCertificate.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, trilog.kafkaBootstrap());
        try (Admin admin = Admin.create(withCertificate)) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("mtls", 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("mtls");
        }
        Map<String, Object> without = new HashMap<>(ssl(tls, false));
        without.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, trilog.kafkaBootstrap());
        without.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        without.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        try (Admin admin = Admin.create(without)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(20, TimeUnit.SECONDS))
                    .hasRootCauseInstanceOf(javax.net.ssl.SSLException.class);
        }
    }
}
