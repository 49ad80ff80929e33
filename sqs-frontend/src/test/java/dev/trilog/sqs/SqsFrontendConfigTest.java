package dev.trilog.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.frontend.ConfigValue;
import dev.trilog.frontend.ConnectionLimits;
import dev.trilog.frontend.FrontendConfig;
import dev.trilog.frontend.Frontends;
import dev.trilog.frontend.InvalidConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SQS frontend's keys: their defaults, and how a bad value is named. */
class SqsFrontendConfigTest {

    @Test
    void theFrontendIsFoundOnTheClassPathWithItsKeys() {
        assertThat(Frontends.installed()).filteredOn(frontend -> frontend.name().equals("sqs")).singleElement()
                .satisfies(frontend -> {
                    assertThat(frontend).isInstanceOf(SqsFrontend.class);
                    assertThat(frontend.configKeys()).isEqualTo(SqsFrontendConfig.KEYS);
                    assertThat(frontend.portKey()).isEqualTo("sqs.port");
                });
    }

    @Test
    void defaultsFollowTheHostHeaderAndAcceptAnyCredentials() {
        assertThat(read()).isEqualTo(new SqsSettings("127.0.0.1", 9324, null, "000000000000", "us-east-1", Map.of(),
                java.util.Set.of(), new ConnectionLimits(60_000, Integer.MAX_VALUE, Integer.MAX_VALUE), null));
    }

    /** On a clustered node the SQS frontend listens behind the node's door, which relays from loopback. */
    @Test
    void behindAClusteredNodesDoorThereIsNoPerAddressLimit() {
        FrontendConfig config = FrontendConfig.withDefaults(SqsFrontendConfig.KEYS,
                new ConfigValue("sqs.max-connections", "500", "--set"),
                new ConfigValue("sqs.max-connections-per-ip", "10", "--set"));
        assertThat(SqsFrontendConfig.read(config).connections()).isEqualTo(new ConnectionLimits(60_000, 500, 10));
        assertThat(SqsFrontendConfig.read(config.onLoopback(SqsFrontendConfig.PORT)).connections())
                .isEqualTo(new ConnectionLimits(60_000, 500, ConnectionLimits.UNLIMITED));
    }

    @Test
    void accessKeysArePairsAndASecret() {
        assertThat(read(new ConfigValue("sqs.access-keys", "AK1:s1, AK2:s2", "--set")).accessKeys())
                .containsExactlyInAnyOrderEntriesOf(Map.of("AK1", "s1", "AK2", "s2"));
        assertThat(SqsFrontendConfig.KEYS).filteredOn(key -> key.name().equals("sqs.access-keys"))
                .singleElement().satisfies(key -> assertThat(key.secret()).isTrue());
        assertThatThrownBy(() -> read(new ConfigValue("sqs.access-keys", "AK1", "--set")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageEndingWith("expected ACCESS_KEY_ID:SECRET_ACCESS_KEY pairs separated by commas");
    }

    @Test
    void ownerKeysAreSomeOfTheAccessKeys() {
        ConfigValue keys = new ConfigValue("sqs.access-keys", "AK1:s1,AK2:s2", "--set");
        assertThat(read(keys, new ConfigValue("sqs.owner-keys", " AK2 ", "--set")).ownerKeys()).containsExactly("AK2");
        assertThat(read(keys).ownerKeys()).isEmpty();
        assertThatThrownBy(() -> read(keys, new ConfigValue("sqs.owner-keys", "AK1,AK3", "--set")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageEndingWith("access key ids that sqs.access-keys configures ('AK3' is not one of them)");
    }

    @Test
    void anAccountIdIsTwelveDigits() {
        assertThatThrownBy(() -> read(new ConfigValue("sqs.account-id", "123", "config file /etc/trilog.properties")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("invalid value '123' for sqs.account-id (from config file /etc/trilog.properties): "
                        + "an AWS account id is 12 digits");
    }

    private static SqsSettings read(ConfigValue... overrides) {
        return SqsFrontendConfig.read(FrontendConfig.withDefaults(SqsFrontendConfig.KEYS, overrides));
    }
}
