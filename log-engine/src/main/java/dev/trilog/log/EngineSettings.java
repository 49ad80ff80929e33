package dev.trilog.log;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;

/**
 * How a {@link LogEngine} is opened: where data lives, the broker-wide topic defaults, the
 * clock (injected so retention and compaction are tested without sleeping) and how often the
 * background tasks look for work.
 *
 * @param dataDir                 the directory that holds every partition and internal log
 * @param topicDefaults           what a topic gets for each setting it does not override
 * @param clock                   wall-clock time for timestamps, retention and segment rolls
 * @param retentionCheckIntervalMs how often retention and segment-age rolls are checked
 * @param cleanerBackoffMs        how long the compactor sleeps when it finds nothing to clean
 */
public record EngineSettings(
        Path dataDir,
        LogConfig topicDefaults,
        InstantSource clock,
        long retentionCheckIntervalMs,
        long cleanerBackoffMs) {

    /** Broker-level keys this record reads, besides the log defaults of {@link LogConfig}. */
    public static final String RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
    public static final String CLEANER_BACKOFF_MS = "log.cleaner.backoff.ms";
    public static final Set<String> KEYS = Set.of(RETENTION_CHECK_INTERVAL_MS, CLEANER_BACKOFF_MS);

    public EngineSettings {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(topicDefaults, "topicDefaults");
        Objects.requireNonNull(clock, "clock");
        if (retentionCheckIntervalMs <= 0 || cleanerBackoffMs <= 0) {
            throw new IllegalArgumentException("background intervals must be positive");
        }
    }

    /** Kafka's defaults: retention checked every 5 minutes, cleaner backoff 15 seconds. */
    public static EngineSettings of(Path dataDir) {
        return new EngineSettings(dataDir, LogConfig.defaults(), InstantSource.system(), 300_000, 15_000);
    }

    /**
     * Settings from broker-level properties ({@code log.retention.ms}, …, and {@link #KEYS});
     * keys this engine does not own are left to the caller.
     *
     * @throws ConfigException naming the key whose value is invalid
     */
    public static EngineSettings fromBrokerProperties(Path dataDir, Map<String, String> properties) {
        return new EngineSettings(dataDir, LogConfig.fromBrokerProperties(properties), InstantSource.system(),
                positiveLong(properties, RETENTION_CHECK_INTERVAL_MS, 300_000),
                positiveLong(properties, CLEANER_BACKOFF_MS, 15_000));
    }

    public EngineSettings withClock(InstantSource newClock) {
        return new EngineSettings(dataDir, topicDefaults, newClock, retentionCheckIntervalMs, cleanerBackoffMs);
    }

    public EngineSettings withTopicDefaults(LogConfig defaults) {
        return new EngineSettings(dataDir, defaults, clock, retentionCheckIntervalMs, cleanerBackoffMs);
    }

    private static long positiveLong(Map<String, String> properties, String key, long fallback) {
        String raw = properties.get(key);
        if (raw == null) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw.trim());
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below, with the key's name
        }
        throw new ConfigException(key, raw, "must be a positive number of milliseconds");
    }
}
