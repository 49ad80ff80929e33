package dev.trilog.kafka.protocol;

import java.util.concurrent.CompletableFuture;

/**
 * Answers one family of Kafka APIs. Handlers may complete on any thread; the connection writes
 * replies in request order whatever order they complete in.
 */
@FunctionalInterface
public interface ApiHandler {

    CompletableFuture<Reply> handle(KafkaRequest request);
}
