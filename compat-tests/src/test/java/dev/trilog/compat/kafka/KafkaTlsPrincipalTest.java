package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.TrilogHarness;
import dev.trilog.testsupport.ClientCertificates;
import dev.trilog.testsupport.TestTls;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mutual TLS names the client (issue 17): on an {@code SSL} listener with a client CA, a client's
 * principal is {@code User:} and its certificate's subject, through
 * {@code kafka.tls.principal-mapping-rules} (Kafka's {@code ssl.principal.mapping.rules}), and the
 * ACLs ({@code kafka.authorizer=acl}) apply to it. Driven by kafka-clients' producer and Admin with
 * PKCS12 keystores this test has a CA of its own sign, on both TLS engines.
 */
@ParameterizedClass
@ValueSource(strings = {"openssl", "jdk"})
class KafkaTlsPrincipalTest {

    @TempDir
    static Path certificates;
    static TestTls serverTls;
    static ClientCertificates clients;
    static Path admin;
    static Path alice;
    static Path bob;

    @Parameter
    String provider;

    @TempDir
    Path dir;
    TrilogHarness trilog;

    @BeforeAll
    static void makeCertificates() {
        serverTls = TestTls.writeTo(certificates.resolve("server"));
        clients = ClientCertificates.createIn(certificates.resolve("clients"));
        admin = clients.keystore("admin", "CN=admin");
        alice = clients.keystore("alice", "CN=Alice,OU=ops");
        bob = clients.keystore("bob", "CN=bob,OU=ops");
    }

    @AfterEach
    void stop() {
        if (trilog != null) {
            trilog.close();
        }
    }

    private void start(String... more) {
        List<String> settings = new ArrayList<>(List.of("kafka.tls.certificate", serverTls.certificate().toString(),
                "kafka.tls.private-key", serverTls.privateKey().toString(), "kafka.tls.provider", provider,
                "kafka.tls.client-ca", clients.ca().toString(), "kafka.authorizer", "acl", "super.users", "User:CN=admin"));
        settings.addAll(List.of(more));
        trilog = TrilogHarness.start(dir.resolve("data"), settings.toArray(String[]::new));
    }

    /** A client of the SSL protocol presenting the certificate in {@code keystore}. */
    private Map<String, Object> as(Path keystore) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, trilog.kafkaBootstrap());
        settings.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        settings.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        settings.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, serverTls.ca().toString());
        settings.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
        settings.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, keystore.toString());
        settings.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, clients.password());
        settings.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, clients.password());
        return settings;
    }

    private KafkaProducer<String, String> producer(Path keystore) {
        Map<String, Object> settings = as(keystore);
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        return KafkaClients.producer(trilog.kafkaBootstrap(), settings);
    }

    /** As the super user {@code CN=admin}: creates the topics and lets {@code principal} write to {@code writable}. */
    private void prepare(String principal, String writable, String... others) throws Exception {
        Map<String, Object> settings = as(admin);
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000);
        try (Admin client = Admin.create(settings)) {
            List<NewTopic> topics = new ArrayList<>(List.of(new NewTopic(writable, 1, (short) 1)));
            for (String other : others) {
                topics.add(new NewTopic(other, 1, (short) 1));
            }
            client.createTopics(topics).all().get(60, TimeUnit.SECONDS);
            client.createAcls(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, writable, PatternType.LITERAL),
                    new AccessControlEntry(principal, "*", AclOperation.WRITE, AclPermissionType.ALLOW))))
                    .all().get(60, TimeUnit.SECONDS);
        }
    }

    private long endOffset(String topic) throws Exception {
        Map<String, Object> settings = as(admin);
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000);
        try (Admin client = Admin.create(settings)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            return client.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                    .get(60, TimeUnit.SECONDS).offset();
        }
    }

    @Test
    void theCertificatesSubjectIsThePrincipalTheAclsName() throws Exception {
        start();
        prepare("User:CN=Alice,OU=ops", "orders", "payroll");
        try (KafkaProducer<String, String> producer = producer(alice)) {
            producer.send(new ProducerRecord<>("orders", "from alice")).get(60, TimeUnit.SECONDS);
            assertThat(KafkaClients.sendFailure(producer, "payroll")).isInstanceOf(TopicAuthorizationException.class);
        }
        try (KafkaProducer<String, String> producer = producer(bob)) {
            assertThat(KafkaClients.sendFailure(producer, "orders")).isInstanceOf(TopicAuthorizationException.class);
        }
        assertThat(endOffset("orders")).isEqualTo(1);
        assertThat(endOffset("payroll")).isZero();
    }

    @Test
    void mappingRulesShortenTheSubjectAsKafkasDo() throws Exception {
        // Kafka's documented form: the CN of the ops unit, lower-cased; anyone else by the whole subject
        start("kafka.tls.principal-mapping-rules", "RULE:^CN=(.*?),OU=ops$/$1/L,DEFAULT");
        prepare("User:alice", "orders");
        try (KafkaProducer<String, String> producer = producer(alice)) {
            producer.send(new ProducerRecord<>("orders", "from alice")).get(60, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = producer(bob)) {
            assertThat(KafkaClients.sendFailure(producer, "orders")).isInstanceOf(TopicAuthorizationException.class);
        }
        assertThat(endOffset("orders")).isEqualTo(1);
    }
}
