package dev.trilog.amqp;

import dev.trilog.frontend.FrontendConfig;
import dev.trilog.frontend.FrontendContext;
import dev.trilog.frontend.ServerFrontend;
import dev.trilog.frontend.ServerTls;
import dev.trilog.frontend.auth.PasswordLogins;
import dev.trilog.frontend.auth.PermissionStore;
import java.io.IOException;
import java.util.Optional;

/**
 * AMQP as the gateway runs it: {@code amqp.port} and the keys of {@link AmqpFrontendConfig},
 * served by an {@link AmqpServer} over the engine's shared {@code Queues} and {@code Topology}:
 * AMQP 1.0 and 0-9-1 on one port, the protocol header decides. Registered in
 * {@code META-INF/services/dev.trilog.frontend.Frontend}.
 */
public final class AmqpFrontend extends ServerFrontend<AmqpServer> {

    public AmqpFrontend() {
        super("amqp", AmqpFrontendConfig.KEYS, AmqpFrontendConfig.PORT, AmqpFrontendConfig::read);
    }

    @Override
    public boolean servesQueues() {
        return true;
    }

    /** Logins checked against the user store ({@code amqp.auth=users}), or mutual TLS ({@code amqp.tls.client-ca}). */
    @Override
    public Optional<String> clientAuthentication(FrontendConfig config) {
        if (AmqpFrontendConfig.checkedLogins(config)) {
            return Optional.of("logins checked against the users (amqp.auth=users)");
        }
        return ServerTls.requiresClientCertificates(config, AmqpFrontendConfig.TLS_PREFIX)
                ? Optional.of("mutual TLS") : Optional.empty();
    }

    @Override
    protected AmqpServer newServer(FrontendContext context) throws IOException {
        PasswordLogins logins = AmqpFrontendConfig.checkedLogins(context.config())
                ? PasswordLogins.checkedAgainst(context.users(), PermissionStore.open(context.engine()), "trilog-amqp-login")
                : PasswordLogins.anyone();
        return new AmqpServer(AmqpFrontendConfig.read(context.config()), context.engine(), context.queues(),
                context.topology(), new AmqpMetrics(context.meters()), logins, context.vhosts());
    }
}
