package dev.trilog.frontend;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A listener's TLS identity, from PEM files named by three keys each frontend declares under its
 * own prefix ({@link #keys}): {@code <p>.tls.certificate} (the server's certificate chain, leaf
 * first), {@code <p>.tls.private-key} (its unencrypted PKCS#8 key, {@code BEGIN PRIVATE KEY}) and,
 * for mutual TLS, {@code <p>.tls.client-ca} (the CA certificates a client's certificate must chain
 * to; when set, a client without one is refused in the handshake). No certificate = plain TCP, the
 * default. Read with the JDK alone, so Netty's and Undertow's listeners share one loader.
 *
 * @param keyManagers   the server's certificate and key
 * @param clientTrust   the client CAs for mutual TLS; null when clients are not asked for certificates
 * @param certificate   the certificate file, for the start-up banner and errors
 */
public record ServerTls(KeyManagerFactory keyManagers, TrustManagerFactory clientTrust, Path certificate) {

    private static final String PRIVATE_KEY = "PRIVATE KEY";

    /** The three keys of a frontend whose keys start with {@code prefix} ({@code kafka}). */
    public static List<ConfigKey> keys(String prefix) {
        return List.of(
                ConfigKey.of(prefix + ".tls.certificate", "", "A PEM file with the " + prefix + " listener's TLS"
                        + " certificate chain, leaf first; empty = no TLS (docs/security.md)."),
                ConfigKey.of(prefix + ".tls.private-key", "", "A PEM file with that certificate's private key,"
                        + " unencrypted PKCS#8 (BEGIN PRIVATE KEY)."),
                ConfigKey.of(prefix + ".tls.client-ca", "", "A PEM file of CA certificates: set, every client must"
                        + " present a certificate they signed (mutual TLS)."));
    }

    /**
     * The TLS identity {@code config} gives the frontend with {@code prefix}, or empty for plain TCP.
     *
     * @throws InvalidConfigException naming the key and file when a file is missing or unreadable,
     *         or a key is given without a certificate or the other way round
     */
    public static Optional<ServerTls> fromConfig(FrontendConfig config, String prefix) {
        String certificateKey = prefix + ".tls.certificate";
        String privateKeyKey = prefix + ".tls.private-key";
        String clientCaKey = prefix + ".tls.client-ca";
        String certificate = config.string(certificateKey).trim();
        String privateKey = config.string(privateKeyKey).trim();
        String clientCa = config.string(clientCaKey).trim();
        if (certificate.isEmpty()) {
            if (!privateKey.isEmpty() || !clientCa.isEmpty()) {
                throw config.invalid(privateKey.isEmpty() ? clientCaKey : privateKeyKey,
                        "nothing, since " + certificateKey + " is not set (TLS needs a certificate)");
            }
            return Optional.empty();
        }
        if (privateKey.isEmpty()) {
            throw config.invalid(privateKeyKey, "the PEM file of " + certificateKey + "'s private key");
        }
        try {
            List<Certificate> chain = certificates(read(config, certificateKey));
            if (chain.isEmpty()) {
                throw config.invalid(certificateKey, "a PEM file with at least one certificate");
            }
            PrivateKey key = privateKey(config, privateKeyKey, read(config, privateKeyKey));
            KeyStore identity = KeyStore.getInstance("PKCS12");
            identity.load(null, null);
            char[] noPassword = new char[0];
            identity.setKeyEntry("server", key, noPassword, chain.toArray(new Certificate[0]));
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(identity, noPassword);
            TrustManagerFactory clientTrust = null;
            if (!clientCa.isEmpty()) {
                List<Certificate> authorities = certificates(read(config, clientCaKey));
                if (authorities.isEmpty()) {
                    throw config.invalid(clientCaKey, "a PEM file with at least one CA certificate");
                }
                KeyStore trusted = KeyStore.getInstance("PKCS12");
                trusted.load(null, null);
                for (int i = 0; i < authorities.size(); i++) {
                    trusted.setCertificateEntry("client-ca-" + i, authorities.get(i));
                }
                clientTrust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                clientTrust.init(trusted);
            }
            return Optional.of(new ServerTls(keyManagers, clientTrust, Path.of(certificate)));
        } catch (GeneralSecurityException | IOException e) {
            throw config.invalid(certificateKey, "a certificate and key the JDK accepts (" + e.getMessage() + ")");
        }
    }

    /**
     * Whether {@code config} asks the listener with {@code prefix} for client certificates (mutual
     * TLS): who a client is, as far as TLS can say. Read without loading the files.
     */
    public static boolean requiresClientCertificates(FrontendConfig config, String prefix) {
        return !config.string(prefix + ".tls.certificate").isBlank() && !config.string(prefix + ".tls.client-ca").isBlank();
    }

    /** True when clients must present a certificate (mutual TLS). */
    public boolean requiresClientCertificate() {
        return clientTrust != null;
    }

    /** A JDK context for listeners that take one (Undertow): TLS 1.2 and 1.3. */
    public SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), clientTrust == null ? null : clientTrust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's TLS context cannot be made: " + e.getMessage(), e);
        }
    }

    private static byte[] read(FrontendConfig config, String key) {
        Path file = Path.of(config.string(key).trim());
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw config.invalid(key, "a readable PEM file (" + file.toAbsolutePath() + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        }
    }

    private static List<Certificate> certificates(byte[] pem) throws GeneralSecurityException, IOException {
        try (InputStream in = new ByteArrayInputStream(pem)) {
            Collection<? extends Certificate> read = CertificateFactory.getInstance("X.509").generateCertificates(in);
            return new ArrayList<>(read);
        }
    }

    /** The PKCS#8 key in the first {@code BEGIN PRIVATE KEY} block, as RSA, EC or EdDSA. */
    private static PrivateKey privateKey(FrontendConfig config, String key, byte[] pem) {
        String text = new String(pem, StandardCharsets.US_ASCII);
        int begin = text.indexOf("-----BEGIN " + PRIVATE_KEY + "-----");
        int end = text.indexOf("-----END " + PRIVATE_KEY + "-----");
        if (begin < 0 || end < begin) {
            throw config.invalid(key, "an unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----; convert others with"
                    + " `openssl pkcs8 -topk8 -nocrypt -in old.key -out new.key`)");
        }
        String base64 = text.substring(begin + ("-----BEGIN " + PRIVATE_KEY + "-----").length(), end).replaceAll("\\s", "");
        PKCS8EncodedKeySpec spec;
        try {
            spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64));
        } catch (IllegalArgumentException e) {
            throw config.invalid(key, "a PEM block of base64 (" + e.getMessage() + ")");
        }
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException notThisAlgorithm) {
                // try the next
            }
        }
        throw config.invalid(key, "an RSA, EC or EdDSA private key");
    }
}
