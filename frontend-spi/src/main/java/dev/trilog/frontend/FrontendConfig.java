package dev.trilog.frontend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The settings a frontend reads: the effective value of every key after the gateway has stacked
 * its sources (defaults, file, {@code TRILOG_*} variables, command line), each with the source it
 * came from, and the address every listener binds ({@code listen.host}).
 *
 * <p>The typed readers refuse a bad value with an {@link InvalidConfigException} that names the
 * value, the key and its source, in the same words the gateway uses for its own keys:
 * {@code invalid value 'ninety' for kafka.port (from environment variable TRILOG_KAFKA_PORT):
 * expected a port number from 0 to 65535 (0 picks any free port)}. A frontend with a rule of its
 * own (a maximum not below a minimum, a format) reports it through {@link #invalid}.
 */
public final class FrontendConfig {

    /** What {@link #withDefaults} binds: the loopback address of the defaults. */
    public static final String LOOPBACK = "127.0.0.1";

    private static final String PORT_RANGE = "0 to 65535 (0 picks any free port)";

    private final String listenHost;
    private final Map<String, ConfigValue> values;
    private final boolean relayed;

    /**
     * @param listenHost the host name or address every listener binds, already checked
     * @param values     every effective value, one per key (a later one for the same key wins)
     */
    public FrontendConfig(String listenHost, Collection<ConfigValue> values) {
        this(listenHost, values, false);
    }

    private FrontendConfig(String listenHost, Collection<ConfigValue> values, boolean relayed) {
        this.listenHost = Objects.requireNonNull(listenHost, "listenHost");
        this.relayed = relayed;
        Map<String, ConfigValue> byKey = new LinkedHashMap<>();
        values.forEach(value -> byKey.put(value.key(), value));
        this.values = Map.copyOf(byKey);
    }

    /**
     * The defaults of {@code keys} with {@code overrides} on top, bound to {@link #LOOPBACK}: for a
     * frontend's own tests and tools, which have no gateway to stack sources for them.
     */
    public static FrontendConfig withDefaults(List<ConfigKey> keys, ConfigValue... overrides) {
        List<ConfigValue> values = new ArrayList<>();
        keys.forEach(key -> values.add(new ConfigValue(key.name(), key.defaultValue(), ConfigValue.DEFAULT_SOURCE)));
        values.addAll(Arrays.asList(overrides));
        return new FrontendConfig(LOOPBACK, values);
    }

    /**
     * The same values, but binding {@link #LOOPBACK} and any free port for {@code portKey}: for a
     * frontend the gateway reaches only through its own listener (a clustered node forwarding).
     * It is {@link #relayed()}.
     */
    public FrontendConfig onLoopback(String portKey) {
        List<ConfigValue> all = new ArrayList<>(values.values());
        all.add(new ConfigValue(portKey, "0", "the cluster (served through the leader)"));
        return new FrontendConfig(LOOPBACK, all, true);
    }

    /**
     * Whether every connection reaches this frontend relayed by the gateway ({@link #onLoopback}:
     * a clustered node's door), so that its listener sees each one come from loopback, not from
     * the client's address.
     */
    public boolean relayed() {
        return relayed;
    }

    /** The host name or address every listener binds ({@code listen.host}). */
    public String listenHost() {
        return listenHost;
    }

    /**
     * The effective value of {@code key} with its source.
     *
     * @throws IllegalArgumentException when nothing set the key, not even a default: the key was
     *         not declared, a programming error rather than a user's
     */
    public ConfigValue value(String key) {
        ConfigValue value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException("no value for config key " + key + "; is it declared?");
        }
        return value;
    }

    /** The value as text, trimmed; may be empty. */
    public String string(String key) {
        return value(key).value();
    }

    /** A port to bind or advertise: 0 to 65535, where 0 picks any free port. */
    public int port(String key) {
        ConfigValue value = value(key);
        int port = parseInt(value, "expected a port number from " + PORT_RANGE);
        if (port < 0 || port > 65_535) {
            throw invalid(key, "a port number must be from " + PORT_RANGE);
        }
        return port;
    }

    /** A whole number of at least {@code min}. */
    public int intAtLeast(String key, int min) {
        ConfigValue value = value(key);
        String expected = "expected a whole number of at least " + min;
        int number = parseInt(value, expected);
        if (number < min) {
            throw invalid(key, expected);
        }
        return number;
    }

    /** Strictly {@code true} or {@code false}, in any case: "yes" or "1" would be read as false by {@link Boolean#parseBoolean}. */
    public boolean bool(String key) {
        return switch (string(key).toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(key, "expected true or false");
        };
    }

    /** The error for a value of {@code key} that breaks a rule of the frontend's own; throw it. */
    public InvalidConfigException invalid(String key, String expected) {
        return InvalidConfigException.badValue(value(key), expected);
    }

    private static int parseInt(ConfigValue value, String expected) {
        try {
            return Integer.parseInt(value.value());
        } catch (NumberFormatException e) {
            throw InvalidConfigException.badValue(value, expected);
        }
    }
}
