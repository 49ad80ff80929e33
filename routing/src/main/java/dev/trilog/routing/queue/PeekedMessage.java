package dev.trilog.routing.queue;

import dev.trilog.routing.message.Message;

/**
 * An available message as {@link Queues#peek} shows it: nobody acquired it, so it is still
 * available to the queue's consumers with its counts unchanged.
 *
 * @param partition          the partition of the queue's topic it is in
 * @param offset             its offset there
 * @param message            the message as stored
 * @param acquisitions       deliveries so far (0 = never delivered; SQS ApproximateReceiveCount)
 * @param publishTimestampMs the record's timestamp (SQS SentTimestamp)
 */
public record PeekedMessage(int partition, long offset, Message message, int acquisitions, long publishTimestampMs) {
}
