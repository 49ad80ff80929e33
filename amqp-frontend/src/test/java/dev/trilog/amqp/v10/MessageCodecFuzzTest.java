package dev.trilog.amqp.v10;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trilog.routing.message.Message;

/**
 * Fuzz target for the AMQP 1.0 transfer payload a publisher sends ({@link MessageCodec#decode},
 * which {@link PublisherLink} calls on every message). Whatever the bytes: the message decodes or
 * the decoder throws a {@link RuntimeException}, which the link answers with {@code rejected}
 * ({@code amqp:decode-error} or {@code amqp:invalid-field}); never an {@link Error} (a stack
 * overflow on nesting, an allocation sized by a count in the bytes), which would end the
 * connection without an answer. A message that decodes is sent to consumers as it was stored:
 * its encoding decodes to the same message, but for the delivery delay, which is spent once the
 * message is delivered and not sent on.
 */
class MessageCodecFuzzTest {

    private static final long NOW_MS = 1_700_000_000_000L;

    @FuzzTest
    void transferPayload(byte[] payload) {
        MessageCodec codec = new MessageCodec();
        Message message;
        try {
            message = codec.decode(payload, payload.length, NOW_MS);
        } catch (RuntimeException refused) {
            return; // rejected with decode-error or invalid-field
        }
        byte[] sent = new MessageCodec().toAmqpBytes(message, 0, 0);
        Message delivered = message.toBuilder()
                .properties(message.properties().toBuilder().notBefore(null).build()).build();
        assertThat(new MessageCodec().decode(sent, sent.length, NOW_MS)).isEqualTo(delivered);
    }
}
