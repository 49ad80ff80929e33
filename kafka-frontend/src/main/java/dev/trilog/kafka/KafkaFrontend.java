package dev.trilog.kafka;

import dev.trilog.frontend.ConsumerGroups;
import java.util.Optional;

import dev.trilog.frontend.FrontendContext;
import dev.trilog.frontend.ServerFrontend;
import dev.trilog.kafka.network.KafkaMetrics;

/**
 * The Kafka protocol as the gateway runs it: {@code kafka.port} and the keys of
 * {@link KafkaFrontendConfig}, served by a {@link KafkaServer} over the log. Registered in
 * {@code META-INF/services/dev.trilog.frontend.Frontend}.
 */
public final class KafkaFrontend extends ServerFrontend<KafkaServer> {

    public KafkaFrontend() {
        super("kafka", KafkaFrontendConfig.KEYS, KafkaFrontendConfig.PORT, KafkaFrontendConfig::read);
    }

    @Override
    protected KafkaServer newServer(FrontendContext context) {
        return new KafkaServer(KafkaFrontendConfig.read(context.config()), context.engine(),
                new KafkaMetrics(context.meters()), context.queues(), context.topology());
    }

    @Override
    public Optional<ConsumerGroups> consumerGroups() {
        return Optional.ofNullable(server()).map(KafkaServer::consumerGroups);
    }
}
