package dev.trilog.sqs.message;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The MD5 digests SQS returns and the SDKs check: {@code MD5OfMessageBody} (hex MD5 of the body's
 * UTF-8 bytes) and {@code MD5OfMessageAttributes} / {@code MD5OfMessageSystemAttributes}.
 *
 * <p>The attribute digest, as the SDKs recompute it: attributes sorted by name; for each, the
 * name, the data type and the value, every one as a 4-byte big-endian length followed by its
 * UTF-8 bytes, with one transport byte between type and value ({@code 1} for String and Number
 * values, {@code 2} for Binary values).
 */
public final class MessageDigests {

    private static final byte STRING_TRANSPORT = 1;
    private static final byte BINARY_TRANSPORT = 2;
    private static final HexFormat HEX = HexFormat.of();
    /**
     * Each thread's MD5, reset by each {@code digest}: looking the algorithm up among the
     * providers for every message cost more than digesting a small body.
     */
    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    });

    private MessageDigests() {
    }

    public static String ofBody(String body) {
        return ofBody(body.getBytes(StandardCharsets.UTF_8));
    }

    /** {@link #ofBody(String)} of a body already in its UTF-8 form. */
    public static String ofBody(byte[] utf8) {
        return HEX.formatHex(md5().digest(utf8));
    }

    /** The digest of a set of attributes; null when there are none (SQS then omits the member). */
    public static String ofAttributes(Map<String, MessageAttribute> attributes) {
        if (attributes.isEmpty()) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, MessageAttribute> e : new TreeMap<>(attributes).entrySet()) {
            MessageAttribute attribute = e.getValue();
            writeLengthPrefixed(out, e.getKey().getBytes(StandardCharsets.UTF_8));
            writeLengthPrefixed(out, attribute.dataType().getBytes(StandardCharsets.UTF_8));
            if (attribute.isBinary()) {
                out.write(BINARY_TRANSPORT);
                writeLengthPrefixed(out, attribute.binaryValue());
            } else {
                out.write(STRING_TRANSPORT);
                writeLengthPrefixed(out, attribute.stringValue().getBytes(StandardCharsets.UTF_8));
            }
        }
        return HEX.formatHex(md5().digest(out.toByteArray()));
    }

    private static void writeLengthPrefixed(ByteArrayOutputStream out, byte[] bytes) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
        out.writeBytes(bytes);
    }

    private static MessageDigest md5() {
        return MD5.get();
    }
}
