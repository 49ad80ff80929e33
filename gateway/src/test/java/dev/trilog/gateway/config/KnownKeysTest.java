package dev.trilog.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.frontend.ConfigKey;
import dev.trilog.frontend.Frontend;
import dev.trilog.frontend.FrontendConfig;
import dev.trilog.frontend.FrontendContext;
import dev.trilog.frontend.Frontends;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogConfig;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class KnownKeysTest {

    private final KnownKeys keys = KnownKeys.of(Frontends.installed());

    @Test
    void variableNamesAreTheKeyUpperCasedWithUnderscores() {
        assertThat(KnownKeys.variableFor("kafka.port")).isEqualTo("TRILOG_KAFKA_PORT");
        assertThat(KnownKeys.variableFor("log.retention.ms")).isEqualTo("TRILOG_LOG_RETENTION_MS");
    }

    @Test
    void everyKeyRoundTripsThroughItsVariable() {
        for (String key : keys.all()) {
            assertThat(keys.keyForVariable(KnownKeys.variableFor(key))).contains(key);
        }
    }

    @Test
    void theEnginesBrokerLevelKeysAreKnownAndItsTopicLevelNamesAreNot() {
        assertThat(keys.all()).containsAll(EngineSettings.KEYS).containsAll(LogConfig.BROKER_NAMES.values());
        assertThat(keys.isEngineKey("log.retention.ms")).isTrue();
        assertThat(keys.isEngineKey("kafka.port")).isFalse();
        assertThat(keys.isKnown("segment.bytes")).isFalse();
    }

    @Test
    void variablesThatNameNoKeyMapToNothing() {
        assertThat(keys.keyForVariable("TRILOG_KAFKA_PROT")).isEmpty();
        assertThat(keys.keyForVariable("TRILOG_JAVA_OPTS")).isEmpty();
    }

    @Test
    void theFrontendsOnTheClassPathBringTheirKeysGroupedByOwner() {
        assertThat(keys.declaredByOwner()).containsOnlyKeys("gateway", "amqp", "kafka", "sqs");
        assertThat(keys.declaredByOwner().get("gateway")).extracting(ConfigKey::name)
                .containsExactly("data.dir", "listen.host", "admin.port", "admin.console.writes",
                        "security.require-auth-off-loopback", "admin.compare.reports", "cluster.nodes", "node.id",
                        "cluster.snapshot.threshold", "cluster.transport", "cluster.leader.patience.ms",
                        "cluster.election.timeout.ms", "replica.lag.time.max.ms",
                        "definitions.file", "logging.level", "admin.tls.certificate",
                        "admin.tls.private-key", "admin.tls.client-ca");
        assertThat(keys.all()).contains("kafka.port", "kafka.transport", "group.min.session.timeout.ms",
                "amqp.port", "sqs.port", "sqs.access-keys");
        assertThat(keys.isSecret("sqs.access-keys")).isTrue();
        assertThat(keys.isSecret("sqs.region")).isFalse();
    }

    @Test
    void aKeyHasOneOwner() {
        assertThatThrownBy(() -> KnownKeys.of(List.of(frontend("one", "shared.port"), frontend("two", "shared.port"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("config key shared.port is declared by both one and two");
        assertThatThrownBy(() -> KnownKeys.of(List.of(frontend("greedy", "log.retention.ms"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("config key log.retention.ms is declared by both the log engine and greedy");
        assertThatThrownBy(() -> KnownKeys.of(List.of(frontend("greedy", "admin.port"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("config key admin.port is declared by both gateway and greedy");
    }

    /** A frontend that declares one key, its port, and is never started. */
    private static Frontend frontend(String name, String portKey) {
        return new Frontend() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<ConfigKey> configKeys() {
                return List.of(ConfigKey.of(portKey, "0", "A port."));
            }

            @Override
            public String portKey() {
                return portKey;
            }

            @Override
            public void validate(FrontendConfig config) {
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
        };
    }
}
