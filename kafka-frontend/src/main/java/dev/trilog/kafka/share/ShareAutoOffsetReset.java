package dev.trilog.kafka.share;

import dev.trilog.log.PartitionLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import org.apache.kafka.common.config.ConfigException;

/**
 * {@code share.auto.offset.reset} as Kafka 4.4 has it: {@code earliest}, {@code latest}, or
 * {@code by_duration:<ISO-8601 duration>} — the first record at most that old when the group
 * first reads a partition.
 *
 * @param duration null for earliest or latest
 */
record ShareAutoOffsetReset(String value, boolean latest, Duration duration) {

    private static final String BY_DURATION = "by_duration:";

    static ShareAutoOffsetReset parse(String value) {
        String v = value.trim();
        if (v.equalsIgnoreCase("earliest") || v.equalsIgnoreCase("latest")) {
            return new ShareAutoOffsetReset(v.toLowerCase(java.util.Locale.ROOT), v.equalsIgnoreCase("latest"), null);
        }
        if (v.regionMatches(true, 0, BY_DURATION, 0, BY_DURATION.length())) {
            try {
                Duration duration = Duration.parse(v.substring(BY_DURATION.length()).trim());
                if (!duration.isNegative()) {
                    return new ShareAutoOffsetReset(v, false, duration);
                }
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        throw new ConfigException(GroupConfigs.AUTO_OFFSET_RESET, value,
                "must be earliest, latest or by_duration:<duration>, the duration in ISO-8601 format"
                        + " (PnDTnHnMn.nS), not negative");
    }

    /** The offset a share partition the group has no state on starts at. */
    long startOffset(PartitionLog log, long nowMs) {
        if (duration == null) {
            return latest ? log.logEndOffset() : log.logStartOffset();
        }
        try {
            return log.offsetForTimestamp(nowMs - duration.toMillis()).map(t -> t.offset())
                    .orElse(log.logEndOffset());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
