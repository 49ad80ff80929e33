package dev.trilog.compare.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadTest {

    @Test
    void theHeaderSurvivesBytesAndText() {
        Payload payload = new Payload(1024);
        byte[] body = payload.create(123_456_789_012L, 123_456_789_999L, 7, 42);
        assertThat(body).hasSize(1024);
        assertThat(Payload.read(body)).isEqualTo(new Payload.Header(123_456_789_012L, 123_456_789_999L, 7, 42));
        String text = new String(body, StandardCharsets.US_ASCII);
        assertThat(text).matches("[ -~]+"); // printable ASCII, so an SQS text body carries it unchanged
        assertThat(Payload.read(text)).isEqualTo(Payload.read(body));
    }

    @Test
    void aForeignBodyIsNotOurs() {
        assertThat(Payload.read("hello")).isNull();
        assertThat(Payload.read(new byte[100])).isNull();
    }

    @Test
    void aSizeBelowTheHeaderStillHoldsTheHeader() {
        assertThat(new Payload(10).size()).isEqualTo(Payload.HEADER_LENGTH);
    }
}
