package dev.trilog.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test-only TLS material (resources {@code tls/}, see its README): a CA, a server certificate for
 * {@code localhost} and {@code 127.0.0.1} and a client certificate, both signed by it, copied out
 * as PEM files because listeners and clients read files.
 *
 * @param ca          the CA certificate: what clients trust, and what mutual TLS asks client certificates to chain to
 * @param certificate the server's certificate
 * @param privateKey  the server's key (PKCS#8)
 * @param clientCertificate a client certificate signed by the CA
 * @param clientKey   its key (PKCS#8)
 */
public record TestTls(Path ca, Path certificate, Path privateKey, Path clientCertificate, Path clientKey) {

    /** Copies the files into {@code dir}. */
    public static TestTls writeTo(Path dir) {
        try {
            Files.createDirectories(dir);
            return new TestTls(copy("ca.crt", dir), copy("server.crt", dir), copy("server.key", dir),
                    copy("client.crt", dir), copy("client.key", dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path copy(String name, Path dir) throws IOException {
        try (InputStream in = TestTls.class.getResourceAsStream("/tls/" + name)) {
            if (in == null) {
                throw new IOException("test resource tls/" + name + " is missing");
            }
            Path file = dir.resolve(name);
            Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return file;
        }
    }
}
