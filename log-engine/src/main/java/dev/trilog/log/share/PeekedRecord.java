package dev.trilog.log.share;

import dev.trilog.log.record.LogRecord;

/**
 * An available record as {@link ShareCursor#peek} shows it: not acquired, so nobody holds it and
 * its counts are what they were.
 *
 * @param record           the record
 * @param acquisitions     how many times it has been acquired so far (0 = never delivered)
 * @param failedDeliveries deliveries that failed so far
 */
public record PeekedRecord(LogRecord record, int acquisitions, int failedDeliveries) {

    public long offset() {
        return record.offset();
    }
}
