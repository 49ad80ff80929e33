package dev.trilog.gateway.config;

import dev.trilog.frontend.ConfigValue;
import dev.trilog.frontend.Frontend;
import dev.trilog.frontend.FrontendConfig;
import dev.trilog.frontend.InvalidConfigException;
import dev.trilog.log.EngineSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;

/**
 * The winning value of every key after the layers are stacked, checked: the gateway's own keys
 * here, the engine's by the engine, each frontend's by the frontend ({@link Frontend#validate}).
 * Each check that fails says which key, which value and where it came from.
 */
final class EffectiveSettings {

    private final Map<String, ConfigValue> values;
    private final KnownKeys keys;

    EffectiveSettings(Map<String, ConfigValue> values, KnownKeys keys) {
        this.values = values;
        this.keys = keys;
    }

    GatewayConfig toGatewayConfig(List<Frontend> frontends) {
        Path dataDir = path(KnownKeys.DATA_DIR);
        String host = host(KnownKeys.LISTEN_HOST);
        EngineSettings engine = engineSettings(dataDir);
        FrontendConfig frontendConfig = new FrontendConfig(host, values.values());
        for (Frontend frontend : frontends) {
            frontendConfig.port(frontend.portKey());
            frontend.validate(frontendConfig);
        }
        ListenAddress admin = new ListenAddress(KnownKeys.ADMIN_PORT, host, frontendConfig.port(KnownKeys.ADMIN_PORT));
        checkPortsDistinct(frontends, frontendConfig);
        checkDefinitions();
        checkAdminWrites();
        LoggingLevels logging = LoggingLevels.parse(get(LoggingLevels.KEY));
        GatewayConfig config = new GatewayConfig(engine, admin, frontendConfig, logging, new ArrayList<>(values.values()),
                keys);
        config.adminTls(); // its files are read and checked now, not at bind time
        return config;
    }

    /**
     * Two listeners on one port would fail only at bind time, after the log was opened, and name
     * just one of the two keys; this names both before anything starts. Port 0 (any free port) may
     * repeat.
     */
    private void checkPortsDistinct(List<Frontend> frontends, FrontendConfig frontendConfig) {
        Map<Integer, ConfigValue> keyOfPort = new HashMap<>();
        List<String> portKeys = new ArrayList<>();
        frontends.stream().filter(Frontend::listens).forEach(frontend -> portKeys.add(frontend.portKey()));
        portKeys.add(KnownKeys.ADMIN_PORT);
        for (String key : portKeys) {
            int port = frontendConfig.port(key);
            ConfigValue earlier = port == 0 ? null : keyOfPort.putIfAbsent(port, get(key));
            if (earlier != null) {
                ConfigValue later = get(key);
                throw new InvalidConfigException(earlier.key() + " (from " + earlier.source() + ") and " + later.key()
                        + " (from " + later.source() + ") are both " + port + ": every listener needs a port of its own");
            }
        }
    }

    /**
     * Definitions are applied by the node that starts with them, before it serves; in a cluster the
     * queues are the leader's and may not be taken over yet, so the two are not combined (yet).
     */
    private void checkDefinitions() {
        ConfigValue definitions = get(KnownKeys.DEFINITIONS_FILE);
        if (!definitions.value().isBlank() && !get(KnownKeys.CLUSTER_NODES).value().isBlank()) {
            throw new InvalidConfigException(KnownKeys.DEFINITIONS_FILE + " (from " + definitions.source()
                    + ") cannot be used with " + KnownKeys.CLUSTER_NODES + " (from " + get(KnownKeys.CLUSTER_NODES).source()
                    + "): start-up definitions are for one node; declare through a client on a cluster"
                    + " (docs/definitions.md)");
        }
    }

    private void checkAdminWrites() {
        ConfigValue writes = get(KnownKeys.ADMIN_WRITES);
        if (!List.of("true", "false", GatewayConfig.WRITES_ON_LOOPBACK).contains(writes.value().trim())) {
            throw InvalidConfigException.badValue(writes, "expected true, false or " + GatewayConfig.WRITES_ON_LOOPBACK);
        }
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

    /**
     * The engine validates its own keys and its {@link ConfigException} names the broker-level
     * key the user wrote ({@code log.retention.ms}); this adds where the value came from.
     */
    private EngineSettings engineSettings(Path dataDir) {
        Map<String, String> engineProperties = new HashMap<>();
        values.forEach((key, value) -> {
            if (keys.isEngineKey(key)) {
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
            if (keys.isEngineKey(value.key()) && !value.isDefault() && mentions(engineMessage, value.key())) {
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
