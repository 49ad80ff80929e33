package dev.trilog.log;

import static org.apache.kafka.common.config.ConfigDef.Importance.HIGH;
import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;
import static org.apache.kafka.common.config.ConfigDef.Range.atLeast;
import static org.apache.kafka.common.config.ConfigDef.Range.between;
import static org.apache.kafka.common.config.ConfigDef.Type.BOOLEAN;
import static org.apache.kafka.common.config.ConfigDef.Type.INT;
import static org.apache.kafka.common.config.ConfigDef.Type.LIST;
import static org.apache.kafka.common.config.ConfigDef.Type.LONG;
import static org.apache.kafka.common.config.ConfigDef.Type.STRING;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The per-topic log settings, with Kafka's names and defaults.
 *
 * <p>Each setting exists twice, as in Kafka: a topic-level name ({@code retention.ms}) that a
 * topic may override, and a broker-level name ({@code log.retention.ms}) that sets the default
 * for every topic that does not. {@link #BROKER_NAMES} is the one table of that pairing; the
 * gateway's configuration loader and the Kafka frontend's DescribeConfigs both read it.
 *
 * <p>Instances are immutable: changing a topic's configuration makes a new {@code LogConfig}.
 */
public final class LogConfig extends AbstractConfig {

    public static final String CLEANUP_POLICY_DELETE = TopicConfig.CLEANUP_POLICY_DELETE;
    public static final String CLEANUP_POLICY_COMPACT = TopicConfig.CLEANUP_POLICY_COMPACT;

    /** Topic-level name → broker-level name of the default, exactly as Kafka spells them. */
    public static final Map<String, String> BROKER_NAMES;

    private static final ConfigDef TOPIC_DEF = new ConfigDef()
            .define(TopicConfig.SEGMENT_BYTES_CONFIG, INT, 1024 * 1024 * 1024, atLeast(1024), MEDIUM,
                    TopicConfig.SEGMENT_BYTES_DOC)
            .define(TopicConfig.SEGMENT_MS_CONFIG, LONG, 7 * 24 * 3600 * 1000L, atLeast(1), MEDIUM,
                    TopicConfig.SEGMENT_MS_DOC)
            .define(TopicConfig.SEGMENT_INDEX_BYTES_CONFIG, INT, 10 * 1024 * 1024, atLeast(64), LOW,
                    TopicConfig.SEGMENT_INDEX_BYTES_DOC)
            .define(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, INT, 4096, atLeast(0), LOW,
                    TopicConfig.INDEX_INTERVAL_BYTES_DOC)
            .define(TopicConfig.RETENTION_MS_CONFIG, LONG, 7 * 24 * 3600 * 1000L, atLeast(-1), HIGH,
                    TopicConfig.RETENTION_MS_DOC)
            .define(TopicConfig.RETENTION_BYTES_CONFIG, LONG, -1L, HIGH, TopicConfig.RETENTION_BYTES_DOC)
            .define(TopicConfig.CLEANUP_POLICY_CONFIG, LIST, CLEANUP_POLICY_DELETE,
                    ConfigDef.ValidList.in(false, CLEANUP_POLICY_DELETE, CLEANUP_POLICY_COMPACT), HIGH,
                    TopicConfig.CLEANUP_POLICY_DOC)
            .define(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, INT, 1024 * 1024 + 12, atLeast(0), MEDIUM,
                    TopicConfig.MAX_MESSAGE_BYTES_DOC)
            .define(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, LONG, 0L, atLeast(0), MEDIUM,
                    TopicConfig.MIN_COMPACTION_LAG_MS_DOC)
            .define(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, LONG, Long.MAX_VALUE, atLeast(1), MEDIUM,
                    TopicConfig.MAX_COMPACTION_LAG_MS_DOC)
            .define(TopicConfig.DELETE_RETENTION_MS_CONFIG, LONG, 24 * 3600 * 1000L, atLeast(0), MEDIUM,
                    TopicConfig.DELETE_RETENTION_MS_DOC)
            .define(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, ConfigDef.Type.DOUBLE, 0.5,
                    between(0, 1), MEDIUM, TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_DOC)
            .define(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, STRING, "CreateTime",
                    ConfigDef.ValidString.in("CreateTime", "LogAppendTime"), MEDIUM,
                    TopicConfig.MESSAGE_TIMESTAMP_TYPE_DOC)
            .define(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG, LONG, Long.MAX_VALUE, atLeast(0),
                    MEDIUM, TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_DOC)
            .define(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, LONG, 3600 * 1000L, atLeast(0),
                    MEDIUM, TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_DOC)
            .define(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG, LONG, Long.MAX_VALUE, atLeast(1), MEDIUM,
                    TopicConfig.FLUSH_MESSAGES_INTERVAL_DOC)
            .define(TopicConfig.FLUSH_MS_CONFIG, LONG, Long.MAX_VALUE, atLeast(0), MEDIUM,
                    TopicConfig.FLUSH_MS_DOC)
            .define(TopicConfig.COMPRESSION_TYPE_CONFIG, STRING, "producer",
                    ConfigDef.ValidString.in("producer", "uncompressed", "gzip", "snappy", "lz4", "zstd"),
                    MEDIUM, TopicConfig.COMPRESSION_TYPE_DOC)
            .define(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, INT, 1, atLeast(1), MEDIUM,
                    TopicConfig.MIN_IN_SYNC_REPLICAS_DOC)
            .define(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, BOOLEAN, false, LOW,
                    TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_DOC)
            .define(TopicConfig.FILE_DELETE_DELAY_MS_CONFIG, LONG, 60_000L, atLeast(0), LOW,
                    TopicConfig.FILE_DELETE_DELAY_MS_DOC)
            .define(TopicConfig.PREALLOCATE_CONFIG, BOOLEAN, false, LOW, TopicConfig.PREALLOCATE_DOC);

    static {
        Map<String, String> names = new LinkedHashMap<>();
        names.put(TopicConfig.SEGMENT_BYTES_CONFIG, "log.segment.bytes");
        names.put(TopicConfig.SEGMENT_MS_CONFIG, "log.roll.ms");
        names.put(TopicConfig.SEGMENT_INDEX_BYTES_CONFIG, "log.index.size.max.bytes");
        names.put(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, "log.index.interval.bytes");
        names.put(TopicConfig.RETENTION_MS_CONFIG, "log.retention.ms");
        names.put(TopicConfig.RETENTION_BYTES_CONFIG, "log.retention.bytes");
        names.put(TopicConfig.CLEANUP_POLICY_CONFIG, "log.cleanup.policy");
        names.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "message.max.bytes");
        names.put(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "log.cleaner.min.compaction.lag.ms");
        names.put(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, "log.cleaner.max.compaction.lag.ms");
        names.put(TopicConfig.DELETE_RETENTION_MS_CONFIG, "log.cleaner.delete.retention.ms");
        names.put(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "log.cleaner.min.cleanable.ratio");
        names.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "log.message.timestamp.type");
        names.put(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG, "log.message.timestamp.before.max.ms");
        names.put(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, "log.message.timestamp.after.max.ms");
        names.put(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG, "log.flush.interval.messages");
        names.put(TopicConfig.FLUSH_MS_CONFIG, "log.flush.interval.ms");
        names.put(TopicConfig.COMPRESSION_TYPE_CONFIG, "compression.type");
        names.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "min.insync.replicas");
        names.put(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "unclean.leader.election.enable");
        names.put(TopicConfig.FILE_DELETE_DELAY_MS_CONFIG, "log.segment.delete.delay.ms");
        names.put(TopicConfig.PREALLOCATE_CONFIG, "log.preallocate");
        BROKER_NAMES = Collections.unmodifiableMap(names);
        if (!BROKER_NAMES.keySet().equals(TOPIC_DEF.names())) {
            throw new IllegalStateException("every topic config needs a broker-level name");
        }
    }

    private final Map<String, String> overrides;
    // Read on every append: AbstractConfig's getters record each read in a concurrent map, so the
    // hot values are resolved once here.
    private final int segmentBytes;
    private final long segmentMs;
    private final int segmentIndexBytes;
    private final int indexIntervalBytes;
    private final int maxMessageBytes;
    private final boolean compact;
    private final boolean logAppendTime;
    private final long timestampBeforeMaxMs;
    private final long timestampAfterMaxMs;
    private final long flushMessages;
    private final long flushMs;
    private final dev.trilog.log.record.AppendRules clientRules;

    private LogConfig(Map<String, String> effective, Map<String, String> overrides) {
        super(TOPIC_DEF, effective, false);
        this.overrides = Map.copyOf(overrides);
        this.segmentBytes = getInt(TopicConfig.SEGMENT_BYTES_CONFIG);
        this.segmentMs = getLong(TopicConfig.SEGMENT_MS_CONFIG);
        this.segmentIndexBytes = getInt(TopicConfig.SEGMENT_INDEX_BYTES_CONFIG);
        this.indexIntervalBytes = getInt(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG);
        this.maxMessageBytes = getInt(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        this.compact = getList(TopicConfig.CLEANUP_POLICY_CONFIG).contains(CLEANUP_POLICY_COMPACT);
        this.logAppendTime = "LogAppendTime".equals(getString(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG));
        this.timestampBeforeMaxMs = getLong(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG);
        this.timestampAfterMaxMs = getLong(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG);
        this.flushMessages = getLong(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG);
        this.flushMs = getLong(TopicConfig.FLUSH_MS_CONFIG);
        this.clientRules = new dev.trilog.log.record.AppendRules(maxMessageBytes, compact, logAppendTime,
                timestampBeforeMaxMs, timestampAfterMaxMs, true);
    }

    /** What a client's batches must satisfy under this config. */
    public dev.trilog.log.record.AppendRules clientAppendRules() {
        return clientRules;
    }

    /** The defaults Kafka ships with, no overrides. */
    public static LogConfig defaults() {
        return new LogConfig(Map.of(), Map.of());
    }

    /** The topic-level names this engine knows. */
    public static Set<String> names() {
        return TOPIC_DEF.names();
    }

    /** The definitions, for documentation and DescribeConfigs. */
    public static ConfigDef definitions() {
        return TOPIC_DEF;
    }

    /**
     * Broker defaults from broker-level names ({@code log.retention.ms=…}). Keys that are not
     * broker-level log settings are ignored: the caller owns the other keys.
     *
     * @throws ConfigException naming the key, when a value has the wrong type or range
     */
    public static LogConfig fromBrokerProperties(Map<String, String> brokerProperties) {
        Map<String, String> topicLevel = new HashMap<>();
        BROKER_NAMES.forEach((topicName, brokerName) -> {
            String value = brokerProperties.get(brokerName);
            if (value != null) {
                try {
                    new LogConfig(Map.of(topicName, value), Map.of());
                } catch (ConfigException e) {
                    String reason = e.getMessage().substring(e.getMessage().lastIndexOf(':') + 1).trim();
                    throw new ConfigException(brokerName, value, reason);
                }
                topicLevel.put(topicName, value);
            }
        });
        return new LogConfig(topicLevel, Map.of());
    }

    /**
     * This config (the broker default) with a topic's own overrides applied.
     *
     * @throws ConfigException for an unknown name or an invalid value
     */
    public LogConfig withOverrides(Map<String, String> topicOverrides) {
        for (String name : topicOverrides.keySet()) {
            if (!TOPIC_DEF.names().contains(name)) {
                throw new ConfigException("Unknown topic config name: " + name);
            }
        }
        Map<String, String> effective = new HashMap<>();
        originalsStrings().forEach(effective::put);
        effective.putAll(topicOverrides);
        Map<String, String> merged = new HashMap<>(overrides);
        merged.putAll(topicOverrides);
        return new LogConfig(effective, merged);
    }

    /** The names and values this topic sets itself (the rest come from the broker defaults). */
    public Map<String, String> overrides() {
        return overrides;
    }

    public int segmentBytes() {
        return segmentBytes;
    }

    public long segmentMs() {
        return segmentMs;
    }

    public int segmentIndexBytes() {
        return segmentIndexBytes;
    }

    public int indexIntervalBytes() {
        return indexIntervalBytes;
    }

    public long retentionMs() {
        return getLong(TopicConfig.RETENTION_MS_CONFIG);
    }

    public long retentionBytes() {
        return getLong(TopicConfig.RETENTION_BYTES_CONFIG);
    }

    public boolean compact() {
        return compact;
    }

    public boolean delete() {
        return getList(TopicConfig.CLEANUP_POLICY_CONFIG).contains(CLEANUP_POLICY_DELETE);
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /** How many replicas must be in sync for an {@code acks=all} write (checked in a cluster). */
    public int minInSyncReplicas() {
        return getInt(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
    }

    public long minCompactionLagMs() {
        return getLong(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG);
    }

    public long deleteRetentionMs() {
        return getLong(TopicConfig.DELETE_RETENTION_MS_CONFIG);
    }

    public boolean logAppendTime() {
        return logAppendTime;
    }

    public long timestampBeforeMaxMs() {
        return timestampBeforeMaxMs;
    }

    public long timestampAfterMaxMs() {
        return timestampAfterMaxMs;
    }

    public long flushMessages() {
        return flushMessages;
    }

    public long flushMs() {
        return flushMs;
    }

    /** True when appends wait for an fsync (group commit) instead of trusting the page cache. */
    public boolean fsyncBeforeAck() {
        return flushMessages() != Long.MAX_VALUE || flushMs() != Long.MAX_VALUE;
    }

    /** Every effective value as a string, topic-level names. */
    public Map<String, String> effectiveValues() {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : TOPIC_DEF.names()) {
            Object value = get(name);
            values.put(name, value instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList())
                    : String.valueOf(value));
        }
        return values;
    }
}
