package dev.trilog.sqs.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.routing.queue.DeliveryTag;
import dev.trilog.sqs.protocol.SqsError;
import dev.trilog.sqs.protocol.SqsException;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
    void aHandleSealedOnOneThreadOpensOnAnotherAndSealingAgainGivesTheSameHandle() throws Exception {
        DeliveryTag handle = new DeliveryTag("q", 1, 42, 3);
        String here = handles.encode(handle);
        assertThat(handles.encode(handle)).isEqualTo(here); // this thread's mac was reset after the first
        String[] sealedThere = new String[1];
        DeliveryTag[] openedThere = new DeliveryTag[1];
        Thread there = new Thread(() -> {
            sealedThere[0] = handles.encode(handle);
            openedThere[0] = handles.decode(here);
        });
        there.start();
        there.join();
        assertThat(sealedThere[0]).isEqualTo(here);
        assertThat(openedThere[0]).isEqualTo(handle);
    }

    @Test
    void anotherNodesSecretThatArrivesLaterOpensItsHandlesOnAThreadThatUsedTheOldOnes() {
        byte[] mine = "0123456789abcdef0123456789abcdef".getBytes();
        byte[] theirs = "fedcba9876543210fedcba9876543210".getBytes();
        List<byte[]> known = new CopyOnWriteArrayList<>(List.of(mine));
        ReceiptHandles node = new ReceiptHandles(() -> List.copyOf(known));
        ReceiptHandles other = new ReceiptHandles(theirs);
        DeliveryTag handle = new DeliveryTag("q", 0, 7, 1);
        assertThat(node.decode(node.encode(handle))).isEqualTo(handle); // this thread holds the first secret's mac
        String sealedElsewhere = other.encode(handle);
        assertThatThrownBy(() -> node.decode(sealedElsewhere)).isInstanceOf(SqsException.class);
        known.add(theirs);
        assertThat(node.decode(sealedElsewhere)).isEqualTo(handle);
        assertThat(node.decode(node.encode(handle))).isEqualTo(handle);
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
