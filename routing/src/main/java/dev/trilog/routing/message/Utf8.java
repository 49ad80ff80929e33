package dev.trilog.routing.message;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 both ways, strictly. Java's own String ↔ bytes conversions replace what they cannot
 * convert, which would silently change a header between two protocols; these refuse instead.
 * Frontends decode what clients send with {@link #decodeOrNull} for the same reason.
 */
public final class Utf8 {

    private Utf8() {
    }

    /**
     * The UTF-8 bytes of {@code text}.
     *
     * @throws IllegalArgumentException when {@code text} holds an unpaired surrogate, which has no UTF-8 form
     */
    static byte[] encode(String text, String what) {
        requireWellFormed(text, what);
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static void requireWellFormed(String text, String what) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(what + " holds an unpaired surrogate at index " + i
                        + " and cannot be written as UTF-8");
            }
        }
    }

    /** The text {@code bytes} encode, or null when they are not well-formed UTF-8. */
    public static String decodeOrNull(byte[] bytes) {
        if (isAscii(bytes)) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** The text {@code bytes} encode; malformed UTF-8 is an {@link IllegalArgumentException}. */
    static String decode(byte[] bytes, String what) {
        String text = decodeOrNull(bytes);
        if (text == null) {
            throw new IllegalArgumentException(what + " is not well-formed UTF-8");
        }
        return text;
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }
}
