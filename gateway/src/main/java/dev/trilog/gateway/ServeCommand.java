package dev.trilog.gateway;

import dev.trilog.frontend.ConfigKey;
import dev.trilog.frontend.ConfigValue;
import dev.trilog.frontend.Frontend;
import dev.trilog.gateway.config.GatewayConfig;
import dev.trilog.gateway.config.GatewayConfigLoader;
import dev.trilog.gateway.config.KnownKeys;
import dev.trilog.gateway.config.LoggingLevels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trilog serve}: loads the configuration, starts the broker and runs until the JVM is
 * asked to stop. Exit status: 0 after a clean stop, 1 when start-up or the stop failed, 2 for a
 * usage or configuration error (see {@link ErrorReporter}).
 *
 * <p>The help's footer lists every key with its default and doc, the frontends' included: it is
 * written from {@link KnownKeys} ({@link #footer}), so a frontend's keys show without a change here.
 * The port flags of the protocols are aliases of their keys: {@code --kafka-port 0} is
 * {@code --set kafka.port=0}, accepted when a frontend declares the key.
 */
@Command(name = "serve",
        mixinStandardHelpOptions = true,
        versionProvider = TrilogVersion.class,
        sortOptions = false,
        description = "Start the broker. Runs until stopped with Ctrl-C or SIGTERM.",
        footerHeading = "%nConfiguration%n")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE",
            description = "A Java properties file of settings, one key=value a line.")
    Path configFile;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the logs live (data.dir). Default: ./data, relative to the working directory.")
    String dataDir;

    @Option(names = "--host", paramLabel = "HOST",
            description = "Address every listener binds (listen.host). Default: 127.0.0.1.")
    String host;

    @Option(names = "--kafka-port", paramLabel = "PORT", description = "Kafka port (kafka.port). Default: 9092.")
    String kafkaPort;

    @Option(names = "--amqp-port", paramLabel = "PORT",
            description = "AMQP 1.0 and 0-9-1 port (amqp.port). Default: 5672.")
    String amqpPort;

    @Option(names = "--sqs-port", paramLabel = "PORT", description = "SQS HTTP port (sqs.port). Default: 9324.")
    String sqsPort;

    @Option(names = "--admin-port", paramLabel = "PORT",
            description = {"Admin HTTP port for /health, /metrics and /api/v1 (admin.port).",
                "Default: 8080. Every port flag takes 0 for any free port."})
    String adminPort;

    @Option(names = "--definitions", paramLabel = "FILE",
            description = {"Topics, SQS queues, exchanges, queues and bindings to declare at start, idempotently:",
                "a YAML or JSON file (definitions.file; docs/definitions.md)."})
    String definitions;

    @Option(names = "--log-level", paramLabel = "LEVEL",
            description = {"Log level (logging.level): TRACE, DEBUG, INFO, WARN, ERROR or OFF; add",
                "logger=LEVEL entries, comma-separated. Default: INFO."})
    String logLevel;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Any config key, e.g. --set log.retention.ms=3600000. Repeatable.")
    Map<String, String> settings = new LinkedHashMap<>();

    /** The width the help's key docs are wrapped to. */
    private static final int HELP_WIDTH = 80;

    private final Map<String, String> environment;
    private final List<Frontend> protocolFrontends;

    /**
     * @param environment       where {@code TRILOG_*} variables are read from
     * @param protocolFrontends new, unstarted frontends: their keys are accepted, and they start in this order
     */
    ServeCommand(Map<String, String> environment, List<Frontend> protocolFrontends) {
        this.environment = Map.copyOf(environment);
        this.protocolFrontends = List.copyOf(protocolFrontends);
    }

    @Override
    public Integer call() throws InterruptedException {
        StopOnShutdown stop = StopOnShutdown.install(); // first: a signal during start-up stops cleanly too
        RunningGateway gateway;
        try {
            GatewayConfig config = new GatewayConfigLoader(environment, protocolFrontends)
                    .load(Optional.ofNullable(configFile), commandLineSettings());
            LoggingLevelsApplier.apply(config.logging());
            StartupBanner.logExplicitSettings(config);
            gateway = Gateway.start(config, protocolFrontends, stop.duringStart());
        } catch (StoppedWhileStarting e) {
            stop.stoppedWhileStarting(e.cleanly());
            return e.cleanly() ? 0 : 1;
        } catch (RuntimeException | Error e) {
            stop.startFailed();
            throw e;
        }
        stop.started(gateway);
        gateway.awaitStopped();
        return gateway.stoppedCleanly() ? 0 : 1;
    }

    /** {@code --set} first, so that a dedicated flag wins over a {@code --set} of the same key. */
    List<ConfigValue> commandLineSettings() {
        List<ConfigValue> values = new ArrayList<>();
        settings.forEach((key, value) -> values.add(new ConfigValue(key.trim(), value, "--set")));
        addFlag(values, KnownKeys.DATA_DIR, dataDir, "--data-dir");
        addFlag(values, KnownKeys.LISTEN_HOST, host, "--host");
        addFlag(values, "kafka.port", kafkaPort, "--kafka-port");
        addFlag(values, "amqp.port", amqpPort, "--amqp-port");
        addFlag(values, "sqs.port", sqsPort, "--sqs-port");
        addFlag(values, KnownKeys.ADMIN_PORT, adminPort, "--admin-port");
        addFlag(values, KnownKeys.DEFINITIONS_FILE, definitions, "--definitions");
        addFlag(values, LoggingLevels.KEY, logLevel, "--log-level");
        return values;
    }

    /**
     * The help's footer: how the configuration layers stack, then every key the gateway and the
     * frontends declare, grouped by owner, with its default, its variable and its doc. Lines are
     * picocli format strings: a {@code %} in a doc is escaped.
     */
    static List<String> footer(KnownKeys keys) {
        List<String> lines = new ArrayList<>(List.of(
                "Each setting is a key; later sources override earlier ones:",
                "  defaults < --config FILE < TRILOG_* variables < --set < the flags above",
                "An environment variable is TRILOG_ + the key in upper case, every other",
                "character an underscore: TRILOG_LOG_RETENTION_MS sets log.retention.ms.",
                ""));
        keys.declaredByOwner().forEach((owner, declared) -> {
            lines.add(owner.equals(KnownKeys.GATEWAY) ? "Keys of the gateway (key=default):"
                    : "Keys of the " + owner + " frontend:");
            for (ConfigKey key : declared) {
                lines.add("  " + key.name() + "=" + key.defaultValue().replace("%", "%%"));
                String doc = key.doc() + " [" + KnownKeys.variableFor(key.name()) + "]";
                wrap(doc.replace("%", "%%"), "      ", HELP_WIDTH).forEach(lines::add);
            }
        });
        lines.addAll(List.of(
                "Keys of the log engine: Kafka's broker-level log settings (log.retention.ms,",
                "  log.segment.bytes, log.cleanup.policy, ...), with Kafka's defaults.",
                "Unknown keys are errors.",
                "",
                "Exit status: 0 stopped cleanly, 1 start-up or stop failed,",
                "  2 usage or configuration error."));
        return lines;
    }

    /** {@code text} in lines of at most {@code width} characters, each starting with {@code indent}. */
    private static List<String> wrap(String text, String indent, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder(indent);
        for (String word : text.split(" ")) {
            if (line.length() > indent.length() && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line = new StringBuilder(indent);
            }
            if (line.length() > indent.length()) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    private static void addFlag(List<ConfigValue> values, String key, String value, String flag) {
        if (value != null) {
            values.add(new ConfigValue(key, value, flag));
        }
    }
}
