package dev.trilog.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogConfig;
import org.junit.jupiter.api.Test;

class KnownKeysTest {

    @Test
    void variableNamesAreTheKeyUpperCasedWithUnderscores() {
        assertThat(KnownKeys.variableFor("kafka.port")).isEqualTo("TRILOG_KAFKA_PORT");
        assertThat(KnownKeys.variableFor("log.retention.ms")).isEqualTo("TRILOG_LOG_RETENTION_MS");
    }

    @Test
    void everyKeyRoundTripsThroughItsVariable() {
        for (String key : KnownKeys.all()) {
            assertThat(KnownKeys.keyForVariable(KnownKeys.variableFor(key))).contains(key);
        }
    }

    @Test
    void theEnginesBrokerLevelKeysAreKnownAndItsTopicLevelNamesAreNot() {
        assertThat(KnownKeys.all()).containsAll(EngineSettings.KEYS).containsAll(LogConfig.BROKER_NAMES.values());
        assertThat(KnownKeys.isEngineKey("log.retention.ms")).isTrue();
        assertThat(KnownKeys.isEngineKey("kafka.port")).isFalse();
        assertThat(KnownKeys.isKnown("segment.bytes")).isFalse();
    }

    @Test
    void variablesThatNameNoKeyMapToNothing() {
        assertThat(KnownKeys.keyForVariable("TRILOG_KAFKA_PROT")).isEmpty();
        assertThat(KnownKeys.keyForVariable("TRILOG_JAVA_OPTS")).isEmpty();
    }
}
