package dev.trilog.gateway.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Reads the layers below the command line: built-in defaults, a properties file and the
 * {@code TRILOG_*} environment variables. Each layer is a list of {@link ConfigValue}s that
 * remember their source; {@link GatewayConfigLoader} stacks them.
 */
final class ConfigSources {

    /** The defaults of DESIGN.md: one process, data in ./data, loopback, the protocols' usual ports. */
    private static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry(KnownKeys.KAFKA_ADVERTISED_HOST, ""),
            Map.entry(KnownKeys.KAFKA_ADVERTISED_PORT, "0"),
            Map.entry(KnownKeys.KAFKA_TRANSPORT, "auto"),
            Map.entry(KnownKeys.DATA_DIR, "data"),
            Map.entry(KnownKeys.LISTEN_HOST, "127.0.0.1"),
            Map.entry(KnownKeys.KAFKA_PORT, "9092"),
            Map.entry(KnownKeys.AMQP_PORT, "5672"),
            Map.entry(KnownKeys.SQS_PORT, "9324"),
            Map.entry(KnownKeys.SQS_HOST, ""),
            Map.entry(KnownKeys.SQS_ACCOUNT_ID, "000000000000"),
            Map.entry(KnownKeys.SQS_REGION, "us-east-1"),
            Map.entry(KnownKeys.SQS_ACCESS_KEYS, ""),
            Map.entry(KnownKeys.ADMIN_PORT, "8080"),
            Map.entry(KnownKeys.AUTO_CREATE_TOPICS_ENABLE, "true"),
            Map.entry(KnownKeys.NUM_PARTITIONS, "1"),
            Map.entry(KnownKeys.GROUP_INITIAL_REBALANCE_DELAY_MS, "3000"),
            Map.entry(KnownKeys.GROUP_MIN_SESSION_TIMEOUT_MS, "6000"),
            Map.entry(KnownKeys.GROUP_MAX_SESSION_TIMEOUT_MS, "1800000"),
            Map.entry(KnownKeys.TRANSACTION_MAX_TIMEOUT_MS, "900000"),
            Map.entry(KnownKeys.TRANSACTION_ABORT_CHECK_INTERVAL_MS, "10000"));

    private ConfigSources() {
    }

    static List<ConfigValue> defaults() {
        List<ConfigValue> values = new ArrayList<>();
        new TreeMap<>(DEFAULTS).forEach((key, value) -> values.add(new ConfigValue(key, value, ConfigValue.DEFAULT_SOURCE)));
        return values;
    }

    /**
     * A Java properties file, read as UTF-8. Keys are checked later, with the other layers, so
     * an unknown key is reported the same way wherever it was written.
     */
    static List<ConfigValue> file(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(absolute, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new InvalidConfigException("config file " + absolute + " does not exist");
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: a malformed \\uXXXX escape
            throw new InvalidConfigException("cannot read config file " + absolute + ": " + e.getMessage());
        }
        String source = "config file " + absolute;
        List<ConfigValue> values = new ArrayList<>();
        new TreeMap<>(properties).forEach((key, value) ->
                values.add(new ConfigValue(key.toString().trim(), value.toString(), source)));
        return values;
    }

    /**
     * The {@code TRILOG_*} variables of {@code environment}. A variable with the prefix that
     * names no key is an error rather than silently ignored: a typo in a deployment's environment
     * would otherwise run the broker with a default nobody chose.
     */
    static List<ConfigValue> environment(Map<String, String> environment) {
        List<ConfigValue> values = new ArrayList<>();
        new TreeMap<>(environment).forEach((variable, value) -> {
            if (!variable.startsWith(KnownKeys.ENVIRONMENT_PREFIX) || KnownKeys.LAUNCHER_VARIABLES.contains(variable)) {
                return;
            }
            String key = KnownKeys.keyForVariable(variable).orElseThrow(() -> new InvalidConfigException(
                    "environment variable " + variable + " matches no config key (TRILOG_* variables set config keys: "
                            + "kafka.port is TRILOG_KAFKA_PORT)"));
            values.add(new ConfigValue(key, value, "environment variable " + variable));
        });
        return values;
    }
}
