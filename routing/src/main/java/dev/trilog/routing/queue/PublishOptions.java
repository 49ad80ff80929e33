package dev.trilog.routing.queue;

/**
 * How one message is published, beyond the message itself.
 *
 * @param delayMs         not deliverable before now + this; negative = the queue's default delay
 *                        ({@code x-trilog-delivery-delay}), 0 = now even on a delayed queue (SQS:
 *                        a message's DelaySeconds overrides the queue's)
 * @param deduplicationId a publish with an id seen on this queue in the last deduplication window
 *                        is not written again; null = the message's {@code deduplicationId}
 *                        property, else the SHA-256 of the body when the queue has
 *                        {@code x-trilog-content-based-deduplication}, else none
 * @param groupId         FIFO message group (SQS MessageGroupId); null = the message's own group id
 */
public record PublishOptions(long delayMs, String deduplicationId, String groupId) {

    /** The queue's defaults and the message's own properties. */
    public static final PublishOptions NONE = new PublishOptions(-1, null, null);

    public PublishOptions withDelayMs(long value) {
        return new PublishOptions(value, deduplicationId, groupId);
    }

    public PublishOptions withDeduplicationId(String value) {
        return new PublishOptions(delayMs, value, groupId);
    }

    public PublishOptions withGroupId(String value) {
        return new PublishOptions(delayMs, deduplicationId, value);
    }
}
