package dev.trilog.sqs.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The JSON protocol's body: plain ASCII is read from the bytes, anything else as strictly decoded
 * text; both come out the same, and what is not UTF-8 JSON is refused either way.
 */
class SqsRequestDecoderTest {

    private static final SqsRequestDecoder DECODER = new SqsRequestDecoder(JsonMapper.builder().build());
    private static final String SEND = SqsRequestDecoder.TARGET_PREFIX + "SendMessage";

    private static SqsParams decode(byte[] body) {
        return DECODER.decodeJson(SEND, body, "localhost", "id", Runnable::run).params();
    }

    private static void assertRefused(byte[] body, SqsError expected) {
        assertThatThrownBy(() -> decode(body)).isInstanceOfSatisfying(SqsException.class,
                e -> assertThat(e.error()).isEqualTo(expected));
    }

    @Test
    void asciiAndOtherTextGiveTheSameMembers() {
        SqsParams ascii = decode("{\"QueueUrl\":\"u\",\"MessageBody\":\"caf\\u00e9 \\ud83d\\ude00\"}"
                .getBytes(StandardCharsets.US_ASCII));
        SqsParams utf8 = decode("{\"QueueUrl\":\"u\",\"MessageBody\":\"café 😀\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(ascii.requireString("MessageBody")).isEqualTo("café 😀")
                .isEqualTo(utf8.requireString("MessageBody"));
    }

    @Test
    void jsonInAnotherEncodingOrMalformedUtf8IsRefused() {
        // Jackson would detect UTF-16 and UTF-32 from the zero bytes; the protocol is UTF-8 only
        assertRefused("{\"QueueUrl\":\"u\"}".getBytes(Charset.forName("UTF-32BE")), SqsError.SERIALIZATION_EXCEPTION);
        assertRefused("{\"QueueUrl\":\"u\"}".getBytes(StandardCharsets.UTF_16LE), SqsError.SERIALIZATION_EXCEPTION);
        assertRefused(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'},
                SqsError.INVALID_MESSAGE_CONTENTS);
        assertRefused("[1]".getBytes(StandardCharsets.US_ASCII), SqsError.SERIALIZATION_EXCEPTION);
        assertRefused("{\"a\":".getBytes(StandardCharsets.US_ASCII), SqsError.SERIALIZATION_EXCEPTION);
    }
}
