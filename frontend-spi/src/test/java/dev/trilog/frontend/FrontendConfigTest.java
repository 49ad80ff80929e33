package dev.trilog.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The typed readers a frontend checks its keys with: the value, the key and its source in every refusal. */
class FrontendConfigTest {

    private static final List<ConfigKey> KEYS = List.of(
            ConfigKey.of("test.port", "9999", "A port."),
            ConfigKey.of("test.enabled", "true", "A switch."),
            ConfigKey.of("test.count", "1", "A count."),
            ConfigKey.of("test.name", "", "A name."));

    @Test
    void defaultsComeFromTheKeysAndOverridesWin() {
        FrontendConfig config = FrontendConfig.withDefaults(KEYS, new ConfigValue("test.count", " 7 ", "--set"));

        assertThat(config.listenHost()).isEqualTo("127.0.0.1");
        assertThat(config.port("test.port")).isEqualTo(9999);
        assertThat(config.bool("test.enabled")).isTrue();
        assertThat(config.intAtLeast("test.count", 1)).isEqualTo(7);
        assertThat(config.string("test.name")).isEmpty();
        assertThat(config.value("test.count").source()).isEqualTo("--set");
        assertThat(config.value("test.port").isDefault()).isTrue();
    }

    @Test
    void aPortIsAWholeNumberFromZeroTo65535() {
        assertThat(read("test.port", "0").port("test.port")).isZero();
        assertThatThrownBy(() -> read("test.port", "ninety").port("test.port"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("invalid value 'ninety' for test.port (from --set): "
                        + "expected a port number from 0 to 65535 (0 picks any free port)");
        assertThatThrownBy(() -> read("test.port", "65536").port("test.port"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("invalid value '65536' for test.port (from --set): "
                        + "a port number must be from 0 to 65535 (0 picks any free port)");
    }

    @Test
    void aBooleanIsTrueOrFalseInAnyCaseAndNothingElse() {
        assertThat(read("test.enabled", "FALSE").bool("test.enabled")).isFalse();
        assertThatThrownBy(() -> read("test.enabled", "yes").bool("test.enabled"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("invalid value 'yes' for test.enabled (from --set): expected true or false");
    }

    @Test
    void aNumberBelowItsMinimumIsRefusedWithTheMinimum() {
        assertThatThrownBy(() -> read("test.count", "0").intAtLeast("test.count", 1))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("invalid value '0' for test.count (from --set): expected a whole number of at least 1");
        assertThatThrownBy(() -> read("test.count", "1.5").intAtLeast("test.count", 0))
                .hasMessage("invalid value '1.5' for test.count (from --set): expected a whole number of at least 0");
    }

    @Test
    void aFrontendsOwnRuleIsReportedInTheSameWords() {
        FrontendConfig config = read("test.name", "Bad Name");

        assertThat(config.invalid("test.name", "expected lower case"))
                .hasMessage("invalid value 'Bad Name' for test.name (from --set): expected lower case");
    }

    @Test
    void readingAKeyNobodyDeclaredIsAProgrammingError() {
        FrontendConfig config = FrontendConfig.withDefaults(KEYS);

        assertThatThrownBy(() -> config.string("test.other"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("test.other");
    }

    @Test
    void keyNamesAreLowerCaseWordsSoEveryKeyHasAnEnvironmentVariable() {
        assertThat(ConfigKey.secret("test.access-keys", "", "Keys.").secret()).isTrue();
        assertThatThrownBy(() -> ConfigKey.of("Test.Port", "1", "A port."))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConfigKey.of("test..port", "1", "A port."))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static FrontendConfig read(String key, String value) {
        return FrontendConfig.withDefaults(KEYS, new ConfigValue(key, value, "--set"));
    }
}
