package dev.trilog.amqp.net;

import java.util.Arrays;

/**
 * The 8-byte protocol header every AMQP connection starts with, and what each one means to
 * Trilog's one AMQP port.
 *
 * <pre>
 *   'A' 'M' 'Q' 'P'  id  major minor revision
 *    41  4D  51  50   3    1     0     0        AMQP 1.0 with the SASL layer   → {@link #AMQP_1_0_SASL}
 *    41  4D  51  50   0    1     0     0        AMQP 1.0, no SASL              → {@link #AMQP_1_0}
 *    41  4D  51  50   0    0     9     1        AMQP 0-9-1                     → {@link #AMQP_0_9_1}
 *    anything else (other versions, TLS id 2, HTTP, garbage)                    → {@link #UNKNOWN}
 * </pre>
 *
 * A server that does not speak the header it was sent answers with the header it prefers and
 * closes (AMQP 1.0 §2.2, AMQP 0-9-1 §4.2.2): Trilog prefers {@link #PREFERRED}, AMQP 1.0 over
 * SASL, as RabbitMQ 4 does.
 */
public enum ProtocolHeader {
    AMQP_1_0_SASL(new byte[] {'A', 'M', 'Q', 'P', 3, 1, 0, 0}),
    AMQP_1_0(new byte[] {'A', 'M', 'Q', 'P', 0, 1, 0, 0}),
    AMQP_0_9_1(new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9, 1}),
    UNKNOWN(null);

    /** How many bytes decide. */
    public static final int LENGTH = 8;
    /** What a peer with a header Trilog does not serve is answered with. */
    public static final ProtocolHeader PREFERRED = AMQP_1_0_SASL;

    private final byte[] bytes;

    ProtocolHeader(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The header's 8 bytes (a copy); empty for {@link #UNKNOWN}. */
    public byte[] bytes() {
        return bytes == null ? new byte[0] : bytes.clone();
    }

    /** True for the two AMQP 1.0 headers. */
    public boolean isAmqp10() {
        return this == AMQP_1_0 || this == AMQP_1_0_SASL;
    }

    /**
     * What the first bytes of a connection say.
     *
     * @param first at least {@link #LENGTH} bytes (only the first 8 are read)
     */
    public static ProtocolHeader of(byte[] first) {
        if (first.length < LENGTH) {
            throw new IllegalArgumentException("a protocol header is 8 bytes, not " + first.length);
        }
        byte[] head = Arrays.copyOf(first, LENGTH);
        for (ProtocolHeader header : values()) {
            if (header.bytes != null && Arrays.equals(header.bytes, head)) {
                return header;
            }
        }
        return UNKNOWN;
    }

    /**
     * True while {@code prefix} (fewer than 8 bytes) can still become a header Trilog serves: lets
     * the sniffer answer {@code GET / HTTP/1.1} at its first byte instead of waiting for eight.
     */
    public static boolean couldStart(byte[] prefix, int length) {
        for (ProtocolHeader header : values()) {
            if (header.bytes != null && Arrays.equals(header.bytes, 0, length, prefix, 0, length)) {
                return true;
            }
        }
        return false;
    }
}
