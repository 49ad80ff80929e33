package dev.trilog.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How a listener's three connection keys are read, directly and behind a clustered node's door. */
class ConnectionLimitsTest {

    private static final List<ConfigKey> KEYS = ConnectionLimits.keys("Test", "test.idle-ms", 60_000, "Idle.",
            "test.max", "test.max-per-ip");

    private static FrontendConfig config(ConfigValue... overrides) {
        return FrontendConfig.withDefaults(KEYS, overrides);
    }

    private static ConnectionLimits read(FrontendConfig config) {
        return ConnectionLimits.read(config, "test.idle-ms", "test.max", "test.max-per-ip");
    }

    @Test
    void theKeysSetATimeOutAndBothLimitsUnlimitedByDefault() {
        assertThat(read(config())).isEqualTo(ConnectionLimits.idleTimeout(60_000));
        assertThat(read(config(new ConfigValue("test.idle-ms", "0", "--set"),
                new ConfigValue("test.max", "100", "--set"), new ConfigValue("test.max-per-ip", "5", "--set"))))
                .isEqualTo(new ConnectionLimits(0, 100, 5));
        assertThatThrownBy(() -> read(config(new ConfigValue("test.max-per-ip", "0", "--set"))))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("invalid value '0' for test.max-per-ip (from --set): "
                        + "expected a whole number of at least 1");
    }

    /**
     * Behind a clustered node's door every connection comes from loopback: a per-address limit
     * there would count all clients as one, so none is applied; the others still are.
     */
    @Test
    void aRelayedFrontendHasNoPerAddressLimit() {
        FrontendConfig set = config(new ConfigValue("test.idle-ms", "1000", "--set"),
                new ConfigValue("test.max", "100", "--set"), new ConfigValue("test.max-per-ip", "5", "--set"));
        FrontendConfig relayed = set.onLoopback("test.port");

        assertThat(set.relayed()).isFalse();
        assertThat(relayed.relayed()).isTrue();
        assertThat(read(relayed)).isEqualTo(new ConnectionLimits(1000, 100, ConnectionLimits.UNLIMITED));
        assertThatThrownBy(() -> read(config(new ConfigValue("test.max-per-ip", "0", "--set")).onLoopback("test.port")))
                .as("a bad value is still refused").isInstanceOf(InvalidConfigException.class);
    }
}
