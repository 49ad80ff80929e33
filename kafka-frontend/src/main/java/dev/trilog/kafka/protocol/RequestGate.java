package dev.trilog.kafka.protocol;

import java.util.concurrent.CompletableFuture;

/**
 * What stands between a request and its handler: answers it itself (a refusal), lets it through,
 * or lets part of it through and completes the answer (an authorizer filtering topics out).
 */
@FunctionalInterface
public interface RequestGate {

    /** Lets every request through: no authorizer. */
    RequestGate OPEN = (request, handler) -> handler.handle(request);

    CompletableFuture<Reply> handle(KafkaRequest request, ApiHandler handler);
}
