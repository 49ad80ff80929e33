package dev.trilog.routing.queue;

import java.util.Objects;

/**
 * Names one delivery of one record: enough to find it in flight. A tag whose record has been
 * acquired again since ({@code acquisitions} differs) is stale and changes nothing. SQS wraps it
 * in its receipt handle; AMQP maps its delivery tags / ids onto it.
 *
 * @param queue        the queue delivered from
 * @param partition    the partition of the queue's topic
 * @param offset       the record's offset
 * @param acquisitions which delivery of the record this is (1 = first)
 */
public record DeliveryTag(String queue, int partition, long offset, int acquisitions) {

    public DeliveryTag {
        Objects.requireNonNull(queue, "queue");
    }
}
