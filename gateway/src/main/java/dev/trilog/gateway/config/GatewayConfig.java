package dev.trilog.gateway.config;

import dev.trilog.frontend.ConfigValue;
import dev.trilog.frontend.FrontendConfig;
import dev.trilog.log.EngineSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything the trilog process is configured with, checked. Built only by
 * {@link GatewayConfigLoader}, which also records where each value came from.
 *
 * <p>The gateway types only what it uses itself (the engine's settings, the admin listener); each
 * frontend reads its own keys from {@link #frontendConfig()}, already validated by it at load time.
 *
 * @param engine         how the log engine is opened; its {@code dataDir} is the absolute data directory
 * @param admin          where the admin HTTP endpoint (health, metrics) listens
 * @param frontendConfig every effective value with its source and the listen host, as frontends read them
 * @param logging        the log levels asked for ({@code logging.level})
 * @param settings       every effective value with its source, defaults included, sorted by key
 * @param keys           every known key and its owner
 */
public record GatewayConfig(
        EngineSettings engine,
        ListenAddress admin,
        FrontendConfig frontendConfig,
        LoggingLevels logging,
        List<ConfigValue> settings,
        KnownKeys keys) {

    public GatewayConfig {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(frontendConfig, "frontendConfig");
        Objects.requireNonNull(logging, "logging");
        Objects.requireNonNull(keys, "keys");
        settings = List.copyOf(settings);
    }

    /** {@code admin.console.writes}' default: changes allowed while the admin port is reachable from this host only. */
    public static final String WRITES_ON_LOOPBACK = "loopback";

    /** The absolute directory that holds every log. */
    public Path dataDir() {
        return engine.dataDir();
    }

    /** Where a listener whose port is set by {@code portKey} ({@code kafka.port}) binds. */
    public ListenAddress listenAddress(String portKey) {
        return new ListenAddress(portKey, frontendConfig.listenHost(), frontendConfig.port(portKey));
    }

    /** The start-up definitions file ({@code definitions.file}, {@code --definitions}), if one is set. */
    public java.util.Optional<Path> definitionsFile() {
        String file = frontendConfig.string(KnownKeys.DEFINITIONS_FILE).trim();
        return file.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(Path.of(file).toAbsolutePath());
    }

    /** The admin port's TLS identity ({@code admin.tls.*}, checked at load), or empty for plain HTTP. */
    public java.util.Optional<dev.trilog.frontend.ServerTls> adminTls() {
        return dev.trilog.frontend.ServerTls.fromConfig(frontendConfig, KnownKeys.ADMIN_TLS_PREFIX);
    }

    /** Where the console finds {@code trilog compare}'s reports ({@code admin.compare.reports}), absolute. */
    public Path compareReports() {
        return Path.of(frontendConfig.string(KnownKeys.ADMIN_COMPARE_REPORTS).trim()).toAbsolutePath();
    }

    /** Whether the admin API may change things ({@code admin.console.writes}, checked at load). */
    public boolean adminWrites() {
        String value = frontendConfig.string(KnownKeys.ADMIN_WRITES).trim();
        if (value.equals(WRITES_ON_LOOPBACK)) {
            try {
                return java.net.InetAddress.getByName(admin.host()).isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                return false; // the listener could not bind it either
            }
        }
        return Boolean.parseBoolean(value);
    }

    /** The values set by a file, a variable or a flag rather than taken from the defaults: what the user chose. */
    public List<ConfigValue> explicitSettings() {
        return settings.stream().filter(value -> !value.isDefault()).toList();
    }
}
