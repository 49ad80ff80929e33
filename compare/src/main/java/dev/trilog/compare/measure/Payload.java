package dev.trilog.compare.measure;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The body of every message: printable ASCII, so SQS (text bodies) carries the same bytes as
 * Kafka. A 56-byte header, then padding up to the workload's size:
 *
 * <pre>TL1|&lt;intended send, 16 hex&gt;|&lt;actual send, 16 hex&gt;|&lt;producer, 4 hex&gt;|&lt;sequence, 12 hex&gt;|xxxx…</pre>
 *
 * Times are {@link System#nanoTime()} of the load generator, which both sends and receives, so
 * end-to-end latency needs no clock synchronisation. The intended time is when the rate schedule
 * wanted the message sent; latency measured from it is corrected for coordinated omission.
 */
public final class Payload {

    public static final int HEADER_LENGTH = 56;
    private static final byte[] MAGIC = "TL1|".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final byte[] template;

    /** A payload factory for bodies of {@code size} bytes (at least {@link #HEADER_LENGTH}). */
    public Payload(int size) {
        template = new byte[Math.max(size, HEADER_LENGTH)];
        Arrays.fill(template, (byte) 'x');
        System.arraycopy(MAGIC, 0, template, 0, MAGIC.length);
        template[20] = '|';
        template[37] = '|';
        template[42] = '|';
        template[55] = '|';
    }

    public int size() {
        return template.length;
    }

    /** A new body stamped with the given times, producer and sequence number. */
    public byte[] create(long intendedNanos, long sentNanos, int producer, long sequence) {
        byte[] body = template.clone();
        hex(body, 4, 16, intendedNanos);
        hex(body, 21, 16, sentNanos);
        hex(body, 38, 4, producer);
        hex(body, 43, 12, sequence);
        return body;
    }

    private static void hex(byte[] target, int offset, int digits, long value) {
        for (int i = digits - 1; i >= 0; i--) {
            target[offset + i] = HEX[(int) (value & 0xf)];
            value >>>= 4;
        }
    }

    /** The header read back from a received body; {@code null} when it is not one of ours. */
    public static Header read(byte[] body) {
        if (body == null || body.length < HEADER_LENGTH || body[0] != 'T' || body[1] != 'L' || body[2] != '1') {
            return null;
        }
        return new Header(unhex(body, 4, 16), unhex(body, 21, 16), (int) unhex(body, 38, 4), unhex(body, 43, 12));
    }

    /** As {@link #read(byte[])}, for a text body (SQS). */
    public static Header read(String body) {
        if (body == null || body.length() < HEADER_LENGTH || !body.startsWith("TL1|")) {
            return null;
        }
        return read(body.substring(0, HEADER_LENGTH).getBytes(StandardCharsets.US_ASCII));
    }

    private static long unhex(byte[] source, int offset, int digits) {
        long value = 0;
        for (int i = 0; i < digits; i++) {
            int c = source[offset + i];
            int d = c >= 'a' ? c - 'a' + 10 : c - '0';
            if (d < 0 || d > 15) {
                return -1;
            }
            value = (value << 4) | d;
        }
        return value;
    }

    /** What a message carries besides padding. */
    public record Header(long intendedNanos, long sentNanos, int producer, long sequence) {
    }
}
