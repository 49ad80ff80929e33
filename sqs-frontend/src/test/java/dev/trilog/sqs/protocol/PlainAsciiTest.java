package dev.trilog.sqs.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PlainAsciiTest {

    @Test
    void plainAsciiIsBytesOneTo127WhereverTheOtherByteIs() {
        for (int length = 0; length <= 20; length++) {
            byte[] bytes = new byte[length];
            java.util.Arrays.fill(bytes, (byte) 'x');
            assertThat(PlainAscii.is(bytes)).isTrue();
            for (int at = 0; at < length; at++) {
                for (byte other : new byte[] {0, (byte) 0x80, (byte) 0xC3, (byte) 0xFF}) {
                    byte[] changed = bytes.clone();
                    changed[at] = other;
                    assertThat(PlainAscii.is(changed)).as("%d at %d of %d", other, at, length).isFalse();
                }
                byte[] edge = bytes.clone();
                edge[at] = 0x7F;
                assertThat(PlainAscii.is(edge)).isTrue();
                edge[at] = 1;
                assertThat(PlainAscii.is(edge)).isTrue();
            }
        }
    }
}
