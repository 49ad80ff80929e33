package dev.trilog.amqp;

import dev.trilog.frontend.ConfigKey;
import dev.trilog.frontend.ConnectionLimits;
import dev.trilog.frontend.FrontendConfig;
import dev.trilog.frontend.ServerTls;
import java.util.List;
import java.util.stream.Stream;

/** The configuration keys the AMQP frontend owns, and how their values become {@link AmqpSettings}. */
public final class AmqpFrontendConfig {

    public static final String PORT = "amqp.port";
    public static final String MAX_FRAME_SIZE = "amqp.max-frame-size";
    public static final String IDLE_TIMEOUT_MS = "amqp.idle-timeout-ms";
    public static final String MAX_CONNECTIONS = "amqp.max-connections";
    public static final String MAX_CONNECTIONS_PER_IP = "amqp.max-connections-per-ip";
    public static final String MAX_MESSAGE_SIZE = "amqp.max-message-size";
    public static final String LINK_CREDIT = "amqp.link-credit";
    /** Who may connect: {@code none} (any credentials, the default) or {@code users} (the user store). */
    public static final String AUTH = "amqp.auth";
    /** {@code amqp.tls.certificate}, {@code amqp.tls.private-key}, {@code amqp.tls.client-ca}: see {@link ServerTls}. */
    static final String TLS_PREFIX = "amqp";

    /** AMQP 1.0's smallest max-frame-size a peer must accept. */
    static final int MIN_MAX_FRAME_SIZE = 512;

    public static final List<ConfigKey> KEYS = Stream.concat(Stream.of(
            ConfigKey.of(PORT, "5672", "AMQP port (0 = any free port): AMQP 1.0 today; 0-9-1 clients are answered"
                    + " with the 1.0 header until that protocol lands."),
            ConfigKey.of(MAX_FRAME_SIZE, Integer.toString(AmqpSettings.DEFAULT_MAX_FRAME_SIZE),
                    "The largest AMQP 1.0 frame a client may send, in bytes (at least 512)."),
            ConfigKey.of(MAX_MESSAGE_SIZE, Integer.toString(AmqpSettings.DEFAULT_MAX_MESSAGE_SIZE),
                    "The largest message an AMQP 1.0 client may send, in bytes, over all its transfers."),
            ConfigKey.of(LINK_CREDIT, Integer.toString(AmqpSettings.DEFAULT_LINK_CREDIT),
                    "Messages one AMQP 1.0 sending link may have in flight: its credit, topped up as they"
                            + " become durable."),
            ConfigKey.of(AUTH, "none", "How AMQP logins (1.0 SASL PLAIN, 0-9-1 PLAIN and AMQPLAIN) are checked:"
                    + " none (any credentials accepted) or users (against the users of `trilog users`).")),
            Stream.concat(ConnectionLimits.keys("AMQP", IDLE_TIMEOUT_MS, AmqpSettings.DEFAULT_IDLE_TIMEOUT_MS,
                    "An AMQP connection silent for this long is closed (0 = never).", MAX_CONNECTIONS,
                    MAX_CONNECTIONS_PER_IP).stream(), ServerTls.keys(TLS_PREFIX).stream())).toList();

    private AmqpFrontendConfig() {
    }

    /**
     * The AMQP frontend's settings from the effective configuration.
     *
     * @throws dev.trilog.frontend.InvalidConfigException naming the first bad key, its value and source
     */
    public static AmqpSettings read(FrontendConfig config) {
        checkedLogins(config);
        return new AmqpSettings(config.listenHost(), config.port(PORT),
                config.intAtLeast(MAX_FRAME_SIZE, MIN_MAX_FRAME_SIZE),
                ConnectionLimits.read(config, IDLE_TIMEOUT_MS, MAX_CONNECTIONS, MAX_CONNECTIONS_PER_IP),
                config.intAtLeast(MAX_MESSAGE_SIZE, 1),
                config.intAtLeast(LINK_CREDIT, 1),
                AmqpSettings.DEFAULT_LINK_BYTES_IN_FLIGHT,
                ServerTls.fromConfig(config, TLS_PREFIX).orElse(null));
    }

    /** Whether {@value #AUTH} asks for logins checked against the user store. */
    public static boolean checkedLogins(FrontendConfig config) {
        return switch (config.string(AUTH)) {
            case "none" -> false;
            case "users" -> true;
            default -> throw config.invalid(AUTH, "none or users");
        };
    }
}
