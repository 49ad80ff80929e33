package dev.trilog.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.trilog.frontend.Frontends;
import dev.trilog.gateway.config.GatewayConfig;
import dev.trilog.testsupport.TestTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Listeners beyond loopback with no client authentication: one loud WARN at start naming each,
 * or no start at all with {@code security.require-auth-off-loopback=true}; none on loopback, or
 * when each listener authenticates its clients (the installed frontends say how).
 */
class UnauthenticatedListenersTest {

    @TempDir
    Path dir;
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(UnauthenticatedListeners.class);

    @BeforeEach
    void captureLog() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(logged);
    }

    private GatewayConfig config(String... pairs) {
        return TestConfigs.ephemeral(dir.resolve("data"), pairs);
    }

    private List<String> warnings() {
        return logged.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    @Test
    void everyListenerOnAnyAddressWithoutAuthenticationIsNamedInOneWarning() {
        try (RunningGateway gateway = Gateway.start(config("listen.host", "0.0.0.0"), Frontends.installed())) {
            assertThat(gateway.listener("sqs").boundAddress().getAddress().isAnyLocalAddress()).isTrue();
        }
        assertThat(warnings()).hasSize(1);
        assertThat(warnings().get(0)).startsWith("SECURITY: ")
                .contains("kafka (0.0.0.0:0)", "amqp (0.0.0.0:0)", "sqs (0.0.0.0:0)", "admin (0.0.0.0:0)",
                        "security.require-auth-off-loopback=true");
    }

    @Test
    void requiringAuthenticationRefusesTheStartBeforeAnythingOpens() {
        GatewayConfig config = config("listen.host", "0.0.0.0", "security.require-auth-off-loopback", "true",
                "sqs.access-keys", "AKID:secret");
        assertThatThrownBy(() -> Gateway.start(config, Frontends.installed()))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("refusing to start: ")
                .hasMessageContainingAll("kafka (0.0.0.0:0)", "amqp (0.0.0.0:0)", "admin (0.0.0.0:0)",
                        "would listen beyond loopback with no client authentication, and"
                                + " security.require-auth-off-loopback=true (docs/security.md)")
                .message().as("SQS verifies its keys").doesNotContain("sqs (");
        assertThat(Files.exists(dir.resolve("data"))).as("nothing opened").isFalse();
    }

    @Test
    void mutualTlsAndSqsKeysCountAsAuthenticationAndLoopbackNeedsNone() {
        TestTls tls = TestTls.writeTo(dir.resolve("tls"));
        List<String> mutualTls = new ArrayList<>(List.of("listen.host", "0.0.0.0", "sqs.access-keys", "AKID:secret"));
        for (String prefix : List.of("kafka", "amqp", "admin")) {
            mutualTls.addAll(List.of(prefix + ".tls.certificate", tls.certificate().toString(),
                    prefix + ".tls.private-key", tls.privateKey().toString(), prefix + ".tls.client-ca", tls.ca().toString()));
        }
        assertThat(UnauthenticatedListeners.find(config(mutualTls.toArray(String[]::new)), Frontends.installed())).isEmpty();
        assertThat(UnauthenticatedListeners.find(config(), Frontends.installed())).as("127.0.0.1 by default").isEmpty();
        assertThat(UnauthenticatedListeners.find(config("listen.host", "0.0.0.0", "kafka.tls.certificate",
                tls.certificate().toString(), "kafka.tls.private-key", tls.privateKey().toString()),
                Frontends.installed())).as("TLS without client certificates says nothing of who the client is")
                .contains("kafka (0.0.0.0:0)");
    }

    @Test
    void kafkaSaslAndAmqpLoginsCountAsAuthentication() {
        List<String> found = UnauthenticatedListeners.find(config("listen.host", "0.0.0.0", "kafka.sasl.mechanisms",
                "SCRAM-SHA-512", "amqp.auth", "users"), Frontends.installed());
        assertThat(found).noneMatch(listener -> listener.startsWith("kafka") || listener.startsWith("amqp"));
        assertThat(UnauthenticatedListeners.find(config("listen.host", "0.0.0.0"), Frontends.installed()))
                .anyMatch(listener -> listener.startsWith("kafka")).anyMatch(listener -> listener.startsWith("amqp"));
    }
}
