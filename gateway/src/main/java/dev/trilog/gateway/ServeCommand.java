package dev.trilog.gateway;

import dev.trilog.gateway.config.ConfigValue;
import dev.trilog.gateway.config.GatewayConfig;
import dev.trilog.gateway.config.GatewayConfigLoader;
import dev.trilog.gateway.config.KnownKeys;
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
 */
@Command(name = "serve",
        mixinStandardHelpOptions = true,
        versionProvider = TrilogVersion.class,
        sortOptions = false,
        description = "Start the broker. Runs until stopped with Ctrl-C or SIGTERM.",
        footerHeading = "%nConfiguration%n",
        footer = {
            "Each setting is a key; later sources override earlier ones:",
            "  defaults < --config FILE < TRILOG_* variables < --set < the flags above",
            "An environment variable is TRILOG_ + the key in upper case, dots as",
            "underscores: TRILOG_KAFKA_PORT sets kafka.port, TRILOG_LOG_RETENTION_MS",
            "sets log.retention.ms.",
            "Keys: data.dir listen.host kafka.port amqp.port sqs.port admin.port",
            "  auto.create.topics.enable num.partitions group.initial.rebalance.delay.ms",
            "  group.min.session.timeout.ms group.max.session.timeout.ms",
            "  transaction.max.timeout.ms",
            "  transaction.abort.timed.out.transaction.cleanup.interval.ms, and Kafka's",
            "  broker-level log settings (log.retention.ms, log.segment.bytes, ...).",
            "Unknown keys are errors.",
            "",
            "Exit status: 0 stopped cleanly, 1 start-up or stop failed,",
            "  2 usage or configuration error."})
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
            description = {"Admin HTTP port for /health and /metrics (admin.port).",
                "Default: 8080. Every port flag takes 0 for any free port."})
    String adminPort;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Any config key, e.g. --set log.retention.ms=3600000. Repeatable.")
    Map<String, String> settings = new LinkedHashMap<>();

    private final Map<String, String> environment;
    private final List<FrontendFactory> protocolFrontends;

    /**
     * @param environment       where {@code TRILOG_*} variables are read from
     * @param protocolFrontends the frontends to start, in order
     */
    ServeCommand(Map<String, String> environment, List<FrontendFactory> protocolFrontends) {
        this.environment = Map.copyOf(environment);
        this.protocolFrontends = List.copyOf(protocolFrontends);
    }

    @Override
    public Integer call() throws InterruptedException {
        GatewayConfig config = new GatewayConfigLoader(environment)
                .load(Optional.ofNullable(configFile), commandLineSettings());
        StartupBanner.logExplicitSettings(config.explicitSettings());
        RunningGateway gateway = Gateway.start(config, protocolFrontends);
        StopOnShutdown.install(gateway);
        gateway.awaitStopped();
        return gateway.stoppedCleanly() ? 0 : 1;
    }

    /** {@code --set} first, so that a dedicated flag wins over a {@code --set} of the same key. */
    List<ConfigValue> commandLineSettings() {
        List<ConfigValue> values = new ArrayList<>();
        settings.forEach((key, value) -> values.add(new ConfigValue(key.trim(), value, "--set")));
        addFlag(values, KnownKeys.DATA_DIR, dataDir, "--data-dir");
        addFlag(values, KnownKeys.LISTEN_HOST, host, "--host");
        addFlag(values, KnownKeys.KAFKA_PORT, kafkaPort, "--kafka-port");
        addFlag(values, KnownKeys.AMQP_PORT, amqpPort, "--amqp-port");
        addFlag(values, KnownKeys.SQS_PORT, sqsPort, "--sqs-port");
        addFlag(values, KnownKeys.ADMIN_PORT, adminPort, "--admin-port");
        return values;
    }

    private static void addFlag(List<ConfigValue> values, String key, String value, String flag) {
        if (value != null) {
            values.add(new ConfigValue(key, value, flag));
        }
    }
}
