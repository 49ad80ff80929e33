package dev.trilog.gateway;

import dev.trilog.frontend.Frontend;
import dev.trilog.frontend.ServerTls;
import dev.trilog.gateway.config.GatewayConfig;
import dev.trilog.gateway.config.KnownKeys;
import dev.trilog.gateway.config.ListenAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up check for listeners anyone on the network can use: a listener bound beyond
 * loopback whose clients prove nothing about who they are. What counts as authentication is each
 * frontend's to say ({@link Frontend#clientAuthentication}); the admin port's is mutual TLS
 * ({@code admin.tls.client-ca}), or listening on loopback. By default one WARN line names them all;
 * with {@value KnownKeys#REQUIRE_AUTH_OFF_LOOPBACK}{@code =true} the start is refused instead,
 * before anything opens.
 */
final class UnauthenticatedListeners {

    private static final Logger LOG = LoggerFactory.getLogger(UnauthenticatedListeners.class);

    private UnauthenticatedListeners() {
    }

    /**
     * @throws StartupException naming every such listener, when {@code security.require-auth-off-loopback} is set
     */
    static void check(GatewayConfig config, List<Frontend> frontends) {
        List<String> open = find(config, frontends);
        if (open.isEmpty()) {
            return;
        }
        String listeners = String.join(", ", open);
        if (config.frontendConfig().bool(KnownKeys.REQUIRE_AUTH_OFF_LOOPBACK)) {
            throw new StartupException("refusing to start: " + listeners + " would listen beyond loopback with no"
                    + " client authentication, and " + KnownKeys.REQUIRE_AUTH_OFF_LOOPBACK + "=true (docs/security.md)");
        }
        LOG.warn("SECURITY: {} listen beyond loopback with no client authentication: anyone who can reach them may"
                + " use them. Configure authentication for each (docs/security.md), bind 127.0.0.1, or set {}=true"
                + " to refuse such a start.", listeners, KnownKeys.REQUIRE_AUTH_OFF_LOOPBACK);
    }

    /** Each listener beyond loopback without client authentication: {@code kafka (0.0.0.0:9092)}. */
    static List<String> find(GatewayConfig config, List<Frontend> frontends) {
        List<String> open = new ArrayList<>();
        for (Frontend frontend : frontends) {
            ListenAddress address = config.listenAddress(frontend.portKey());
            if (frontend.listens() && !loopback(address.host())
                    && frontend.clientAuthentication(config.frontendConfig()).isEmpty()) {
                open.add(describe(frontend.name(), address));
            }
        }
        if (!loopback(config.admin().host())
                && !ServerTls.requiresClientCertificates(config.frontendConfig(), KnownKeys.ADMIN_TLS_PREFIX)) {
            open.add(describe("admin", config.admin()));
        }
        return open;
    }

    private static String describe(String name, ListenAddress address) {
        return name + " (" + address.host() + ":" + address.port() + ")";
    }

    /** A name that does not resolve counts as beyond loopback: the listener could not bind it anyway. */
    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
