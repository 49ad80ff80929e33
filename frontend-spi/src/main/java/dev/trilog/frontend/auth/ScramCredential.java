package dev.trilog.frontend.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a SCRAM server keeps of a password (RFC 5802 §3), as Kafka keeps it: the salt, the
 * iteration count, {@code StoredKey = H(HMAC(SaltedPassword, "Client Key"))} and
 * {@code ServerKey = HMAC(SaltedPassword, "Server Key")}, where {@code SaltedPassword} is
 * {@code Hi(password, salt, i)} — PBKDF2 with the mechanism's HMAC, which the JDK provides.
 * The password itself cannot be recovered from it, and a PLAIN login is checked by deriving
 * the stored key again from the offered password.
 *
 * <p>The password is encoded as UTF-8 without SASLprep, as Kafka's {@code ScramFormatter} does,
 * so a credential made here and one a Kafka tool made agree.
 */
public record ScramCredential(ScramMechanism mechanism, byte[] salt, byte[] storedKey, byte[] serverKey,
                              int iterations) {

    public ScramCredential {
        Objects.requireNonNull(mechanism, "mechanism");
        salt = salt.clone();
        storedKey = storedKey.clone();
        serverKey = serverKey.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] storedKey() {
        return storedKey.clone();
    }

    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }

    /** The credential for {@code password}, hashed with {@code salt} over {@code iterations} rounds. */
    public static ScramCredential fromPassword(ScramMechanism mechanism, String password, byte[] salt, int iterations) {
        return fromSaltedPassword(mechanism, salt, saltedPassword(mechanism, password, salt, iterations), iterations);
    }

    /**
     * The credential from a salted password, as Kafka's AlterUserScramCredentials sends it (the
     * client does the slow part, so the password never travels).
     */
    public static ScramCredential fromSaltedPassword(ScramMechanism mechanism, byte[] salt, byte[] saltedPassword,
            int iterations) {
        byte[] clientKey = hmac(mechanism, saltedPassword, "Client Key");
        return new ScramCredential(mechanism, salt, digest(mechanism, clientKey),
                hmac(mechanism, saltedPassword, "Server Key"), iterations);
    }

    /** Whether {@code password} is the one this credential was made from; constant time in the comparison. */
    public boolean matches(String password) {
        byte[] clientKey = hmac(mechanism, saltedPassword(mechanism, password, salt, iterations), "Client Key");
        return MessageDigest.isEqual(digest(mechanism, clientKey), storedKey);
    }

    /** {@code Hi(password, salt, i)}: PBKDF2 with the mechanism's HMAC and a key as long as its digest. */
    static byte[] saltedPassword(ScramMechanism mechanism, String password, byte[] salt, int iterations) {
        try {
            int bits = MessageDigest.getInstance(mechanism.digest).getDigestLength() * 8;
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, bits);
            try {
                return SecretKeyFactory.getInstance(mechanism.pbkdf2).generateSecret(spec).getEncoded();
            } finally {
                spec.clearPassword();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(mechanism.pbkdf2 + " is in every JDK", e);
        }
    }

    static byte[] hmac(ScramMechanism mechanism, byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance(mechanism.mac);
            mac.init(new SecretKeySpec(key, mechanism.mac));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(mechanism.mac + " is in every JDK", e);
        }
    }

    private static byte[] digest(ScramMechanism mechanism, byte[] bytes) {
        try {
            return MessageDigest.getInstance(mechanism.digest).digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(mechanism.digest + " is in every JDK", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ScramCredential c && c.mechanism == mechanism && c.iterations == iterations
                && Arrays.equals(c.salt, salt) && Arrays.equals(c.storedKey, storedKey)
                && Arrays.equals(c.serverKey, serverKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mechanism, iterations, Arrays.hashCode(salt), Arrays.hashCode(storedKey));
    }

    /** Never the keys: a credential may end up in a log line. */
    @Override
    public String toString() {
        return mechanism.mechanismName() + "(iterations=" + iterations + ")";
    }
}
