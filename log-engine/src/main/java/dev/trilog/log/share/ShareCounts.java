package dev.trilog.log.share;

/**
 * A share cursor's record counts, for metrics and SQS's approximate attributes.
 *
 * @param available         deliverable now
 * @param acquired          in flight (locked by a consumer)
 * @param delayed           waiting for their not-before time
 * @param archived          given up since the cursor was opened (dead-lettered or rejected)
 * @param oldestAvailableAt timestamp of the oldest available record, or -1 when none
 * @param availableBytes    value and key bytes of the available records in the window (those past
 *                          the in-flight cap are counted in {@code available} only)
 */
public record ShareCounts(long available, long acquired, long delayed, long archived, long oldestAvailableAt,
        long availableBytes) {
}
