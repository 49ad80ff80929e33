package dev.trilog.routing.queue;

/**
 * Where a published message landed.
 *
 * @param partition the partition of the queue's topic
 * @param offset    its offset there
 * @param messageId the message's id as text, or null when it has none
 * @param duplicate true when the publish was a duplicate within the deduplication window: nothing
 *                  was written, and partition, offset and id are those of the original
 */
public record PublishResult(int partition, long offset, String messageId, boolean duplicate) {

    PublishResult asDuplicate() {
        return new PublishResult(partition, offset, messageId, true);
    }
}
