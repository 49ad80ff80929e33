package dev.trilog.gateway.config;

import dev.trilog.frontend.ConfigKey;
import dev.trilog.frontend.ConfigValue;
import dev.trilog.frontend.InvalidConfigException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
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

    private ConfigSources() {
    }

    /** The default of every key the gateway and the frontends declare; the engine applies its own. */
    static List<ConfigValue> defaults(KnownKeys keys) {
        List<ConfigValue> values = new ArrayList<>();
        keys.declared().stream().sorted(Comparator.comparing(ConfigKey::name)).forEach(key ->
                values.add(new ConfigValue(key.name(), key.defaultValue(), ConfigValue.DEFAULT_SOURCE)));
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
    static List<ConfigValue> environment(Map<String, String> environment, KnownKeys keys) {
        List<ConfigValue> values = new ArrayList<>();
        new TreeMap<>(environment).forEach((variable, value) -> {
            if (!variable.startsWith(KnownKeys.ENVIRONMENT_PREFIX) || KnownKeys.LAUNCHER_VARIABLES.contains(variable)) {
                return;
            }
            String key = keys.keyForVariable(variable).orElseThrow(() -> new InvalidConfigException(
                    "environment variable " + variable + " matches no config key (TRILOG_* variables set config keys: "
                            + "admin.port is TRILOG_ADMIN_PORT)"));
            values.add(new ConfigValue(key, value, "environment variable " + variable));
        });
        return values;
    }
}
