package dev.trilog.kafka.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.kafka.group.ConsumerGroupConfig;
import dev.trilog.kafka.group.ConsumerGroupSettings;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.routing.topology.Topology;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GROUP config store's consumer-group settings: Kafka's bounds and messages, the broker's
 * setting always allowed, both kinds of group settings in one store, durable across a reopen.
 */
class GroupConfigsTest {

    /** A broker whose own settings (6 s session, 300 ms heartbeats) lie below Kafka's default bounds. */
    private static final ConsumerGroupSettings BROKER = new ConsumerGroupSettings(6_000, 300, 100,
            List.of("uniform"), ConsumerGroupSettings.MigrationPolicy.BIDIRECTIONAL);

    @TempDir
    Path dataDir;
    LogEngine engine;
    GroupConfigs configs;

    @BeforeEach
    void open() throws Exception {
        engine = LogEngine.open(EngineSettings.of(dataDir));
        configs = GroupConfigs.open(engine, ShareSettings.DEFAULTS, BROKER, Topology.open(engine));
    }

    @AfterEach
    void close() throws Exception {
        engine.close();
    }

    @Test
    void aGroupWithoutOverridesHasTheBrokersSettings() {
        assertThat(configs.consumerGroup("g")).isEqualTo(new ConsumerGroupConfig(6_000, 300));
        assertThat(configs.brokerNames()).containsEntry(ConsumerGroupConfig.SESSION_TIMEOUT_MS,
                "group.consumer.session.timeout.ms");
    }

    @Test
    void valuesOutsideTheBoundsAreRefusedWithKafkasMessages() {
        assertRefused(Map.of(ConsumerGroupConfig.SESSION_TIMEOUT_MS, "60001"),
                "consumer.session.timeout.ms must be less than or equal to group.consumer.max.session.timeout.ms");
        assertRefused(Map.of(ConsumerGroupConfig.SESSION_TIMEOUT_MS, "5999"),
                "consumer.session.timeout.ms must be greater than or equal to group.consumer.min.session.timeout.ms");
        assertRefused(Map.of(ConsumerGroupConfig.HEARTBEAT_INTERVAL_MS, "15001"),
                "consumer.heartbeat.interval.ms must be less than or equal to group.consumer.max.heartbeat.interval.ms");
        assertRefused(Map.of(ConsumerGroupConfig.HEARTBEAT_INTERVAL_MS, "299"),
                "consumer.heartbeat.interval.ms must be greater than or equal to group.consumer.min.heartbeat.interval.ms");
        assertRefused(Map.of(ConsumerGroupConfig.SESSION_TIMEOUT_MS, "6000", ConsumerGroupConfig.HEARTBEAT_INTERVAL_MS,
                "6000"), "consumer.session.timeout.ms must be greater than consumer.heartbeat.interval.ms");
        assertRefused(Map.of(ConsumerGroupConfig.SESSION_TIMEOUT_MS, "soon"), "consumer.session.timeout.ms");
        assertThat(configs.overrides("g")).as("nothing refused is kept").isEmpty();
    }

    private void assertRefused(Map<String, String> overrides, String message) {
        assertThatThrownBy(() -> configs.alter("g", overrides, false)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(message);
    }

    @Test
    void overridesOfBothKindsShareTheStoreAndSurviveAReopen() throws Exception {
        configs.alter("g", Map.of(ConsumerGroupConfig.SESSION_TIMEOUT_MS, "50000",
                ConsumerGroupConfig.HEARTBEAT_INTERVAL_MS, "10000", GroupConfigs.DELIVERY_COUNT_LIMIT, "3"), false);
        configs.alter("validated-only", Map.of(ConsumerGroupConfig.SESSION_TIMEOUT_MS, "50000"), true);
        assertThat(configs.consumerGroup("g")).isEqualTo(new ConsumerGroupConfig(50_000, 10_000));
        assertThat(configs.of("g").deliveryCountLimit()).isEqualTo(3);
        assertThat(configs.consumerGroup("validated-only")).isEqualTo(new ConsumerGroupConfig(6_000, 300));

        engine.close();
        engine = LogEngine.open(EngineSettings.of(dataDir));
        configs = GroupConfigs.open(engine, ShareSettings.DEFAULTS, BROKER, Topology.open(engine));
        assertThat(configs.consumerGroup("g")).isEqualTo(new ConsumerGroupConfig(50_000, 10_000));

        // a broker restarted with narrower bounds: the group's value, accepted when set, still applies
        engine.close();
        engine = LogEngine.open(EngineSettings.of(dataDir));
        ConsumerGroupSettings narrower = new ConsumerGroupSettings(6_000, 300, 100, List.of("uniform"),
                ConsumerGroupSettings.MigrationPolicy.BIDIRECTIONAL,
                new ConsumerGroupSettings.GroupBounds(45_000, 45_000, 5_000, 5_000));
        configs = GroupConfigs.open(engine, ShareSettings.DEFAULTS, narrower, Topology.open(engine));
        assertThat(configs.consumerGroup("g")).isEqualTo(new ConsumerGroupConfig(50_000, 10_000));

        configs.forget("g"); // the share group g deleted: its settings go, the consumer group's stay
        assertThat(configs.of("g").deliveryCountLimit()).isEqualTo(ShareSettings.DEFAULTS.deliveryCountLimit());
        assertThat(configs.consumerGroup("g")).isEqualTo(new ConsumerGroupConfig(50_000, 10_000));
    }
}
