package dev.trilog.gateway.admin;

import dev.trilog.frontend.ServerTls;
import dev.trilog.gateway.Listener;
import dev.trilog.gateway.config.ListenAddress;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.handlers.GracefulShutdownHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP listener ({@code admin.port}): health, Prometheus metrics and the JSON API
 * ({@link AdminApi}), served by Undertow's core handler API on its own small thread pool so
 * that a busy protocol frontend cannot starve health checks.
 *
 * <p>Shutdown: from the first moment every new request is answered 503, in-flight requests get
 * {@link #DRAIN_TIMEOUT} to finish, then the server stops (closing the listening socket and cutting
 * whatever is left). Undertow's {@code ListenerInfo.suspend()} is deliberately not used to stop
 * accepting first: it also closes every open connection, in-flight requests included.
 */
public final class AdminEndpoint implements Listener {

    /** The body of {@code /health} on one node. */
    public static final String HEALTH_BODY = AdminRoutes.HEALTH_BODY;
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(AdminEndpoint.class);

    private final ListenAddress address;
    private final GracefulShutdownHandler requests;
    private final Undertow server;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile InetSocketAddress boundAddress;

    /** @param metrics produces the {@code /metrics} body, normally {@code GatewayMetrics::scrape} */
    public AdminEndpoint(ListenAddress address, Supplier<String> metrics) {
        this(address, () -> HEALTH_BODY, List::of, metrics, null, false);
    }

    /**
     * @param health   the {@code /health} body: {@code {"status":"UP"}}, with cluster details on a clustered node
     * @param notReady what {@code /health/ready} says the broker waits for; empty when it can serve
     */
    public AdminEndpoint(ListenAddress address, Supplier<String> health, Supplier<List<String>> notReady,
            Supplier<String> metrics) {
        this(address, health, notReady, metrics, null, false);
    }

    /**
     * @param api    the JSON API under {@code /api/v1}; null answers 404 there
     * @param writes whether the API may change anything ({@code admin.console.writes}); else its POST and DELETE are 403
     */
    public AdminEndpoint(ListenAddress address, Supplier<String> health, Supplier<List<String>> notReady,
            Supplier<String> metrics, AdminApi api, boolean writes) {
        this(address, health, notReady, metrics, api, writes, null);
    }

    /** @param tls the port's TLS identity (HTTPS); null = plain HTTP */
    public AdminEndpoint(ListenAddress address, Supplier<String> health, Supplier<List<String>> notReady,
            Supplier<String> metrics, AdminApi api, boolean writes, ServerTls tls) {
        this.address = address;
        this.requests = Handlers.gracefulShutdown(new AdminRoutes(health, notReady, metrics, api, writes));
        Undertow.Builder builder = Undertow.builder();
        if (tls == null) {
            builder.addHttpListener(address.port(), address.host());
        } else {
            builder.addHttpsListener(address.port(), address.host(), tls.sslContext())
                    .setSocketOption(org.xnio.Options.SSL_CLIENT_AUTH_MODE, tls.requiresClientCertificate()
                            ? org.xnio.SslClientAuthMode.REQUIRED : org.xnio.SslClientAuthMode.NOT_REQUESTED);
        }
        this.server = builder
                // health checks and scrapes are rare and short: two workers are plenty
                .setIoThreads(1)
                .setWorkerThreads(2)
                .setServerOption(UndertowOptions.SHUTDOWN_TIMEOUT, (int) DRAIN_TIMEOUT.toMillis())
                .setHandler(requests)
                .build();
    }

    @Override
    public String name() {
        return "admin";
    }

    @Override
    public ListenAddress address() {
        return address;
    }

    @Override
    public void start() throws IOException {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        try {
            server.start();
        } catch (RuntimeException e) {
            // Undertow wraps the BindException; it has already shut its worker threads down
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
        boundAddress = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
    }

    @Override
    public InetSocketAddress boundAddress() {
        if (boundAddress == null) {
            throw new IllegalStateException("not started");
        }
        return boundAddress;
    }

    @Override
    public void close() {
        if (boundAddress == null || !closed.compareAndSet(false, true)) {
            return;
        }
        requests.shutdown();
        try {
            if (!requests.awaitShutdown(DRAIN_TIMEOUT.toMillis())) {
                LOG.warn("admin requests still running after {} s; closing them", DRAIN_TIMEOUT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop();
    }
}
