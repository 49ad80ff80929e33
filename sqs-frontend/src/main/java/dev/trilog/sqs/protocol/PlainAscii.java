package dev.trilog.sqs.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Bytes 1–127 only: ASCII, which is well-formed UTF-8 as it stands, so a request body may be read
 * by Jackson from its bytes and a message body written into an answer from its bytes, with no
 * {@code String} in between. No NUL: Jackson's encoding detection would take it for UTF-16 or
 * UTF-32 (and no JSON text holds one, so such a request body is read as text and refused there).
 */
public final class PlainAscii {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LOW_BITS = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    private PlainAscii() {
    }

    /**
     * Eight bytes at a time: a byte-by-byte loop over a batch's 10 KiB was 1.7 % of the batch
     * send's samples.
     */
    public static boolean is(byte[] bytes) {
        int i = 0;
        for (; i + Long.BYTES <= bytes.length; i += Long.BYTES) {
            long word = (long) LONGS.get(bytes, i);
            // a byte with its high bit set, or (when none is) a zero byte: subtracting 1 from it borrows
            if (((word | (word - LOW_BITS)) & HIGH_BITS) != 0) {
                return false;
            }
        }
        for (; i < bytes.length; i++) {
            if (bytes[i] <= 0) {
                return false;
            }
        }
        return true;
    }
}
