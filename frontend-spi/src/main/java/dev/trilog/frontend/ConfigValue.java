package dev.trilog.frontend;

import java.util.Objects;

/**
 * One setting and where it came from, so that an error can say which file, variable or flag to
 * fix, and the startup log can say why a value is what it is.
 *
 * @param key    the configuration key ({@code kafka.port})
 * @param value  the raw text, trimmed
 * @param source where it was set, readable in a sentence: {@code "--set"},
 *               {@code "environment variable TRILOG_KAFKA_PORT"}, {@code "config file /etc/trilog.properties"}
 */
public record ConfigValue(String key, String value, String source) {

    public static final String DEFAULT_SOURCE = "default";

    public ConfigValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(source, "source");
        value = value.trim();
    }

    public boolean isDefault() {
        return DEFAULT_SOURCE.equals(source);
    }
}
