package dev.trilog.sqs.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trilog.routing.queue.DeliveryTag;
import dev.trilog.sqs.protocol.SqsError;
import dev.trilog.sqs.protocol.SqsException;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target for receipt handles ({@link ReceiptHandles}), which clients send back to delete a
 * message or change its visibility. Whatever the text: it opens to the delivery it was made for,
 * or is refused with {@code ReceiptHandleIsInvalid} — never another exception. Any delivery's
 * handle opens to that delivery.
 */
class ReceiptHandlesFuzzTest {

    private static final ReceiptHandles HANDLES = new ReceiptHandles("0123456789abcdef-fuzz".getBytes(StandardCharsets.UTF_8));

    @FuzzTest
    void handleText(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            DeliveryTag tag = HANDLES.decode(text);
            assertThat(HANDLES.decode(HANDLES.encode(tag))).isEqualTo(tag);
        } catch (SqsException refused) {
            assertThat(refused.error()).isEqualTo(SqsError.RECEIPT_HANDLE_IS_INVALID);
        }
    }

    @FuzzTest
    void anyDelivery(FuzzedDataProvider data) {
        String queue = "q" + data.consumeAsciiString(79); // a queue's name is never empty
        DeliveryTag tag = new DeliveryTag(queue, data.consumeInt(), data.consumeLong(), data.consumeInt());
        assertThat(HANDLES.decode(HANDLES.encode(tag))).isEqualTo(tag);
    }
}
