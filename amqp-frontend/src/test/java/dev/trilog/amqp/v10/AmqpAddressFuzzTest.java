package dev.trilog.amqp.v10;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target for the addresses AMQP 1.0 clients write in sources, targets and a message's
 * {@code to} ({@link AmqpAddress#parse}). Whatever the text: an address or an
 * {@link AmqpAddress.InvalidAddressException} (answered {@code amqp:invalid-field} or
 * {@code amqp:not-found}), never another exception. And any name, percent-encoded as RabbitMQ 4
 * writes v2 addresses — every byte, or only {@code %} and {@code /}, leaving other characters
 * as they are — is read back as that name.
 */
class AmqpAddressFuzzTest {

    @FuzzTest
    void address(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            AmqpAddress.parse(text);
        } catch (AmqpAddress.InvalidAddressException refused) {
            // the link is refused with it
        }
        if (!text.isEmpty()) {
            assertThat(parsedQueue(percentEncoded(text, true))).isEqualTo(text);
            assertThat(parsedQueue(percentEncoded(text, false))).isEqualTo(text);
        }
    }

    private static String parsedQueue(String encodedName) {
        try {
            AmqpAddress address = AmqpAddress.parse("/queues/" + encodedName);
            assertThat(address.kind()).isEqualTo(AmqpAddress.Kind.QUEUE);
            return address.name();
        } catch (AmqpAddress.InvalidAddressException e) {
            throw new AssertionError("/queues/" + encodedName + " refused", e);
        }
    }

    /** {@code name} percent-encoded: every UTF-8 byte but the unreserved ones, or only {@code %} and {@code /}. */
    private static String percentEncoded(String name, boolean everyByte) {
        StringBuilder out = new StringBuilder();
        if (!everyByte) {
            return name.replace("%", "%25").replace("/", "%2F");
        }
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (Character.isLetterOrDigit(c) && c < 0x80 || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }
}
