package dev.trilog.frontend.auth;

import java.util.Arrays;
import java.util.Optional;

/**
 * The SCRAM mechanisms a user's password may be kept for (RFC 5802, RFC 7677 and Kafka's
 * SCRAM-SHA-512), with Kafka's type codes (DescribeUserScramCredentials,
 * AlterUserScramCredentials) and Kafka's bounds on iterations.
 */
public enum ScramMechanism {

    SCRAM_SHA_256("SCRAM-SHA-256", (byte) 1, "SHA-256", "HmacSHA256", "PBKDF2WithHmacSHA256"),
    SCRAM_SHA_512("SCRAM-SHA-512", (byte) 2, "SHA-512", "HmacSHA512", "PBKDF2WithHmacSHA512");

    /** Kafka's lower bound, and RFC 7677's recommendation; also the default. */
    public static final int MIN_ITERATIONS = 4096;
    /** Kafka's upper bound. */
    public static final int MAX_ITERATIONS = 16384;

    private final String mechanismName;
    private final byte type;
    final String digest;
    final String mac;
    final String pbkdf2;

    ScramMechanism(String mechanismName, byte type, String digest, String mac, String pbkdf2) {
        this.mechanismName = mechanismName;
        this.type = type;
        this.digest = digest;
        this.mac = mac;
        this.pbkdf2 = pbkdf2;
    }

    /** The SASL name: {@code SCRAM-SHA-256}. */
    public String mechanismName() {
        return mechanismName;
    }

    /** Kafka's code for it in the SCRAM credential APIs: 1 or 2. */
    public byte type() {
        return type;
    }

    public static Optional<ScramMechanism> forName(String name) {
        return Arrays.stream(values()).filter(m -> m.mechanismName.equals(name)).findFirst();
    }

    public static Optional<ScramMechanism> forType(byte type) {
        return Arrays.stream(values()).filter(m -> m.type == type).findFirst();
    }
}
