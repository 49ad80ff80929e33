package dev.trilog.log;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
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
 * @param maxPartitions           how many partitions the engine's topics may have in all: each
 *                                holds an open file, so past the process's descriptor limit a
 *                                create would fail half-way and connections could no longer be
 *                                accepted; a create that would exceed it is refused whole
 *                                ({@link PartitionLimitException})
 */
public record EngineSettings(
        Path dataDir,
        LogConfig topicDefaults,
        InstantSource clock,
        long retentionCheckIntervalMs,
        long cleanerBackoffMs,
        int maxPartitions) {

    /** Broker-level keys this record reads, besides the log defaults of {@link LogConfig}. */
    public static final String RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
    public static final String CLEANER_BACKOFF_MS = "log.cleaner.backoff.ms";
    public static final String MAX_PARTITIONS = "log.max.partitions";
    public static final Set<String> KEYS = Set.of(RETENTION_CHECK_INTERVAL_MS, CLEANER_BACKOFF_MS, MAX_PARTITIONS);

    /** The partition bound when none is set: Kafka's per-request cap, or fewer where descriptors are scarce. */
    private static final int DEFAULT_MAX_PARTITIONS = 10_000;

    public EngineSettings {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(topicDefaults, "topicDefaults");
        Objects.requireNonNull(clock, "clock");
        if (retentionCheckIntervalMs <= 0 || cleanerBackoffMs <= 0) {
            throw new IllegalArgumentException("background intervals must be positive");
        }
        if (maxPartitions <= 0) {
            throw new IllegalArgumentException("maxPartitions must be positive");
        }
    }

    /** Kafka's defaults: retention checked every 5 minutes, cleaner backoff 15 seconds. */
    public static EngineSettings of(Path dataDir) {
        return new EngineSettings(dataDir, LogConfig.defaults(), InstantSource.system(), 300_000, 15_000,
                defaultMaxPartitions());
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
                positiveLong(properties, CLEANER_BACKOFF_MS, 15_000),
                positiveInt(properties, MAX_PARTITIONS, defaultMaxPartitions()));
    }

    /**
     * {@value #DEFAULT_MAX_PARTITIONS}, or half the file descriptors this process may open when
     * that is less (an {@code ulimit -n} of 1024 allows 512): the other half stays for
     * connections, segments that rolled and the internal logs.
     */
    public static int defaultMaxPartitions() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            long half = unix.getMaxFileDescriptorCount() / 2;
            return (int) Math.max(1, Math.min(DEFAULT_MAX_PARTITIONS, half));
        }
        return DEFAULT_MAX_PARTITIONS;
    }

    public EngineSettings withClock(InstantSource newClock) {
        return new EngineSettings(dataDir, topicDefaults, newClock, retentionCheckIntervalMs, cleanerBackoffMs,
                maxPartitions);
    }

    public EngineSettings withTopicDefaults(LogConfig defaults) {
        return new EngineSettings(dataDir, defaults, clock, retentionCheckIntervalMs, cleanerBackoffMs,
                maxPartitions);
    }

    public EngineSettings withMaxPartitions(int max) {
        return new EngineSettings(dataDir, topicDefaults, clock, retentionCheckIntervalMs, cleanerBackoffMs, max);
    }

    private static int positiveInt(Map<String, String> properties, String key, int fallback) {
        return (int) positive(properties, key, fallback, Integer.MAX_VALUE, "must be a positive whole number");
    }

    private static long positiveLong(Map<String, String> properties, String key, long fallback) {
        return positive(properties, key, fallback, Long.MAX_VALUE, "must be a positive number of milliseconds");
    }

    private static long positive(Map<String, String> properties, String key, long fallback, long max, String rule) {
        String raw = properties.get(key);
        if (raw == null) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw.trim());
            if (value > 0 && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below, with the key's name
        }
        throw new ConfigException(key, raw, rule);
    }
}
