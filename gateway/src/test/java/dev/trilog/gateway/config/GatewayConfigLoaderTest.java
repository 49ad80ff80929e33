package dev.trilog.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.frontend.ConfigKey;
import dev.trilog.frontend.ConfigValue;
import dev.trilog.frontend.Frontend;
import dev.trilog.frontend.FrontendConfig;
import dev.trilog.frontend.FrontendContext;
import dev.trilog.frontend.InvalidConfigException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAreThoseOfTheDesign() {
        GatewayConfig config = load(Map.of());

        assertThat(config.dataDir()).isEqualTo(Path.of("data").toAbsolutePath());
        assertThat(config.admin().host()).isEqualTo("127.0.0.1");
        FrontendConfig frontends = config.frontendConfig();
        assertThat(config.listenAddress("kafka.port").port()).isEqualTo(9092);
        assertThat(config.listenAddress("amqp.port").port()).isEqualTo(5672);
        assertThat(config.listenAddress("sqs.port").port()).isEqualTo(9324);
        assertThat(config.admin().port()).isEqualTo(8080);
        assertThat(frontends.bool("auto.create.topics.enable")).isTrue();
        assertThat(frontends.intAtLeast("num.partitions", 1)).isEqualTo(1);
        assertThat(frontends.intAtLeast("group.initial.rebalance.delay.ms", 0)).isEqualTo(3000);
        assertThat(frontends.intAtLeast("group.min.session.timeout.ms", 1)).isEqualTo(6000);
        assertThat(frontends.intAtLeast("group.max.session.timeout.ms", 1)).isEqualTo(1_800_000);
        assertThat(config.engine().topicDefaults().retentionMs()).isEqualTo(7 * 24 * 3600 * 1000L);
        assertThat(config.explicitSettings()).isEmpty();
    }

    @Test
    void fileOverridesDefaultsEnvironmentOverridesFileCommandLineOverridesEnvironment() throws IOException {
        Path file = propertiesFile("kafka.port=1001", "amqp.port=2001", "sqs.port=3001");
        Map<String, String> env = Map.of("TRILOG_AMQP_PORT", "2002", "TRILOG_SQS_PORT", "3002");
        List<ConfigValue> flags = List.of(new ConfigValue("sqs.port", "3003", "--sqs-port"));

        GatewayConfig config = new GatewayConfigLoader(env).load(Optional.of(file), flags);

        assertThat(config.listenAddress("kafka.port").port()).isEqualTo(1001);
        assertThat(config.listenAddress("amqp.port").port()).isEqualTo(2002);
        assertThat(config.listenAddress("sqs.port").port()).isEqualTo(3003);
        assertThat(config.admin().port()).isEqualTo(8080);
        assertThat(config.explicitSettings()).containsExactly(
                new ConfigValue("amqp.port", "2002", "environment variable TRILOG_AMQP_PORT"),
                new ConfigValue("kafka.port", "1001", "config file " + file),
                new ConfigValue("sqs.port", "3003", "--sqs-port"));
    }

    @Test
    void laterCommandLineValuesWin() {
        GatewayConfig config = new GatewayConfigLoader(Map.of()).load(Optional.empty(), List.of(
                new ConfigValue("admin.port", "1", "--set"),
                new ConfigValue("admin.port", "2", "--admin-port")));

        assertThat(config.admin().port()).isEqualTo(2);
    }

    @Test
    void environmentVariablesAreMatchedAgainstTheKnownKeys() {
        GatewayConfig config = load(Map.of(
                "TRILOG_LOG_RETENTION_MS", "3600000",
                "TRILOG_LOG_RETENTION_CHECK_INTERVAL_MS", "1000",
                "TRILOG_AUTO_CREATE_TOPICS_ENABLE", "false",
                "TRILOG_DATA_DIR", dir.toString()));

        assertThat(config.engine().topicDefaults().retentionMs()).isEqualTo(3_600_000L);
        assertThat(config.engine().retentionCheckIntervalMs()).isEqualTo(1000L);
        assertThat(config.frontendConfig().bool("auto.create.topics.enable")).isFalse();
        assertThat(config.dataDir()).isEqualTo(dir);
    }

    @Test
    void otherEnvironmentVariablesAndTheLaunchersOwnAreIgnored() {
        GatewayConfig config = load(Map.of("PATH", "/usr/bin", "KAFKA_PORT", "1", "TRILOG_JAVA_OPTS", "-Xmx1g"));

        assertThat(config.explicitSettings()).isEmpty();
    }

    @Test
    void engineKeysSetTheEnginesTopicDefaults() {
        GatewayConfig config = load(Map.of(), "log.segment.bytes", "1048576", "log.cleanup.policy", "compact");

        assertThat(config.engine().topicDefaults().segmentBytes()).isEqualTo(1_048_576);
        assertThat(config.engine().topicDefaults().compact()).isTrue();
    }

    @Test
    void valuesAreTrimmedSoTrailingBlanksInAFileDoNotBreakThem() throws IOException {
        Path file = propertiesFile("kafka.port = 19092   ", "listen.host=localhost\t");

        GatewayConfig config = new GatewayConfigLoader(Map.of()).load(Optional.of(file), List.of());

        assertThat(config.listenAddress("kafka.port").port()).isEqualTo(19092);
        assertThat(config.listenAddress("kafka.port").host()).isEqualTo("localhost");
    }

    @Test
    void unknownKeyInTheFileIsNamedWithTheFile() throws IOException {
        Path file = propertiesFile("kafka.port=1", "kafka.prot=2");

        assertThatThrownBy(() -> new GatewayConfigLoader(Map.of()).load(Optional.of(file), List.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("unknown config key 'kafka.prot' (from config file " + file + ")");
    }

    @Test
    void unknownEnvironmentVariableIsNamed() {
        assertThatThrownBy(() -> load(Map.of("TRILOG_KAFKA_PROT", "1")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("environment variable TRILOG_KAFKA_PROT matches no config key");
    }

    @Test
    void unknownKeyOnTheCommandLineIsNamedWithItsFlag() {
        assertThatThrownBy(() -> load(Map.of(), "log.retention.hour", "1"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("unknown config key 'log.retention.hour' (from --set)");
    }

    /** Kafka users type Kafka's broker keys: the error names Trilog's equivalent. */
    @Test
    void aKafkaBrokerKeyIsAnsweredWithTrilogsName() {
        assertThatThrownBy(() -> load(Map.of(), "log.dirs", "/var/lib/kafka"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("unknown config key 'log.dirs' (from --set); Trilog's is data.dir (--data-dir)");
        assertThatThrownBy(() -> load(Map.of(), "listeners", "PLAINTEXT://:9092"))
                .hasMessageEndingWith("Trilog's is listen.host and kafka.port (--host, --kafka-port)");
        assertThatThrownBy(() -> load(Map.of(), "socket.request.max.bytes", "1"))
                .hasMessageContaining("not configurable");
    }

    @Test
    void missingConfigFileIsNamed() {
        Path missing = dir.resolve("nope.properties");

        assertThatThrownBy(() -> new GatewayConfigLoader(Map.of()).load(Optional.of(missing), List.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("config file " + missing + " does not exist");
    }

    @Test
    void nonNumericPortNamesKeyValueAndSource() {
        assertThatThrownBy(() -> load(Map.of("TRILOG_KAFKA_PORT", "ninety")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("invalid value 'ninety' for kafka.port (from environment variable TRILOG_KAFKA_PORT): ");
    }

    @Test
    void portOutOfRangeIsRefused() {
        assertThatThrownBy(() -> load(Map.of(), "admin.port", "65536"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("invalid value '65536' for admin.port (from --set)");
        assertThatThrownBy(() -> load(Map.of(), "sqs.port", "-1"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("invalid value '-1' for sqs.port (from --set)");
    }

    @Test
    void portZeroMeansAnyFreePort() {
        assertThat(load(Map.of(), "admin.port", "0").admin().port()).isZero();
    }

    @Test
    void loggingLevelIsARootLevelThenLoggerLevelsAndOnlyAppliedWhenSet() {
        LoggingLevels levels = load(Map.of(), "logging.level", "warn, dev.trilog.kafka=Debug ,org.apache.ratis=INFO")
                .logging();
        assertThat(levels.rootLevel()).isEqualTo("WARN");
        assertThat(levels.loggers()).containsExactly(new LoggingLevels.LoggerLevel("dev.trilog.kafka", "DEBUG"),
                new LoggingLevels.LoggerLevel("org.apache.ratis", "INFO"));
        assertThat(levels.explicit()).isTrue();
        assertThat(load(Map.of()).logging().explicit()).as("the default leaves logback.xml alone").isFalse();
        assertThat(load(Map.of(), "logging.level", "dev.trilog=TRACE").logging().rootLevel()).isNull();
        for (String bad : new String[] {"LOUD", "WARN,INFO", "=DEBUG", "dev.trilog=", ""}) {
            assertThatThrownBy(() -> load(Map.of("TRILOG_LOGGING_LEVEL", bad)))
                    .isInstanceOf(InvalidConfigException.class)
                    .hasMessageStartingWith("invalid value '" + bad + "' for logging.level (from environment variable"
                            + " TRILOG_LOGGING_LEVEL): expected a level");
        }
    }

    @Test
    void twoListenersOnOnePortAreRefusedNamingBoth() {
        assertThatThrownBy(() -> load(Map.of("TRILOG_AMQP_PORT", "19500"), "kafka.port", "19500"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("amqp.port (from environment variable TRILOG_AMQP_PORT) and kafka.port (from --set)"
                        + " are both 19500: every listener needs a port of its own");
        assertThatThrownBy(() -> load(Map.of(), "admin.port", "9324"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("sqs.port (from default) and admin.port (from --set) are both 9324:"
                        + " every listener needs a port of its own");
        // any free port, for as many listeners as like
        assertThat(load(Map.of(), "kafka.port", "0", "amqp.port", "0", "sqs.port", "0", "admin.port", "0")
                .admin().port()).isZero();
    }

    @Test
    void engineRejectionNamesTheBrokerLevelKeyAndItsSource() {
        assertThatThrownBy(() -> load(Map.of("TRILOG_LOG_RETENTION_MS", "soon")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("log.retention.ms")
                .hasMessageContaining("soon")
                .hasMessageEndingWith("(from environment variable TRILOG_LOG_RETENTION_MS)");
    }

    @Test
    void engineRejectionOfItsOwnKeyNamesIt() {
        assertThatThrownBy(() -> load(Map.of(), "log.retention.check.interval.ms", "0"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("log.retention.check.interval.ms")
                .hasMessageEndingWith("(from --set)");
    }

    @Test
    void booleansMustBeTrueOrFalse() {
        assertThatThrownBy(() -> load(Map.of(), "auto.create.topics.enable", "yes"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("invalid value 'yes' for auto.create.topics.enable (from --set): expected true or false");
    }

    @Test
    void partitionCountMustBePositive() {
        assertThatThrownBy(() -> load(Map.of(), "num.partitions", "0"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("invalid value '0' for num.partitions (from --set)");
    }

    @Test
    void groupCoordinatorTimingCanBeLoweredButNotInverted() {
        GatewayConfig config = load(Map.of("TRILOG_GROUP_INITIAL_REBALANCE_DELAY_MS", "0"),
                "group.min.session.timeout.ms", "500", "group.max.session.timeout.ms", "500");

        assertThat(config.frontendConfig().intAtLeast("group.initial.rebalance.delay.ms", 0)).isZero();
        assertThat(config.frontendConfig().intAtLeast("group.min.session.timeout.ms", 1)).isEqualTo(500);
        assertThatThrownBy(() -> load(Map.of(), "group.initial.rebalance.delay.ms", "-1"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("invalid value '-1' for group.initial.rebalance.delay.ms (from --set)");
        assertThatThrownBy(() -> load(Map.of(), "group.max.session.timeout.ms", "5000"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("invalid value '5000' for group.max.session.timeout.ms (from --set): "
                        + "must be at least group.min.session.timeout.ms (6000)");
    }

    @Test
    void unresolvableHostIsAConfigError() {
        assertThatThrownBy(() -> load(Map.of(), "listen.host", "no-such-host.invalid"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("invalid value 'no-such-host.invalid' for listen.host (from --set)");
    }

    @Test
    void aFrontendsKeysAreKnownWithTheirDefaultsAndCheckedByTheFrontend() {
        Frontend echo = new EchoFrontend();
        GatewayConfigLoader loader = new GatewayConfigLoader(Map.of("TRILOG_ECHO_GREETING", "hi"), List.of(echo));

        GatewayConfig config = loader.load(Optional.empty(), List.of());

        assertThat(config.listenAddress("echo.port").port()).isEqualTo(7007);
        assertThat(config.frontendConfig().string("echo.greeting")).isEqualTo("hi");
        assertThatThrownBy(() -> loader.load(Optional.empty(), List.of(new ConfigValue("echo.greeting", "HI", "--set"))))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("invalid value 'HI' for echo.greeting (from --set): expected lower case");
        assertThatThrownBy(() -> loader.load(Optional.empty(), List.of(new ConfigValue("echo.port", "x", "--set"))))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("invalid value 'x' for echo.port (from --set)");
        // only the frontends given are known: kafka.port belongs to a frontend this loader was not given
        assertThatThrownBy(() -> loader.load(Optional.empty(), List.of(new ConfigValue("kafka.port", "1", "--set"))))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("unknown config key 'kafka.port' (from --set)");
    }

    /** A frontend with a port and a greeting that must be lower case; never started. */
    private static final class EchoFrontend implements Frontend {
        @Override
        public String name() {
            return "echo";
        }

        @Override
        public List<ConfigKey> configKeys() {
            return List.of(ConfigKey.of("echo.port", "7007", "Echo port."),
                    ConfigKey.of("echo.greeting", "hello", "What it says first."));
        }

        @Override
        public String portKey() {
            return "echo.port";
        }

        @Override
        public void validate(FrontendConfig config) {
            String greeting = config.string("echo.greeting");
            if (!greeting.equals(greeting.toLowerCase(java.util.Locale.ROOT))) {
                throw config.invalid("echo.greeting", "expected lower case");
            }
        }

        @Override
        public void initialize(FrontendContext context) {
            throw new UnsupportedOperationException();
        }

        @Override
        public InetSocketAddress start() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }

    /** Loads with {@code env} and the given key/value pairs as {@code --set} flags. */
    private static GatewayConfig load(Map<String, String> env, String... setPairs) {
        List<ConfigValue> flags = new ArrayList<>();
        for (int i = 0; i < setPairs.length; i += 2) {
            flags.add(new ConfigValue(setPairs[i], setPairs[i + 1], "--set"));
        }
        return new GatewayConfigLoader(env).load(Optional.empty(), flags);
    }

    private Path propertiesFile(String... lines) throws IOException {
        Path file = dir.resolve("trilog.properties");
        Files.write(file, Arrays.asList(lines));
        return file;
    }
}
