package dev.trilog.kafka;

import dev.trilog.frontend.ConsumerGroups;
import dev.trilog.frontend.FrontendConfig;
import dev.trilog.frontend.FrontendContext;
import dev.trilog.frontend.ServerFrontend;
import dev.trilog.frontend.ServerTls;
import dev.trilog.kafka.network.KafkaMetrics;
import java.util.Optional;

/**
 * The Kafka protocol as the gateway runs it: {@code kafka.port} and the keys of
 * {@link KafkaFrontendConfig}, served by a {@link KafkaServer} over the log. Registered in
 * {@code META-INF/services/dev.trilog.frontend.Frontend}.
 */
public final class KafkaFrontend extends ServerFrontend<KafkaServer> {

    public KafkaFrontend() {
        super("kafka", KafkaFrontendConfig.KEYS, KafkaFrontendConfig.PORT, KafkaFrontendConfig::read);
    }

    /** SASL ({@code kafka.sasl.mechanisms}) against the user store, or mutual TLS ({@code kafka.tls.client-ca}). */
    @Override
    public Optional<String> clientAuthentication(FrontendConfig config) {
        String mechanisms = config.string(KafkaFrontendConfig.SASL_MECHANISMS).trim();
        if (!mechanisms.isEmpty()) {
            return Optional.of("SASL " + mechanisms);
        }
        return ServerTls.requiresClientCertificates(config, KafkaFrontendConfig.TLS_PREFIX)
                ? Optional.of("mutual TLS") : Optional.empty();
    }

    @Override
    protected KafkaServer newServer(FrontendContext context) {
        return new KafkaServer(KafkaFrontendConfig.read(context.config()), context.engine(),
                new KafkaMetrics(context.meters()), context.queues(), context.topology(), context.users());
    }

    @Override
    public Optional<ConsumerGroups> consumerGroups() {
        return Optional.ofNullable(server()).map(KafkaServer::consumerGroups);
    }
}
