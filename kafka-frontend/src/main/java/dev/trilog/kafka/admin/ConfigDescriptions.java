package dev.trilog.kafka.admin;

import dev.trilog.kafka.admin.DescribedConfig.Synonym;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

/**
 * The configurations of a topic and of this broker as Kafka describes them.
 *
 * <p>A topic setting's value is the topic's override when it has one (source
 * {@code DYNAMIC_TOPIC_CONFIG}), else the broker-wide default: {@code STATIC_BROKER_CONFIG} when
 * Trilog's configuration sets the broker-level name ({@code log.retention.ms}), else Kafka's own
 * default ({@code DEFAULT_CONFIG}). Broker settings are read-only: Trilog reads them once at start.
 */
final class ConfigDescriptions {

    /** A broker setting outside the log engine's table that Trilog also honours, with Kafka's default. */
    private record BrokerSetting(String name, ConfigDef.Type type, String value, String kafkaDefault, String doc) {
    }

    private final KafkaContext context;

    ConfigDescriptions(KafkaContext context) {
        this.context = context;
    }

    /**
     * Every topic-level setting (or those in {@code keys}) of a topic with these overrides.
     *
     * @param keys null or empty for all; unknown names are left out, as Kafka does
     */
    List<DescribedConfig> topic(Map<String, String> overrides, Collection<String> keys, boolean documentation) {
        keys = keys == null || keys.isEmpty() ? null : keys;
        LogConfig defaults = context.engine().settings().topicDefaults();
        Map<String, String> effective = defaults.withOverrides(overrides).effectiveValues();
        Map<String, Object> brokerSet = defaults.originals();
        List<DescribedConfig> result = new ArrayList<>();
        for (ConfigDef.ConfigKey key : LogConfig.definitions().configKeys().values()) {
            if (keys != null && !keys.contains(key.name)) {
                continue;
            }
            String brokerName = LogConfig.BROKER_NAMES.get(key.name);
            List<Synonym> synonyms = new ArrayList<>();
            if (overrides.containsKey(key.name)) {
                synonyms.add(new Synonym(key.name, overrides.get(key.name), ConfigSource.TOPIC_CONFIG));
            }
            if (brokerSet.containsKey(key.name)) {
                synonyms.add(new Synonym(brokerName, String.valueOf(brokerSet.get(key.name)),
                        ConfigSource.STATIC_BROKER_CONFIG));
            }
            synonyms.add(new Synonym(brokerName, ConfigDef.convertToString(key.defaultValue, key.type),
                    ConfigSource.DEFAULT_CONFIG));
            result.add(new DescribedConfig(key.name, effective.get(key.name), synonyms.get(0).source(), false,
                    key.type, documentation ? key.documentation : null, List.copyOf(synonyms)));
        }
        return result;
    }

    /**
     * Every group-level setting (or those in {@code keys}) of a group: its own value (source
     * {@code GROUP_CONFIG}) or the default, which is the broker's setting of that name.
     */
    static List<DescribedConfig> group(GroupConfigResources groups, String group, Collection<String> keys,
            boolean documentation) {
        keys = keys == null || keys.isEmpty() ? null : keys;
        Map<String, String> overrides = groups.overrides(group);
        List<DescribedConfig> result = new ArrayList<>();
        for (ConfigDef.ConfigKey key : groups.definitions().configKeys().values()) {
            if (keys != null && !keys.contains(key.name)) {
                continue;
            }
            List<Synonym> synonyms = new ArrayList<>();
            if (overrides.containsKey(key.name)) {
                synonyms.add(new Synonym(key.name, overrides.get(key.name), ConfigSource.GROUP_CONFIG));
            }
            synonyms.add(new Synonym(groups.brokerNames().getOrDefault(key.name, key.name),
                    ConfigDef.convertToString(key.defaultValue, key.type), ConfigSource.DEFAULT_CONFIG));
            result.add(new DescribedConfig(key.name, synonyms.get(0).value(), synonyms.get(0).source(), false,
                    key.type, documentation ? key.documentation : null, List.copyOf(synonyms)));
        }
        return result;
    }

    /**
     * This broker's settings under their broker-level names: the defaults every topic inherits,
     * and the few broker settings Trilog honours besides. All read-only.
     */
    List<DescribedConfig> broker(Collection<String> keys, boolean documentation) {
        keys = keys == null || keys.isEmpty() ? null : keys;
        LogConfig defaults = context.engine().settings().topicDefaults();
        Map<String, String> effective = defaults.effectiveValues();
        Map<String, Object> brokerSet = defaults.originals();
        List<DescribedConfig> result = new ArrayList<>();
        for (Map.Entry<String, String> names : LogConfig.BROKER_NAMES.entrySet()) {
            String brokerName = names.getValue();
            if (keys != null && !keys.contains(brokerName)) {
                continue;
            }
            ConfigDef.ConfigKey key = LogConfig.definitions().configKeys().get(names.getKey());
            String kafkaDefault = ConfigDef.convertToString(key.defaultValue, key.type);
            result.add(brokerSetting(brokerName, key.type, effective.get(key.name), kafkaDefault,
                    brokerSet.containsKey(key.name), documentation ? key.documentation : null));
        }
        for (BrokerSetting setting : otherBrokerSettings()) {
            if (keys == null || keys.contains(setting.name())) {
                result.add(brokerSetting(setting.name(), setting.type(), setting.value(), setting.kafkaDefault(),
                        !setting.value().equals(setting.kafkaDefault()), documentation ? setting.doc() : null));
            }
        }
        return result;
    }

    private List<BrokerSetting> otherBrokerSettings() {
        EngineSettings engine = context.engine().settings();
        return List.of(
                new BrokerSetting("auto.create.topics.enable", ConfigDef.Type.BOOLEAN,
                        Boolean.toString(context.autoCreateTopics()), "true",
                        "Enable auto creation of topic on the server."),
                new BrokerSetting(EngineSettings.CLEANER_BACKOFF_MS, ConfigDef.Type.LONG,
                        Long.toString(engine.cleanerBackoffMs()), "15000",
                        "The amount of time to sleep when there are no logs to clean."),
                new BrokerSetting(EngineSettings.RETENTION_CHECK_INTERVAL_MS, ConfigDef.Type.LONG,
                        Long.toString(engine.retentionCheckIntervalMs()), "300000",
                        "The frequency in milliseconds that the log cleaner checks whether any log is eligible for deletion."),
                new BrokerSetting("num.partitions", ConfigDef.Type.INT,
                        Integer.toString(context.defaultPartitions()), "1",
                        "The default number of log partitions per topic."));
    }

    private static DescribedConfig brokerSetting(String name, ConfigDef.Type type, String value, String kafkaDefault,
            boolean setByTrilog, String documentation) {
        List<Synonym> synonyms = new ArrayList<>();
        if (setByTrilog) {
            synonyms.add(new Synonym(name, value, ConfigSource.STATIC_BROKER_CONFIG));
        }
        synonyms.add(new Synonym(name, kafkaDefault, ConfigSource.DEFAULT_CONFIG));
        return new DescribedConfig(name, value, synonyms.get(0).source(), true, type, documentation,
                List.copyOf(synonyms));
    }
}
