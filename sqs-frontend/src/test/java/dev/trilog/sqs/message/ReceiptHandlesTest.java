package dev.trilog.sqs.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.routing.queue.DeliveryTag;
import dev.trilog.sqs.protocol.SqsError;
import dev.trilog.sqs.protocol.SqsException;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ReceiptHandlesTest {

    private final ReceiptHandles handles = new ReceiptHandles("0123456789abcdef0123456789abcdef".getBytes());

    @Test
    void aHandleNamesItsDelivery() {
        DeliveryTag handle = new DeliveryTag("orders.fifo", 3, 1234567890123L, 2);
        assertThat(handles.decode(handles.encode(handle))).isEqualTo(handle);
    }

    @Test
    void anAlteredHandleIsInvalid() {
        String text = handles.encode(new DeliveryTag("q", 0, 5, 1));
        byte[] bytes = Base64.getUrlDecoder().decode(text);
        bytes[5] ^= 1;
        assertInvalid(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    @Test
    void aHandleFromAnotherSecretIsInvalid() {
        ReceiptHandles other = new ReceiptHandles("fedcba9876543210fedcba9876543210".getBytes());
        assertInvalid(other.encode(new DeliveryTag("q", 0, 5, 1)));
    }

    @Test
    void garbageIsInvalid() {
        assertInvalid("not a handle!");
        assertInvalid("");
        assertInvalid("AAAA");
    }

    private void assertInvalid(String text) {
        assertThatThrownBy(() -> handles.decode(text)).isInstanceOfSatisfying(SqsException.class,
                e -> assertThat(e.error()).isEqualTo(SqsError.RECEIPT_HANDLE_IS_INVALID));
    }
}
