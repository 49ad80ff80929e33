package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.TrilogHarness;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Topic and broker configs through AdminClient: what describeConfigs reports and where each value
 * comes from, and every way of changing a topic's overrides. The broker is started with one
 * broker-level setting of its own ({@code log.retention.ms}) so all three sources show.
 */
class AdminConfigsTest {

    private static final String BROKER_RETENTION_MS = "3600000";

    @TempDir
    Path dataDir;

    private TrilogHarness trilog;
    private Admin admin;
    private final ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "configured");
    private final ConfigResource brokerResource = new ConfigResource(ConfigResource.Type.BROKER, "0");

    @BeforeEach
    void start() throws Exception {
        trilog = TrilogHarness.start(dataDir, "log.retention.ms", BROKER_RETENTION_MS);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, trilog.kafkaBootstrap()));
        admin.createTopics(List.of(new NewTopic("configured", 1, (short) 1)
                .configs(Map.of("segment.bytes", "1048576")))).all().get();
    }

    @AfterEach
    void stop() {
        admin.close();
        trilog.close();
    }

    private Config describe(ConfigResource resource) throws Exception {
        return admin.describeConfigs(List.of(resource), new DescribeConfigsOptions().includeSynonyms(true)
                .includeDocumentation(true)).all().get().get(resource);
    }

    private void alter(ConfigResource resource, AlterConfigOp... ops) throws Exception {
        admin.incrementalAlterConfigs(Map.of(resource, List.of(ops))).all().get();
    }

    private static Throwable causeOf(KafkaFuture<?> future) {
        try {
            future.get();
            throw new AssertionError("expected the call to fail");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void topicConfigsShowTheirValueSourceSynonymsTypeAndDocumentation() throws Exception {
        Config config = describe(topic);

        ConfigEntry segmentBytes = config.get("segment.bytes");
        assertThat(segmentBytes.value()).isEqualTo("1048576");
        assertThat(segmentBytes.source()).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(segmentBytes.isReadOnly()).isFalse();
        assertThat(segmentBytes.type()).isEqualTo(ConfigEntry.ConfigType.INT);
        assertThat(segmentBytes.documentation()).isNotBlank();
        assertThat(segmentBytes.synonyms()).extracting(ConfigEntry.ConfigSynonym::name, ConfigEntry.ConfigSynonym::source)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("segment.bytes", ConfigSource.DYNAMIC_TOPIC_CONFIG),
                        org.assertj.core.groups.Tuple.tuple("log.segment.bytes", ConfigSource.DEFAULT_CONFIG));

        ConfigEntry retention = config.get("retention.ms");
        assertThat(retention.value()).isEqualTo(BROKER_RETENTION_MS);
        assertThat(retention.source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(retention.synonyms()).extracting(ConfigEntry.ConfigSynonym::name)
                .containsExactly("log.retention.ms", "log.retention.ms");

        ConfigEntry cleanup = config.get("cleanup.policy");
        assertThat(cleanup.value()).isEqualTo("delete");
        assertThat(cleanup.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(cleanup.type()).isEqualTo(ConfigEntry.ConfigType.LIST);
        assertThat(config.get("max.message.bytes").value()).isEqualTo("1048588");
        assertThat(config.entries()).hasSizeGreaterThanOrEqualTo(20);

        assertThat(causeOf(admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "absent")))
                .all())).isInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void brokerConfigsAreTheStaticDefaultsUnderBrokerNames() throws Exception {
        Config broker = describe(brokerResource);

        assertThat(broker.get("log.retention.ms").value()).isEqualTo(BROKER_RETENTION_MS);
        assertThat(broker.get("log.retention.ms").source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(broker.get("log.retention.ms").isReadOnly()).isTrue();
        assertThat(broker.get("log.segment.bytes").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(broker.get("log.cleanup.policy").value()).isEqualTo("delete");
        assertThat(broker.get("num.partitions").value()).isEqualTo("1");
        assertThat(broker.get("retention.ms")).as("topic-level names are not broker settings").isNull();

        Config clusterDefaults = describe(new ConfigResource(ConfigResource.Type.BROKER, ""));
        assertThat(clusterDefaults.get("log.retention.ms").value()).isEqualTo(BROKER_RETENTION_MS);
    }

    @Test
    void incrementalAlterConfigsSetsDeletesAppendsAndSubtracts() throws Exception {
        alter(topic, new AlterConfigOp(new ConfigEntry("retention.ms", "60000"), OpType.SET),
                new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), OpType.APPEND));
        Config afterSet = describe(topic);
        assertThat(afterSet.get("retention.ms").value()).isEqualTo("60000");
        assertThat(afterSet.get("retention.ms").source()).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(afterSet.get("cleanup.policy").value()).isEqualTo("delete,compact");
        assertThat(afterSet.get("segment.bytes").value()).as("untouched overrides stay").isEqualTo("1048576");

        alter(topic, new AlterConfigOp(new ConfigEntry("retention.ms", null), OpType.DELETE),
                new AlterConfigOp(new ConfigEntry("cleanup.policy", "delete"), OpType.SUBTRACT));
        Config afterDelete = describe(topic);
        assertThat(afterDelete.get("retention.ms").value()).isEqualTo(BROKER_RETENTION_MS);
        assertThat(afterDelete.get("retention.ms").source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(afterDelete.get("cleanup.policy").value()).isEqualTo("compact");

        admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "1"),
                OpType.SET))), new AlterConfigsOptions().validateOnly(true)).all().get();
        assertThat(describe(topic).get("retention.ms").value()).as("validate-only").isEqualTo(BROKER_RETENTION_MS);
    }

    @Test
    void invalidChangesAreRefusedWithKafkasErrorsAndChangeNothing() throws Exception {
        assertThat(causeOf(admin.incrementalAlterConfigs(Map.of(topic, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", "tomorrow"), OpType.SET)))).all()))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("Invalid value tomorrow for configuration retention.ms");
        assertThat(causeOf(admin.incrementalAlterConfigs(Map.of(topic, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", "5"), OpType.SET),
                new AlterConfigOp(new ConfigEntry("cleanup.policy", "sometimes"), OpType.APPEND)))).all()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("cleanup.policy");
        assertThat(causeOf(admin.incrementalAlterConfigs(Map.of(topic, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", "5"), OpType.APPEND)))).all()))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("Can't APPEND to key retention.ms because its type is not LIST.");
        assertThat(causeOf(admin.incrementalAlterConfigs(Map.of(topic, List.of(
                new AlterConfigOp(new ConfigEntry("no.such.setting", "5"), OpType.SET)))).all()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("no.such.setting");
        assertThat(causeOf(admin.incrementalAlterConfigs(Map.of(
                new ConfigResource(ConfigResource.Type.TOPIC, "absent"), List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", "5"), OpType.SET)))).all()))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(causeOf(admin.incrementalAlterConfigs(Map.of(brokerResource, List.of(
                new AlterConfigOp(new ConfigEntry("log.retention.ms", "5"), OpType.SET)))).all()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("static")
                .hasMessageContaining("log.retention.ms");

        Config unchanged = describe(topic);
        assertThat(unchanged.get("retention.ms").value()).isEqualTo(BROKER_RETENTION_MS);
        assertThat(unchanged.get("cleanup.policy").value()).isEqualTo("delete");
    }

    @Test
    void legacyAlterConfigsReplacesEveryOverride() throws Exception {
        try (RawKafkaClient raw = new RawKafkaClient(trilog.kafkaBootstrap())) {
            for (short v = ApiKeys.ALTER_CONFIGS.oldestVersion(); v <= ApiKeys.ALTER_CONFIGS.latestVersion(); v++) {
                String retention = Integer.toString(10_000 + v);
                AlterConfigsResponse response = raw.send(new AlterConfigsRequest.Builder(Map.of(topic,
                        new AlterConfigsRequest.Config(List.of(new AlterConfigsRequest.ConfigEntry("retention.ms", retention)))),
                        false), v);
                assertThat(response.errors().get(topic).error()).as("AlterConfigs v%d", v).isEqualTo(Errors.NONE);
                Config config = describe(topic);
                assertThat(config.get("retention.ms").value()).isEqualTo(retention);
                assertThat(config.get("segment.bytes").source()).as("replaced, so back to the default")
                        .isEqualTo(ConfigSource.DEFAULT_CONFIG);
            }

            AlterConfigsResponse invalid = raw.send(new AlterConfigsRequest.Builder(Map.of(topic,
                    new AlterConfigsRequest.Config(List.of(new AlterConfigsRequest.ConfigEntry("retention.ms", "x")))),
                    false), ApiKeys.ALTER_CONFIGS.latestVersion());
            assertThat(invalid.errors().get(topic).error()).isEqualTo(Errors.INVALID_CONFIG);
            AlterConfigsResponse validateOnly = raw.send(new AlterConfigsRequest.Builder(Map.of(topic,
                    new AlterConfigsRequest.Config(List.of())), true), ApiKeys.ALTER_CONFIGS.latestVersion());
            assertThat(validateOnly.errors().get(topic).error()).isEqualTo(Errors.NONE);
            AlterConfigsResponse broker = raw.send(new AlterConfigsRequest.Builder(Map.of(brokerResource,
                    new AlterConfigsRequest.Config(List.of(new AlterConfigsRequest.ConfigEntry("num.partitions", "3")))),
                    false), ApiKeys.ALTER_CONFIGS.latestVersion());
            assertThat(broker.errors().get(brokerResource).error()).isEqualTo(Errors.INVALID_REQUEST);
        }
        assertThat(describe(topic).get("retention.ms").value()).isEqualTo("10002");
    }

    @Test
    void everyDescribeConfigsVersionIsAnswered() throws Exception {
        try (RawKafkaClient raw = new RawKafkaClient(trilog.kafkaBootstrap())) {
            for (short v = ApiKeys.DESCRIBE_CONFIGS.oldestVersion(); v <= ApiKeys.DESCRIBE_CONFIGS.latestVersion(); v++) {
                DescribeConfigsRequestData data = new DescribeConfigsRequestData().setIncludeSynonyms(true)
                        .setIncludeDocumentation(v >= 3);
                data.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource()
                        .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName("configured")
                        .setConfigurationKeys(List.of("segment.bytes")));
                DescribeConfigsResponse response = raw.send(new DescribeConfigsRequest.Builder(data), v);
                DescribeConfigsResult result = response.data().results().get(0);
                assertThat(Errors.forCode(result.errorCode())).as("DescribeConfigs v%d", v).isEqualTo(Errors.NONE);
                assertThat(result.configs()).singleElement().satisfies(c -> {
                    assertThat(c.name()).isEqualTo("segment.bytes");
                    assertThat(c.value()).isEqualTo("1048576");
                });
            }
        }
    }
}
