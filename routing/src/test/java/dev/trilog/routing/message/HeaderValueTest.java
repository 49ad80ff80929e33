package dev.trilog.routing.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HeaderValueTest {

    static Stream<Arguments> valuesAndTheirText() {
        return Stream.of(
                Arguments.of(HeaderValue.ofString("héllo ✓"), "héllo ✓"),
                Arguments.of(HeaderValue.ofBoolean(true), "true"),
                Arguments.of(HeaderValue.ofBoolean(false), "false"),
                Arguments.of(HeaderValue.ofByte((byte) -128), "-128"),
                Arguments.of(HeaderValue.ofShort((short) 32767), "32767"),
                Arguments.of(HeaderValue.ofInt(Integer.MIN_VALUE), "-2147483648"),
                Arguments.of(HeaderValue.ofLong(Long.MAX_VALUE), "9223372036854775807"),
                Arguments.of(HeaderValue.ofUbyte(255), "255"),
                Arguments.of(HeaderValue.ofUshort(65535), "65535"),
                Arguments.of(HeaderValue.ofUint(4294967295L), "4294967295"),
                Arguments.of(HeaderValue.ofUlong(-1), "18446744073709551615"),
                Arguments.of(HeaderValue.ofFloat(1.5f), "1.5"),
                Arguments.of(HeaderValue.ofFloat(Float.NaN), "NaN"),
                Arguments.of(HeaderValue.ofDouble(-0.0), "-0.0"),
                Arguments.of(HeaderValue.ofDouble(Double.NEGATIVE_INFINITY), "-Infinity"),
                Arguments.of(HeaderValue.ofDecimal("1e5"), "1e5"),
                Arguments.of(HeaderValue.ofDecimal(new BigDecimal("12.50")), "12.50"),
                Arguments.of(HeaderValue.ofChar(0x1F600), "😀"),
                Arguments.of(HeaderValue.ofSymbol("amqp:accepted"), "amqp:accepted"),
                Arguments.of(HeaderValue.ofUuid(new UUID(0x0123456789abcdefL, 0xfedcba9876543210L)),
                        "01234567-89ab-cdef-fedc-ba9876543210"),
                Arguments.of(HeaderValue.ofTimestamp(1_700_000_000_123L), "1700000000123"));
    }

    @ParameterizedTest
    @MethodSource("valuesAndTheirText")
    void aValueIsItsTextInUtf8AndReadsBackAsItself(HeaderValue value, String text) {
        assertThat(value.text()).isEqualTo(text);
        assertThat(value.toHeaderBytes()).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
        assertThat(HeaderValue.fromHeaderBytes(value.type(), value.toHeaderBytes())).isEqualTo(value);
    }

    @Test
    void binaryIsRawAndNullHasNoBytes() {
        byte[] bytes = {0, -1, 0x7f, -128};
        HeaderValue binary = HeaderValue.ofBinary(bytes);
        assertThat(binary.toHeaderBytes()).isEqualTo(bytes);
        assertThat(HeaderValue.fromHeaderBytes(ValueType.BINARY, bytes)).isEqualTo(binary);
        assertThat(HeaderValue.nullValue().toHeaderBytes()).isNull();
        assertThat(HeaderValue.fromHeaderBytes(ValueType.LONG, null)).isEqualTo(HeaderValue.nullValue());
    }

    @Test
    void binaryIsCopiedInAndOut() {
        byte[] bytes = {1, 2, 3};
        HeaderValue binary = HeaderValue.ofBinary(bytes);
        bytes[0] = 9;
        binary.asBytes()[1] = 9;
        assertThat(binary.asBytes()).containsExactly(1, 2, 3);
    }

    @Test
    void outOfRangeValuesAreRefused() {
        assertThatThrownBy(() -> HeaderValue.ofUbyte(256)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HeaderValue.ofUshort(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HeaderValue.ofUint(1L << 32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HeaderValue.ofChar(0xD800)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HeaderValue.ofSymbol("é")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HeaderValue.ofDecimal("twelve")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HeaderValue.ofString("\uD800 lone surrogate"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bytesThatAreNotTheirTypeAreRefused() {
        assertThatThrownBy(() -> HeaderValue.fromHeaderBytes(ValueType.LONG, RecordTrip.utf8("12x")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HeaderValue.fromHeaderBytes(ValueType.BYTE, RecordTrip.utf8("128")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HeaderValue.fromHeaderBytes(ValueType.BOOLEAN, RecordTrip.utf8("yes")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HeaderValue.fromHeaderBytes(ValueType.CHAR, RecordTrip.utf8("ab")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HeaderValue.fromHeaderBytes(ValueType.STRING, new byte[] {(byte) 0xC3}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theCustomTypeIsPartOfTheValue() {
        HeaderValue plain = HeaderValue.ofDecimal("3.14");
        HeaderValue labelled = plain.withCustomType("float");
        assertThat(labelled.customType()).contains("float");
        assertThat(labelled).isNotEqualTo(plain);
        assertThat(labelled.withCustomType(null)).isEqualTo(plain);
        assertThat(labelled).hasToString("decimal.float:3.14");
    }

    @Test
    void accessorsGiveTheValueAndRefuseOtherTypes() {
        assertThat(HeaderValue.ofUlong(-1).asBigInteger()).hasToString("18446744073709551615");
        assertThat(HeaderValue.ofUbyte(200).asInt()).isEqualTo(200);
        assertThat(HeaderValue.ofFloat(0.5f).asDouble()).isEqualTo(0.5);
        assertThat(HeaderValue.ofDecimal("1.50").asDecimal()).isEqualByComparingTo("1.5");
        assertThatThrownBy(() -> HeaderValue.ofString("1").asLong()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> HeaderValue.ofUlong(-1).asInt()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> HeaderValue.ofBinary(new byte[0]).text()).isInstanceOf(IllegalStateException.class);
    }
}
