package dev.trilog.routing.stream;

import dev.trilog.routing.message.Message;

/**
 * One record of a stream, as a message.
 *
 * @param partition the topic's partition
 * @param offset    its offset there (AMQP 0-9-1 header {@code x-stream-offset})
 * @param message   the record as a message (docs/message-mapping.md)
 */
public record StreamDelivery(int partition, long offset, Message message) {
}
