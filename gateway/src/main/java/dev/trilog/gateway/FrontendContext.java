package dev.trilog.gateway;

import dev.trilog.gateway.config.GatewayConfig;
import dev.trilog.log.LogEngine;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * What the gateway hands a frontend when it builds one: the whole configuration (a frontend
 * picks its own listen address from it), the open log, the engine's one topology and queue
 * facade (shared by the queue protocols), and the one meter registry that {@code /metrics} serves.
 */
public record FrontendContext(GatewayConfig config, LogEngine engine, QueueLayer queueLayer, MeterRegistry meters) {

    public FrontendContext {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(queueLayer, "queueLayer");
        Objects.requireNonNull(meters, "meters");
    }
}
