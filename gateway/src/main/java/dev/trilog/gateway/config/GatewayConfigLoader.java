package dev.trilog.gateway.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Builds the {@link GatewayConfig} from its layers, each overriding the one before:
 *
 * <ol>
 *   <li>built-in defaults,</li>
 *   <li>a properties file ({@code --config FILE}),</li>
 *   <li>{@code TRILOG_*} environment variables ({@link KnownKeys#variableFor}),</li>
 *   <li>the command line, in the order the caller gives (the {@code serve} command puts
 *       {@code --set key=value} before the dedicated flags such as {@code --kafka-port}).</li>
 * </ol>
 *
 * <p>Every key in every layer must be known ({@link KnownKeys}), and every value is checked
 * before anything starts, so a mistake costs one message and no half-started broker.
 *
 * <p>The environment is passed in rather than read from {@link System#getenv()}, so tests do
 * not depend on the machine they run on.
 */
public final class GatewayConfigLoader {

    private final Map<String, String> environment;

    public GatewayConfigLoader(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /**
     * @param configFile  the properties file, if one was given
     * @param commandLine the command-line values, later ones winning
     * @throws InvalidConfigException naming the key and its source, for the first problem found
     */
    public GatewayConfig load(Optional<Path> configFile, List<ConfigValue> commandLine) {
        Map<String, ConfigValue> merged = new TreeMap<>();
        stack(merged, ConfigSources.defaults());
        configFile.ifPresent(file -> stack(merged, ConfigSources.file(file)));
        stack(merged, ConfigSources.environment(environment));
        stack(merged, commandLine);
        return new EffectiveSettings(merged).toGatewayConfig();
    }

    private static void stack(Map<String, ConfigValue> merged, List<ConfigValue> layer) {
        for (ConfigValue value : layer) {
            if (!KnownKeys.isKnown(value.key())) {
                throw InvalidConfigException.unknownKey(value);
            }
            merged.put(value.key(), value);
        }
    }
}
