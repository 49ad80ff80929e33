package dev.trilog.log.share;

import dev.trilog.log.record.LogRecord;

/**
 * What a share cursor asks of a record beyond its offset; routing supplies it (the engine does
 * not know how protocols encode delays or message groups).
 */
public interface DeliveryPolicy {

    /** Records are delivered no earlier than this time (epoch ms); 0 for "now". */
    long notBefore(LogRecord record);

    /**
     * The FIFO group of the record, or null: records of one group are delivered in offset order
     * and never two at a time.
     */
    String orderingKey(LogRecord record);

    /** No delays, no groups. */
    DeliveryPolicy NONE = new DeliveryPolicy() {
        @Override
        public long notBefore(LogRecord record) {
            return 0;
        }

        @Override
        public String orderingKey(LogRecord record) {
            return null;
        }
    };
}
