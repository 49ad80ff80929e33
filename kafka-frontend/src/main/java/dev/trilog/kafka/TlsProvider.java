package dev.trilog.kafka;

import dev.trilog.frontend.ServerTls;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Which TLS engine encrypts the Kafka listener ({@code kafka.tls.provider}): BoringSSL through
 * {@code netty-tcnative-boringssl-static} (Netty's {@code OPENSSL} provider), or the JDK's
 * {@code SSLEngine}. Under TLS every fetched byte passes through the engine (no {@code sendfile}),
 * so its speed is the fetch path's (bench/kafka/RESULTS.md, "TLS").
 */
public enum TlsProvider {
    /** BoringSSL where its native library loads (Linux, macOS and Windows on x86_64 and aarch64), else the JDK's. */
    AUTO,
    /** BoringSSL or refuse to start. */
    OPENSSL,
    /** The JDK's engine. */
    JDK;

    /** Parses a configured name, case-insensitively; null for an unknown name. */
    public static TlsProvider parse(String name) {
        for (TlsProvider provider : values()) {
            if (provider.name().equals(name.trim().toUpperCase(Locale.ROOT))) {
                return provider;
            }
        }
        return null;
    }

    /** The engine this choice runs on here: {@code OPENSSL} or {@code JDK}. */
    public TlsProvider resolve() {
        return switch (this) {
            case AUTO -> OpenSsl.isAvailable() ? OPENSSL : JDK;
            case OPENSSL -> {
                if (!OpenSsl.isAvailable()) {
                    throw new IllegalStateException("kafka.tls.provider=openssl, but netty-tcnative's BoringSSL does"
                            + " not load here: " + OpenSsl.unavailabilityCause());
                }
                yield OPENSSL;
            }
            case JDK -> JDK;
        };
    }

    /** A server context over {@code tls} on the engine {@link #resolve()} picks: TLS 1.2 and 1.3 either way. */
    SslContext serverContext(ServerTls tls) {
        ClientAuth clientAuth = tls.requiresClientCertificate() ? ClientAuth.REQUIRE : ClientAuth.NONE;
        if (resolve() == JDK) {
            return new JdkSslContext(tls.sslContext(), false, clientAuth);
        }
        try {
            return SslContextBuilder.forServer(tls.keyManagers())
                    .sslProvider(SslProvider.OPENSSL)
                    .trustManager(tls.clientTrust())
                    .clientAuth(clientAuth)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("BoringSSL refused the Kafka listener's certificate: " + e.getMessage(), e);
        }
    }
}
