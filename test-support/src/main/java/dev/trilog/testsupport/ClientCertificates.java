package dev.trilog.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority made for one test, and PKCS12 client keystores it signs for any subject
 * ({@code CN=alice,OU=ops}): what mutual TLS with certificate-named principals needs, where
 * {@link TestTls}'s single fixed client certificate is not enough. Made with the JDK's
 * {@code keytool}, as an operator would, so no crypto library joins the build. A listener asks
 * for these clients' certificates with the {@link #ca()} PEM as its client CA; the server side
 * keeps {@link TestTls}'s certificate.
 *
 * @param dir      where the files are
 * @param ca       the CA's certificate (PEM)
 * @param password the password of every keystore here (and of the keys in them)
 */
public record ClientCertificates(Path dir, Path ca, String password) {

    private static final String PASSWORD = "test-only";
    private static final String CA_SUBJECT = "CN=Trilog test client CA";

    /** A new CA in {@code dir} (valid for two days: it lives as long as a test). */
    public static ClientCertificates createIn(Path dir) {
        try {
            Files.createDirectories(dir);
            Path caStore = dir.resolve("ca.p12");
            keytool("-genkeypair", "-alias", "ca", "-dname", CA_SUBJECT, "-ext", "bc:c", "-ext", "ku:c=keyCertSign,cRLSign",
                    "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-storetype", "PKCS12", "-keystore",
                    caStore.toString(), "-storepass", PASSWORD);
            Path ca = dir.resolve("ca.pem");
            keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(), "-storepass", PASSWORD,
                    "-file", ca.toString());
            return new ClientCertificates(dir, ca, PASSWORD);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A PKCS12 keystore holding a new key and its certificate for {@code subject} (an X.500 name,
     * {@code CN=alice,OU=ops}), signed by this CA for client authentication, the chain included.
     */
    public Path keystore(String name, String subject) {
        try {
            Path store = dir.resolve(name + ".p12");
            Path request = dir.resolve(name + ".csr");
            Path signed = dir.resolve(name + ".crt");
            String caStore = dir.resolve("ca.p12").toString();
            keytool("-genkeypair", "-alias", "client", "-dname", subject, "-keyalg", "RSA", "-keysize", "2048",
                    "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", password);
            keytool("-certreq", "-alias", "client", "-keystore", store.toString(), "-storepass", password, "-file",
                    request.toString());
            keytool("-gencert", "-alias", "ca", "-keystore", caStore, "-storepass", password, "-infile",
                    request.toString(), "-outfile", signed.toString(), "-rfc", "-validity", "2",
                    "-ext", "eku=clientAuth", "-ext", "ku=digitalSignature,keyEncipherment");
            // the reply replaces the self-signed certificate once keytool can chain it to a CA it holds
            keytool("-importcert", "-noprompt", "-alias", "ca", "-file", ca.toString(), "-keystore", store.toString(),
                    "-storepass", password);
            keytool("-importcert", "-alias", "client", "-file", signed.toString(), "-keystore", store.toString(),
                    "-storepass", password);
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool " + args[0] + " did not finish within 120 s");
            }
            if (process.exitValue() != 0) {
                throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        }
    }
}
