package dev.trilog.amqp.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProtocolHeaderTest {

    @Test
    void theThreeAmqpHeadersAreKnown() {
        assertThat(ProtocolHeader.of(new byte[] {'A', 'M', 'Q', 'P', 3, 1, 0, 0})).isEqualTo(ProtocolHeader.AMQP_1_0_SASL);
        assertThat(ProtocolHeader.of(new byte[] {'A', 'M', 'Q', 'P', 0, 1, 0, 0})).isEqualTo(ProtocolHeader.AMQP_1_0);
        assertThat(ProtocolHeader.of(new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9, 1})).isEqualTo(ProtocolHeader.AMQP_0_9_1);
    }

    @Test
    void otherVersionsTlsAndHttpAreUnknown() {
        assertThat(ProtocolHeader.of(new byte[] {'A', 'M', 'Q', 'P', 2, 1, 0, 0})).isEqualTo(ProtocolHeader.UNKNOWN);
        assertThat(ProtocolHeader.of(new byte[] {'A', 'M', 'Q', 'P', 0, 1, 0, 1})).isEqualTo(ProtocolHeader.UNKNOWN);
        assertThat(ProtocolHeader.of(new byte[] {'A', 'M', 'Q', 'P', 1, 1, 0, 9})).isEqualTo(ProtocolHeader.UNKNOWN);
        assertThat(ProtocolHeader.of("GET / HTTP/1.1".getBytes(StandardCharsets.US_ASCII))).isEqualTo(ProtocolHeader.UNKNOWN);
    }

    @Test
    void onlyTheFirstEightBytesCount() {
        assertThat(ProtocolHeader.of(new byte[] {'A', 'M', 'Q', 'P', 0, 1, 0, 0, 0, 0, 0, 42}))
                .isEqualTo(ProtocolHeader.AMQP_1_0);
    }

    @Test
    void aPrefixCanStillStartAHeaderUntilItCannot() {
        byte[] prefix = {'A', 'M', 'Q', 'P', 0, 0, 0, 0};
        assertThat(ProtocolHeader.couldStart(prefix, 4)).isTrue();
        assertThat(ProtocolHeader.couldStart(prefix, 5)).isTrue(); // 0 starts 1.0 and 0-9-1
        assertThat(ProtocolHeader.couldStart(new byte[] {'A', 'M', 'Q', 'P', 7}, 5)).isFalse();
        assertThat(ProtocolHeader.couldStart(new byte[] {'G'}, 1)).isFalse();
    }

    @Test
    void thePreferredHeaderIsAmqp10WithSasl() {
        assertThat(ProtocolHeader.PREFERRED.bytes()).containsExactly('A', 'M', 'Q', 'P', 3, 1, 0, 0);
    }
}
