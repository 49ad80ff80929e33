package dev.trilog.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.frontend.ConfigValue;
import dev.trilog.frontend.FrontendConfig;
import dev.trilog.frontend.Frontends;
import dev.trilog.frontend.InvalidConfigException;
import dev.trilog.kafka.group.GroupSettings;
import org.junit.jupiter.api.Test;

/** The Kafka frontend's keys: their defaults, and how a bad value is named. */
class KafkaFrontendConfigTest {

    @Test
    void theFrontendIsFoundOnTheClassPathWithItsKeys() {
        assertThat(Frontends.installed()).filteredOn(frontend -> frontend.name().equals("kafka")).singleElement()
                .satisfies(frontend -> {
                    assertThat(frontend).isInstanceOf(KafkaFrontend.class);
                    assertThat(frontend.configKeys()).isEqualTo(KafkaFrontendConfig.KEYS);
                    assertThat(frontend.portKey()).isEqualTo("kafka.port");
                });
    }

    @Test
    void defaultsAreKafkasOwn() {
        KafkaServerSettings settings = KafkaFrontendConfig.read(FrontendConfig.withDefaults(KafkaFrontendConfig.KEYS));

        assertThat(settings.host()).isEqualTo("127.0.0.1");
        assertThat(settings.port()).isEqualTo(9092);
        assertThat(settings.autoCreateTopics()).isTrue();
        assertThat(settings.defaultPartitions()).isEqualTo(1);
        assertThat(settings.advertisedHost()).isEmpty();
        assertThat(settings.advertisedPort()).isZero();
        assertThat(settings.groups()).isEqualTo(GroupSettings.DEFAULTS);
        assertThat(settings.transactions()).isEqualTo(dev.trilog.kafka.txn.TransactionSettings.DEFAULTS);
        assertThat(settings.connections())
                .isEqualTo(new dev.trilog.frontend.ConnectionLimits(600_000, Integer.MAX_VALUE, Integer.MAX_VALUE));
    }

    @Test
    void theAuthorizerIsOffUnlessAskedAndSuperUsersArePrincipals() {
        assertThat(read().acls()).isEqualTo(dev.trilog.kafka.security.AclSettings.OFF);
        assertThat(read(new ConfigValue("kafka.authorizer", "acl", "--set"),
                new ConfigValue("super.users", "User:admin; User:ops", "--set"),
                new ConfigValue("allow.everyone.if.no.acl.found", "true", "--set")).acls())
                .isEqualTo(new dev.trilog.kafka.security.AclSettings(true, java.util.Set.of("User:admin", "User:ops"), true));
        assertThatThrownBy(() -> read(new ConfigValue("kafka.authorizer", "simple", "--set")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("kafka.authorizer");
        assertThatThrownBy(() -> read(new ConfigValue("super.users", "admin", "--set")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("super.users");
    }

    @Test
    void certificatePrincipalsFollowKafkasMappingRulesAndBadRulesAreRefused() {
        assertThat(read().tlsPrincipals().rules()).isEqualTo("DEFAULT");
        assertThat(read(new ConfigValue("kafka.tls.principal-mapping-rules", "RULE:^CN=(.*?),OU=ops$/$1/L,DEFAULT",
                "--set")).tlsPrincipals().rules()).isEqualTo("RULE:^CN=(.*?),OU=ops$/$1/L,DEFAULT");
        assertThatThrownBy(() -> read(new ConfigValue("kafka.tls.principal-mapping-rules", "CN=alice", "--set")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("invalid value 'CN=alice' for kafka.tls.principal-mapping-rules (from --set)")
                .hasMessageContaining("ssl.principal.mapping.rules");
    }

    @Test
    void connectionLimitsAreReadFromKafkasKeys() {
        assertThat(read(new ConfigValue("connections.max.idle.ms", "0", "--set"),
                new ConfigValue("max.connections", "1000", "--set"),
                new ConfigValue("max.connections.per.ip", "10", "--set")).connections())
                .isEqualTo(new dev.trilog.frontend.ConnectionLimits(0, 1000, 10));
        assertThatThrownBy(() -> read(new ConfigValue("max.connections.per.ip", "0", "--set")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("invalid value '0' for max.connections.per.ip (from --set)");
    }

    /** Moved from the gateway's GatewayConfigLoaderTest with the transport's key and type. */
    @Test
    void theKafkaTransportIsEpollWhereAvailableUnlessNamed() {
        assertThat(read().transport()).isEqualTo(KafkaTransport.AUTO);
        assertThat(read(new ConfigValue("kafka.transport", "NIO", "environment variable TRILOG_KAFKA_TRANSPORT"))
                .transport()).isEqualTo(KafkaTransport.NIO);
        assertThatThrownBy(() -> read(new ConfigValue("kafka.transport", "io_uring", "--set")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("invalid value 'io_uring' for kafka.transport (from --set)")
                .hasMessageContaining("expected auto, epoll or nio");
    }

    @Test
    void aMaximumSessionTimeoutBelowTheMinimumIsNamedWithTheMinimum() {
        assertThatThrownBy(() -> read(new ConfigValue("group.max.session.timeout.ms", "5000", "--set")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("invalid value '5000' for group.max.session.timeout.ms (from --set): "
                        + "must be at least group.min.session.timeout.ms (6000)");
    }

    @Test
    void theBoundsOfAConsumerGroupsOwnSettingsAreReadAndAMinimumAboveItsMaximumIsNamed() {
        KafkaServerSettings settings = read(new ConfigValue("group.consumer.min.session.timeout.ms", "2000", "--set"),
                new ConfigValue("group.consumer.max.heartbeat.interval.ms", "20000", "--set"));
        assertThat(settings.groups().consumer().groupBounds())
                .isEqualTo(new dev.trilog.kafka.group.ConsumerGroupSettings.GroupBounds(2_000, 60_000, 5_000, 20_000));

        assertThatThrownBy(() -> read(new ConfigValue("group.consumer.min.heartbeat.interval.ms", "16000", "--set")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("group.consumer.min.heartbeat.interval.ms")
                .hasMessageContaining("at most group.consumer.max.heartbeat.interval.ms");
    }

    private static KafkaServerSettings read(ConfigValue... overrides) {
        return KafkaFrontendConfig.read(FrontendConfig.withDefaults(KafkaFrontendConfig.KEYS, overrides));
    }

    @Test
    void tlsIsOffUnlessACertificateIsGivenAndItsFilesAreCheckedAtLoad(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        assertThat(read().tls()).isNull();
        dev.trilog.testsupport.TestTls tls = dev.trilog.testsupport.TestTls.writeTo(dir);
        KafkaServerSettings withTls = read(new ConfigValue("kafka.tls.certificate", tls.certificate().toString(), "--set"),
                new ConfigValue("kafka.tls.private-key", tls.privateKey().toString(), "--set"));
        assertThat(withTls.tls()).isNotNull();
        assertThat(withTls.tls().requiresClientCertificate()).isFalse();

        assertThatThrownBy(() -> read(new ConfigValue("kafka.tls.certificate", tls.certificate().toString(), "--set")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("kafka.tls.private-key");
        assertThatThrownBy(() -> read(new ConfigValue("kafka.tls.private-key", tls.privateKey().toString(), "--set")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("kafka.tls.certificate is not set");
        assertThatThrownBy(() -> read(new ConfigValue("kafka.tls.certificate", dir.resolve("nope.crt").toString(), "--set"),
                new ConfigValue("kafka.tls.private-key", tls.privateKey().toString(), "--set")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("kafka.tls.certificate")
                .hasMessageContaining("nope.crt");
        java.nio.file.Path pkcs1 = java.nio.file.Files.writeString(dir.resolve("rsa.key"),
                "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> read(new ConfigValue("kafka.tls.certificate", tls.certificate().toString(), "--set"),
                new ConfigValue("kafka.tls.private-key", pkcs1.toString(), "--set")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("openssl pkcs8 -topk8");
        assertThat(read(new ConfigValue("kafka.tls.certificate", tls.certificate().toString(), "--set"),
                new ConfigValue("kafka.tls.private-key", tls.privateKey().toString(), "--set"),
                new ConfigValue("kafka.tls.client-ca", tls.ca().toString(), "--set")).tls().requiresClientCertificate())
                .isTrue();
    }
}
