package dev.trilog.routing.queue;

import dev.trilog.log.record.LogRecord;
import dev.trilog.log.share.DeliveryPolicy;
import dev.trilog.routing.address.QueueSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What a queue's share cursors ask of each record, read from the record itself so that records
 * a Kafka producer wrote to the queue's topic follow the same rules:
 * <ul>
 * <li>not before: the {@value #NOT_BEFORE} header (written by {@link Queues#publish} from the
 * message's or the queue's delay); a record without one waits the queue's default delay after
 * its timestamp;</li>
 * <li>FIFO group (FIFO queues only): the record key, which is the message group id
 * (docs/message-mapping.md); records without a key are in no group.</li>
 * </ul>
 */
final class QueueDeliveryPolicy implements DeliveryPolicy {

    /** The message property {@code notBefore}'s header (docs/message-mapping.md). */
    static final String NOT_BEFORE = "trilog.not-before";

    private final long queueDelayMs;
    private final boolean fifo;

    QueueDeliveryPolicy(QueueSpec spec) {
        this.queueDelayMs = spec.deliveryDelayMs();
        this.fifo = spec.fifo();
    }

    @Override
    public long notBefore(LogRecord record) {
        for (LogRecord.Header header : record.headers()) {
            if (header.key().equals(NOT_BEFORE) && header.value() != null) {
                try {
                    return Long.parseLong(new String(header.value(), StandardCharsets.US_ASCII));
                } catch (NumberFormatException e) {
                    break; // hand-made and unreadable: treated as absent, as the message mapping does
                }
            }
        }
        return queueDelayMs > 0 && record.timestamp() > 0 ? record.timestamp() + queueDelayMs : 0;
    }

    @Override
    public String orderingKey(LogRecord record) {
        ByteBuffer key = record.key();
        if (!fifo || key == null) {
            return null;
        }
        byte[] bytes = new byte[key.remaining()];
        key.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1); // one char per byte: any key, losslessly
    }
}
