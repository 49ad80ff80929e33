package dev.trilog.kafka.security;

import java.net.InetAddress;
import javax.net.ssl.SSLSession;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SslAuthenticationContext;
import org.apache.kafka.common.security.authenticator.DefaultKafkaPrincipalBuilder;
import org.apache.kafka.common.security.ssl.SslPrincipalMapper;

/**
 * The principal of a client on a TLS listener without SASL, as Kafka's
 * {@link DefaultKafkaPrincipalBuilder} makes it: {@code User:} and the subject of the client's
 * certificate (RFC 2253, {@code CN=alice,OU=ops}) passed through {@code ssl.principal.mapping.rules}
 * ({@code DEFAULT} keeps it whole); {@code User:ANONYMOUS} for a client that showed no certificate.
 * Kafka's own classes do both steps, so a rule behaves as on a Kafka broker.
 */
public final class TlsPrincipals {

    /** Kafka's default for {@code ssl.principal.mapping.rules}: the subject as it is. */
    public static final String DEFAULT_RULES = "DEFAULT";
    public static final TlsPrincipals DEFAULT = fromRules(DEFAULT_RULES);

    private final String rules;
    private final DefaultKafkaPrincipalBuilder builder;

    private TlsPrincipals(String rules, SslPrincipalMapper mapper) {
        this.rules = rules;
        // no Kerberos names here: the builder needs a short-namer only for SASL GSSAPI
        this.builder = new DefaultKafkaPrincipalBuilder(null, mapper);
    }

    /**
     * @param rules Kafka's {@code ssl.principal.mapping.rules} syntax ({@code RULE:pattern/replacement/[LU]}, {@code DEFAULT})
     * @throws IllegalArgumentException for rules Kafka would refuse
     */
    public static TlsPrincipals fromRules(String rules) {
        return new TlsPrincipals(rules, SslPrincipalMapper.fromRules(rules));
    }

    public String rules() {
        return rules;
    }

    /**
     * The principal of the client at the other end of {@code session} (its handshake done).
     *
     * @throws org.apache.kafka.common.KafkaException when no rule matches the subject (Kafka then
     *         fails the client's authentication)
     */
    public KafkaPrincipal principalOf(SSLSession session, InetAddress client, ListenerName listener) {
        return builder.build(new SslAuthenticationContext(session, client, listener.value()));
    }

    @Override
    public String toString() {
        return rules;
    }
}
