package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.TrilogHarness;
import dev.trilog.frontend.auth.ScramMechanism;
import dev.trilog.frontend.auth.UserStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka ACLs ({@code kafka.authorizer=acl}) over SASL_PLAINTEXT with kafka-clients and Kafka's own
 * {@code kafka-acls.sh}: who may produce, consume, commit, run transactions and manage ACLs.
 * {@code admin} is a super user; {@code alice} may do what the ACLs each test adds allow.
 */
class KafkaAclTest {

    private static final String MECHANISM = "SCRAM-SHA-512";

    @TempDir
    Path dir;
    TrilogHarness trilog;

    @BeforeEach
    void start() throws Exception {
        trilog = TrilogHarness.start(dir.resolve("data"), "kafka.sasl.mechanisms", MECHANISM,
                "kafka.authorizer", "acl", "super.users", "User:admin;User:ops");
        UserStore users = UserStore.open(trilog.gateway().engine());
        for (String name : List.of("admin", "alice")) {
            users.setPassword(name, name + "-secret", EnumSet.of(ScramMechanism.SCRAM_SHA_512),
                    ScramMechanism.MIN_ITERATIONS);
        }
    }

    @AfterEach
    void stop() {
        if (trilog != null) {
            trilog.close();
        }
    }

    private Map<String, Object> login(String user) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        settings.put(SaslConfigs.SASL_MECHANISM, MECHANISM);
        settings.put(SaslConfigs.SASL_JAAS_CONFIG, KafkaClients.jaas(MECHANISM, user, user + "-secret"));
        return settings;
    }

    private Admin admin(String user) {
        Map<String, Object> settings = login(user);
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, trilog.kafkaBootstrap());
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000);
        return Admin.create(settings);
    }

    private KafkaProducer<String, String> producer(String user, Map<String, Object> more) {
        Map<String, Object> settings = login(user);
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        settings.putAll(more);
        return KafkaClients.producer(trilog.kafkaBootstrap(), settings);
    }

    private KafkaConsumer<String, String> consumer(String user, String group) {
        Map<String, Object> settings = login(user);
        settings.putAll(KafkaClients.groupDefaults(group));
        return KafkaClients.consumer(trilog.kafkaBootstrap(), settings);
    }

    private static AclBinding allow(ResourceType type, String name, PatternType pattern, String principal,
            AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }

    private static AclBinding deny(ResourceType type, String name, PatternType pattern, String principal,
            AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.DENY));
    }

    private void addAcls(AclBinding... bindings) throws Exception {
        try (Admin admin = admin("admin")) {
            admin.createAcls(List.of(bindings)).all().get(60, TimeUnit.SECONDS);
        }
    }

    private void createTopics(String... names) throws Exception {
        try (Admin admin = admin("admin")) {
            List<NewTopic> topics = new ArrayList<>();
            for (String name : names) {
                topics.add(new NewTopic(name, 1, (short) 1));
            }
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        }
    }

    private long endOffset(String topic) throws Exception {
        try (Admin admin = admin("admin")) {
            TopicPartition partition = new TopicPartition(topic, 0);
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                    .get(60, TimeUnit.SECONDS).offset();
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> committed(String group) throws Exception {
        try (Admin admin = admin("admin")) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(60, TimeUnit.SECONDS);
        }
    }

    /** Polls until records arrive or a poll throws; answers what it threw (null: records came). */
    private static Throwable pollFailure(KafkaConsumer<String, String> consumer, List<ConsumerRecord<String, String>> into) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (into.isEmpty() && System.nanoTime() < deadline) {
            try {
                consumer.poll(Duration.ofMillis(200)).forEach(into::add);
            } catch (RuntimeException e) {
                return e;
            }
        }
        return null;
    }

    @Test
    void aProducerAndAConsumerAreServedOnTheirTopicAndRefusedAnother() throws Exception {
        createTopics("allowed", "denied");
        addAcls(allow(ResourceType.TOPIC, "allowed", PatternType.LITERAL, "User:alice", AclOperation.WRITE),
                allow(ResourceType.TOPIC, "allowed", PatternType.LITERAL, "User:alice", AclOperation.READ),
                allow(ResourceType.GROUP, "alice-group", PatternType.LITERAL, "User:alice", AclOperation.READ));

        try (KafkaProducer<String, String> producer = producer("alice", Map.of())) {
            producer.send(new ProducerRecord<>("allowed", "hello")).get(60, TimeUnit.SECONDS);
            assertThat(KafkaClients.sendFailure(producer, "denied")).isInstanceOf(TopicAuthorizationException.class);
            assertThat(KafkaClients.sendFailure(producer, "never-created")).isInstanceOf(TopicAuthorizationException.class);
        }
        assertThat(endOffset("allowed")).isEqualTo(1);
        assertThat(endOffset("denied")).isZero();
        assertThat(trilog.gateway().engine().topic("never-created")).isEmpty();

        try (KafkaConsumer<String, String> consumer = consumer("alice", "alice-group")) {
            consumer.subscribe(List.of("allowed"));
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            assertThat(pollFailure(consumer, records)).isNull();
            assertThat(records).extracting(ConsumerRecord::value).containsExactly("hello");
            consumer.commitSync();
            Throwable commit = null;
            try {
                consumer.commitSync(Map.of(new TopicPartition("denied", 0), new OffsetAndMetadata(1)));
            } catch (RuntimeException e) {
                commit = e;
            }
            assertThat(commit).isInstanceOf(TopicAuthorizationException.class);
        }
        assertThat(committed("alice-group")).containsOnlyKeys(new TopicPartition("allowed", 0));

        try (KafkaConsumer<String, String> consumer = consumer("alice", "alice-group")) {
            consumer.subscribe(List.of("denied"));
            assertThat(pollFailure(consumer, new ArrayList<>())).isInstanceOf(TopicAuthorizationException.class);
        }
        try (KafkaConsumer<String, String> consumer = consumer("alice", "someone-elses-group")) {
            consumer.subscribe(List.of("allowed"));
            assertThat(pollFailure(consumer, new ArrayList<>())).isInstanceOf(GroupAuthorizationException.class);
        }
        assertThat(committed("someone-elses-group")).isEmpty();
    }

    @Test
    void prefixedAclsAllowAndADenyWinsOverAnAllow() throws Exception {
        createTopics("logs-app", "logs-secret", "metrics");
        addAcls(allow(ResourceType.TOPIC, "logs-", PatternType.PREFIXED, "User:alice", AclOperation.WRITE),
                deny(ResourceType.TOPIC, "logs-secret", PatternType.LITERAL, "User:alice", AclOperation.WRITE));
        try (KafkaProducer<String, String> producer = producer("alice", Map.of())) {
            producer.send(new ProducerRecord<>("logs-app", "line")).get(60, TimeUnit.SECONDS);
            assertThat(KafkaClients.sendFailure(producer, "logs-secret")).isInstanceOf(TopicAuthorizationException.class);
            assertThat(KafkaClients.sendFailure(producer, "metrics")).isInstanceOf(TopicAuthorizationException.class);
        }
        assertThat(endOffset("logs-app")).isEqualTo(1);
        assertThat(endOffset("logs-secret")).isZero();
        assertThat(endOffset("metrics")).isZero();
    }

    /** Metadata auto-creates a topic only for who may CREATE it, as Kafka does; others are told it is unknown. */
    @Test
    void onlyAUserWhoMayCreateATopicAutoCreatesIt() throws Exception {
        addAcls(allow(ResourceType.TOPIC, "auto-", PatternType.PREFIXED, "User:alice", AclOperation.WRITE),
                allow(ResourceType.TOPIC, "auto-made-", PatternType.PREFIXED, "User:alice", AclOperation.CREATE));
        try (KafkaProducer<String, String> producer = producer("alice", Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 3_000))) {
            producer.send(new ProducerRecord<>("auto-made-1", "created")).get(60, TimeUnit.SECONDS);
            assertThat(KafkaClients.sendFailure(producer, "auto-unmade"))
                    .isInstanceOf(org.apache.kafka.common.errors.TimeoutException.class)
                    .hasMessageContaining("not present in metadata");
        }
        assertThat(trilog.gateway().engine().topic("auto-made-1")).isPresent();
        assertThat(trilog.gateway().engine().topic("auto-unmade")).isEmpty();
    }

    @Test
    void aSuperUserNeedsNoAclAndOthersMayNotManageAcls() throws Exception {
        createTopics("open-to-admin");
        try (KafkaProducer<String, String> producer = producer("admin", Map.of())) {
            producer.send(new ProducerRecord<>("open-to-admin", "by admin")).get(60, TimeUnit.SECONDS);
        }
        try (Admin alice = admin("alice")) {
            AclBinding grab = allow(ResourceType.TOPIC, "*", PatternType.LITERAL, "User:alice", AclOperation.ALL);
            assertThat(KafkaClients.failureOf(alice.createAcls(List.of(grab)).all()))
                    .isInstanceOf(ClusterAuthorizationException.class);
            assertThat(KafkaClients.failureOf(alice.describeAcls(AclBindingFilter.ANY).values()))
                    .isInstanceOf(ClusterAuthorizationException.class);
            assertThat(KafkaClients.failureOf(alice.createTopics(List.of(new NewTopic("by-alice", 1, (short) 1))).all()))
                    .isInstanceOf(TopicAuthorizationException.class);
            assertThat(KafkaClients.failureOf(alice.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                    "admin", new ScramCredentialInfo(org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_512, 4096),
                    "stolen"))).all())).isInstanceOf(ClusterAuthorizationException.class);
        }
        try (Admin admin = admin("admin")) {
            assertThat(admin.describeAcls(AclBindingFilter.ANY).values().get(60, TimeUnit.SECONDS)).isEmpty();
        }
        assertThat(trilog.gateway().engine().topic("by-alice")).isEmpty();
        assertThat(UserStore.open(trilog.gateway().engine()).authenticatePlain("admin", "admin-secret")).isTrue();
    }

    /** ListGroups answers only the groups the caller may describe (all of them for who may describe the cluster). */
    @Test
    void aUserListsOnlyTheGroupsItMayDescribe() throws Exception {
        createTopics("listed");
        TopicPartition partition = new TopicPartition("listed", 0);
        try (Admin admin = admin("admin")) {
            for (String group : List.of("alice-visible", "hidden")) {
                admin.alterConsumerGroupOffsets(group, Map.of(partition, new OffsetAndMetadata(0)))
                        .all().get(60, TimeUnit.SECONDS);
            }
            assertThat(admin.listGroups().all().get(60, TimeUnit.SECONDS))
                    .extracting(g -> g.groupId()).contains("alice-visible", "hidden");
        }
        addAcls(allow(ResourceType.GROUP, "alice-", PatternType.PREFIXED, "User:alice", AclOperation.DESCRIBE));
        try (Admin alice = admin("alice")) {
            assertThat(alice.listGroups().all().get(60, TimeUnit.SECONDS))
                    .extracting(g -> g.groupId()).containsExactly("alice-visible");
            assertThat(KafkaClients.failureOf(alice.describeConsumerGroups(List.of("hidden")).all()))
                    .isInstanceOf(GroupAuthorizationException.class);
        }
    }

    @Test
    void aclsAreDescribedWithFiltersDeletedAndSurviveARestart() throws Exception {
        AclBinding prefixed = allow(ResourceType.TOPIC, "logs-", PatternType.PREFIXED, "User:alice", AclOperation.READ);
        AclBinding literal = allow(ResourceType.TOPIC, "logs-app", PatternType.LITERAL, "User:alice", AclOperation.WRITE);
        AclBinding group = allow(ResourceType.GROUP, "*", PatternType.LITERAL, "User:*", AclOperation.READ);
        addAcls(prefixed, literal, group);
        try (Admin admin = admin("admin")) {
            assertThat(admin.describeAcls(AclBindingFilter.ANY).values().get(60, TimeUnit.SECONDS))
                    .containsExactlyInAnyOrder(prefixed, literal, group);
            AclBindingFilter matching = new AclBindingFilter(
                    new ResourcePatternFilter(ResourceType.TOPIC, "logs-app", PatternType.MATCH), AccessControlEntryFilter.ANY);
            assertThat(admin.describeAcls(matching).values().get(60, TimeUnit.SECONDS))
                    .containsExactlyInAnyOrder(prefixed, literal);
            Collection<AclBinding> deleted = admin.deleteAcls(List.of(literal.toFilter())).all().get(60, TimeUnit.SECONDS);
            assertThat(deleted).containsExactly(literal);
        }
        trilog.restart();
        try (Admin admin = admin("admin")) {
            assertThat(admin.describeAcls(AclBindingFilter.ANY).values().get(60, TimeUnit.SECONDS))
                    .containsExactlyInAnyOrder(prefixed, group);
        }
        createTopics("logs-app");
        try (KafkaProducer<String, String> producer = producer("alice", Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false))) {
            assertThat(KafkaClients.sendFailure(producer, "logs-app")).isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void aTransactionalProducerIsRefusedATransactionalIdItMayNotWrite() throws Exception {
        createTopics("payments");
        addAcls(allow(ResourceType.TOPIC, "payments", PatternType.LITERAL, "User:alice", AclOperation.WRITE),
                allow(ResourceType.TRANSACTIONAL_ID, "alice-", PatternType.PREFIXED, "User:alice", AclOperation.WRITE));
        try (KafkaProducer<String, String> producer = producer("alice",
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bob-payments"))) {
            Throwable refused = null;
            try {
                producer.initTransactions();
            } catch (RuntimeException e) {
                refused = e;
            }
            assertThat(refused).isInstanceOf(TransactionalIdAuthorizationException.class);
        }
        try (KafkaProducer<String, String> producer = producer("alice",
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "alice-payments"))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("payments", "paid")).get(60, TimeUnit.SECONDS);
            producer.commitTransaction();
        }
        assertThat(endOffset("payments")).isEqualTo(2); // the record and the commit marker
    }

    @Test
    void kafkaAclsCliAddsListsAndRemovesAcls() throws Exception {
        Path adminConfig = dir.resolve("admin.properties");
        Files.writeString(adminConfig, "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=" + MECHANISM + "\n"
                + "sasl.jaas.config=" + KafkaClients.jaas(MECHANISM, "admin", "admin-secret") + "\n");
        String bootstrap = trilog.kafkaBootstrap();
        KafkaCli.Result added = KafkaCli.run(KafkaCli.ACLS, null, "--bootstrap-server", bootstrap,
                "--command-config", adminConfig.toString(), "--add", "--allow-principal", "User:alice",
                "--operation", "Read", "--operation", "Describe", "--topic", "cli-", "--resource-pattern-type", "prefixed");
        assertThat(added.exitCode()).as(added.output()).isZero();
        KafkaCli.Result consumerAcls = KafkaCli.run(KafkaCli.ACLS, null, "--bootstrap-server", bootstrap,
                "--command-config", adminConfig.toString(), "--add", "--allow-principal", "User:alice",
                "--consumer", "--topic", "cli-orders", "--group", "cli-group");
        assertThat(consumerAcls.exitCode()).as(consumerAcls.output()).isZero();

        KafkaCli.Result listed = KafkaCli.run(KafkaCli.ACLS, null, "--bootstrap-server", bootstrap,
                "--command-config", adminConfig.toString(), "--list", "--topic", "cli-orders",
                "--resource-pattern-type", "match");
        assertThat(listed.exitCode()).as(listed.output()).isZero();
        assertThat(listed.output()).contains("name=cli-, patternType=PREFIXED", "name=cli-orders, patternType=LITERAL",
                "principal=User:alice", "operation=READ");

        KafkaCli.Result removed = KafkaCli.run(KafkaCli.ACLS, null, "--bootstrap-server", bootstrap,
                "--command-config", adminConfig.toString(), "--remove", "--force", "--topic", "cli-",
                "--resource-pattern-type", "prefixed");
        assertThat(removed.exitCode()).as(removed.output()).isZero();
        try (Admin admin = admin("admin")) {
            assertThat(admin.describeAcls(AclBindingFilter.ANY).values().get(60, TimeUnit.SECONDS))
                    .extracting(b -> b.pattern().name()).containsOnly("cli-orders", "cli-group");
        }

        Path aliceConfig = dir.resolve("alice.properties");
        Files.writeString(aliceConfig, "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=" + MECHANISM + "\n"
                + "sasl.jaas.config=" + KafkaClients.jaas(MECHANISM, "alice", "alice-secret") + "\n");
        KafkaCli.Result refused = KafkaCli.run(KafkaCli.ACLS, null, "--bootstrap-server", bootstrap,
                "--command-config", aliceConfig.toString(), "--add", "--allow-principal", "User:alice",
                "--operation", "All", "--cluster");
        assertThat(refused.output()).contains("ClusterAuthorizationException");
    }
}
