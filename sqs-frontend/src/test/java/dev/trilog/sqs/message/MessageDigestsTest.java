package dev.trilog.sqs.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageDigestsTest {

    @Test
    void bodyDigestIsTheHexMd5OfItsUtf8Bytes() {
        assertThat(MessageDigests.ofBody("hello")).isEqualTo("5d41402abc4b2a76b9719d911017c592");
        assertThat(MessageDigests.ofBody("é")).isEqualTo(md5("é".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void attributeDigestSortsByNameAndFramesEachPart() throws Exception {
        Map<String, MessageAttribute> attributes = new LinkedHashMap<>();
        attributes.put("b", MessageAttribute.ofBinary("Binary.png", new byte[] {1, 2}));
        attributes.put("a", MessageAttribute.ofString("Number", "42"));
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        framed(expected, "a".getBytes());
        framed(expected, "Number".getBytes());
        expected.write(1);
        framed(expected, "42".getBytes());
        framed(expected, "b".getBytes());
        framed(expected, "Binary.png".getBytes());
        expected.write(2);
        framed(expected, new byte[] {1, 2});
        assertThat(MessageDigests.ofAttributes(attributes)).isEqualTo(md5(expected.toByteArray()));
    }

    @Test
    void noAttributesHaveNoDigest() {
        assertThat(MessageDigests.ofAttributes(Map.of())).isNull();
    }

    private static void framed(ByteArrayOutputStream out, byte[] bytes) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
        out.writeBytes(bytes);
    }

    private static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
