package dev.trilog.gateway.config;

import dev.trilog.frontend.ConfigValue;
import dev.trilog.frontend.Frontend;
import dev.trilog.frontend.Frontends;
import dev.trilog.frontend.InvalidConfigException;
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
 * <p>Every key in every layer must be known ({@link KnownKeys}: the gateway's, the engine's and
 * the frontends' keys), and every value is checked before anything starts (the frontends' by
 * {@link Frontend#validate}), so a mistake costs one message and no half-started broker.
 *
 * <p>The environment is passed in rather than read from {@link System#getenv()}, so tests do
 * not depend on the machine they run on.
 */
public final class GatewayConfigLoader {

    private final Map<String, String> environment;
    private final List<Frontend> frontends;
    private final KnownKeys keys;

    /** A loader for the frontends on the class path ({@link Frontends#installed()}). */
    public GatewayConfigLoader(Map<String, String> environment) {
        this(environment, Frontends.installed());
    }

    /** A loader that knows the keys of {@code frontends} and has them check their values. */
    public GatewayConfigLoader(Map<String, String> environment, List<Frontend> frontends) {
        this.environment = Map.copyOf(environment);
        this.frontends = List.copyOf(frontends);
        this.keys = KnownKeys.of(this.frontends);
    }

    /**
     * @param configFile  the properties file, if one was given
     * @param commandLine the command-line values, later ones winning
     * @throws InvalidConfigException naming the key and its source, for the first problem found
     */
    public GatewayConfig load(Optional<Path> configFile, List<ConfigValue> commandLine) {
        Map<String, ConfigValue> merged = new TreeMap<>();
        stack(merged, ConfigSources.defaults(keys));
        configFile.ifPresent(file -> stack(merged, ConfigSources.file(file)));
        stack(merged, ConfigSources.environment(environment, keys));
        stack(merged, commandLine);
        return new EffectiveSettings(merged, keys).toGatewayConfig(frontends);
    }

    private void stack(Map<String, ConfigValue> merged, List<ConfigValue> layer) {
        for (ConfigValue value : layer) {
            if (!keys.isKnown(value.key())) {
                throw KafkaKeyHints.forKey(value.key()).map(hint -> InvalidConfigException.unknownKey(value, hint))
                        .orElseGet(() -> InvalidConfigException.unknownKey(value));
            }
            merged.put(value.key(), value);
        }
    }
}
