package dev.trilog.routing.queue;

import java.util.Map;

/**
 * The result of publishing to an exchange: one result per queue the message was routed to.
 * Empty when it routed nowhere (AMQP's unroutable; 0-9-1 returns it when mandatory).
 */
public record RoutedPublish(Map<String, PublishResult> byQueue) {

    public RoutedPublish {
        byQueue = Map.copyOf(byQueue);
    }

    public boolean routed() {
        return !byQueue.isEmpty();
    }
}
