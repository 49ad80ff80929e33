package dev.trilog.gateway.config;

import dev.trilog.kafka.KafkaTransport;
import dev.trilog.log.EngineSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;

/**
 * The winning value of every key after the layers are stacked, turned into typed values. Each
 * conversion that fails says which key, which value and where it came from.
 */
final class EffectiveSettings {

    private final Map<String, ConfigValue> values;

    EffectiveSettings(Map<String, ConfigValue> values) {
        this.values = values;
    }

    GatewayConfig toGatewayConfig() {
        Path dataDir = path(KnownKeys.DATA_DIR);
        String host = host(KnownKeys.LISTEN_HOST);
        return new GatewayConfig(
                engineSettings(dataDir),
                listenAddress(KnownKeys.KAFKA_PORT, host),
                listenAddress(KnownKeys.AMQP_PORT, host),
                listenAddress(KnownKeys.SQS_PORT, host),
                listenAddress(KnownKeys.ADMIN_PORT, host),
                bool(KnownKeys.AUTO_CREATE_TOPICS_ENABLE),
                positiveInt(KnownKeys.NUM_PARTITIONS),
                listenAddress(KnownKeys.KAFKA_ADVERTISED_PORT, get(KnownKeys.KAFKA_ADVERTISED_HOST).value()),
                kafkaTransport(),
                nonNegativeInt(KnownKeys.GROUP_INITIAL_REBALANCE_DELAY_MS),
                positiveInt(KnownKeys.GROUP_MIN_SESSION_TIMEOUT_MS),
                maxSessionTimeout(),
                positiveInt(KnownKeys.TRANSACTION_MAX_TIMEOUT_MS),
                positiveInt(KnownKeys.TRANSACTION_ABORT_CHECK_INTERVAL_MS),
                sqsApi(),
                new ArrayList<>(values.values()));
    }

    private GatewayConfig.SqsApi sqsApi() {
        ConfigValue account = get(KnownKeys.SQS_ACCOUNT_ID);
        if (!account.value().matches("[0-9]{12}")) {
            throw InvalidConfigException.badValue(account, "an AWS account id is 12 digits");
        }
        ConfigValue region = get(KnownKeys.SQS_REGION);
        if (!region.value().matches("[a-z0-9-]+")) {
            throw InvalidConfigException.badValue(region, "expected a region name such as us-east-1");
        }
        ConfigValue keys = get(KnownKeys.SQS_ACCESS_KEYS);
        Map<String, String> accessKeys = new LinkedHashMap<>();
        if (!keys.value().isBlank()) {
            for (String pair : keys.value().split(",")) {
                int colon = pair.indexOf(':');
                if (colon <= 0 || colon == pair.length() - 1) {
                    throw InvalidConfigException.badValue(keys, "expected ACCESS_KEY_ID:SECRET_ACCESS_KEY pairs"
                            + " separated by commas");
                }
                accessKeys.put(pair.substring(0, colon).trim(), pair.substring(colon + 1).trim());
            }
        }
        return new GatewayConfig.SqsApi(get(KnownKeys.SQS_HOST).value().trim(), account.value(), region.value(),
                accessKeys);
    }

    private ConfigValue get(String key) {
        ConfigValue value = values.get(key);
        if (value == null) {
            throw new IllegalStateException("no default for " + key);
        }
        return value;
    }

    /** Relative paths are taken from the working directory, as Kafka does for {@code log.dirs}. */
    private Path path(String key) {
        ConfigValue value = get(key);
        if (value.value().isEmpty()) {
            throw InvalidConfigException.badValue(value, "expected a directory path");
        }
        try {
            return Path.of(value.value()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw InvalidConfigException.badValue(value, "not a valid path (" + e.getReason() + ")");
        }
    }

    /** Resolved now, so a typo fails as a config error instead of as a bind failure later. */
    private String host(String key) {
        ConfigValue value = get(key);
        if (value.value().isEmpty()) {
            throw InvalidConfigException.badValue(value, "expected a host name or IP address");
        }
        try {
            InetAddress.getByName(value.value());
        } catch (UnknownHostException e) {
            throw InvalidConfigException.badValue(value, "not a host name or IP address this machine can resolve");
        }
        return value.value();
    }

    private ListenAddress listenAddress(String portKey, String host) {
        ConfigValue value = get(portKey);
        int port = parseInt(value, "expected a port number from 0 to 65535 (0 picks any free port)");
        if (port < 0 || port > 65_535) {
            throw InvalidConfigException.badValue(value, "a port number must be from 0 to 65535 (0 picks any free port)");
        }
        return new ListenAddress(portKey, host, port);
    }

    private int positiveInt(String key) {
        ConfigValue value = get(key);
        int number = parseInt(value, "expected a whole number of at least 1");
        if (number < 1) {
            throw InvalidConfigException.badValue(value, "expected a whole number of at least 1");
        }
        return number;
    }

    private int nonNegativeInt(String key) {
        ConfigValue value = get(key);
        int number = parseInt(value, "expected a whole number of at least 0");
        if (number < 0) {
            throw InvalidConfigException.badValue(value, "expected a whole number of at least 0");
        }
        return number;
    }

    private KafkaTransport kafkaTransport() {
        ConfigValue value = get(KnownKeys.KAFKA_TRANSPORT);
        KafkaTransport transport = KafkaTransport.parse(value.value());
        if (transport == null) {
            throw InvalidConfigException.badValue(value, "expected auto, epoll or nio");
        }
        return transport;
    }

    private int maxSessionTimeout() {
        int min = positiveInt(KnownKeys.GROUP_MIN_SESSION_TIMEOUT_MS);
        int max = positiveInt(KnownKeys.GROUP_MAX_SESSION_TIMEOUT_MS);
        if (max < min) {
            throw InvalidConfigException.badValue(get(KnownKeys.GROUP_MAX_SESSION_TIMEOUT_MS),
                    "must be at least " + KnownKeys.GROUP_MIN_SESSION_TIMEOUT_MS + " (" + min + ")");
        }
        return max;
    }

    /** Strictly true or false: "yes" or "1" would be read as false by Boolean.parseBoolean. */
    private boolean bool(String key) {
        ConfigValue value = get(key);
        return switch (value.value().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw InvalidConfigException.badValue(value, "expected true or false");
        };
    }

    private static int parseInt(ConfigValue value, String expected) {
        try {
            return Integer.parseInt(value.value());
        } catch (NumberFormatException e) {
            throw InvalidConfigException.badValue(value, expected);
        }
    }

    /**
     * The engine validates its own keys and its {@link ConfigException} names the broker-level
     * key the user wrote ({@code log.retention.ms}); this adds where the value came from.
     */
    private EngineSettings engineSettings(Path dataDir) {
        Map<String, String> engineProperties = new HashMap<>();
        values.forEach((key, value) -> {
            if (KnownKeys.isEngineKey(key)) {
                engineProperties.put(key, value.value());
            }
        });
        try {
            return EngineSettings.fromBrokerProperties(dataDir, engineProperties);
        } catch (ConfigException | IllegalArgumentException e) {
            throw new InvalidConfigException(withSource(String.valueOf(e.getMessage())));
        }
    }

    /** The engine's message followed by the source of the setting it is about. */
    private String withSource(String engineMessage) {
        ConfigValue culprit = null;
        for (ConfigValue value : values.values()) {
            if (KnownKeys.isEngineKey(value.key()) && !value.isDefault() && mentions(engineMessage, value.key())) {
                culprit = longer(culprit, value);
            }
        }
        return culprit == null ? engineMessage : engineMessage + " (from " + culprit.source() + ")";
    }

    private static ConfigValue longer(ConfigValue current, ConfigValue candidate) {
        return current == null || candidate.key().length() > current.key().length() ? candidate : current;
    }

    private static boolean mentions(String message, String name) {
        return wholeWord(name).matcher(message).find();
    }

    /** {@code retention.ms} as a name of its own, not as the tail of {@code log.retention.ms}. */
    private static Pattern wholeWord(String name) {
        return Pattern.compile("(?<![\\w.])" + Pattern.quote(name) + "(?![\\w.])");
    }
}
