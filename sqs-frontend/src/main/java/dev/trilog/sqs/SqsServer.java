package dev.trilog.sqs;

import dev.trilog.frontend.ServerFrontend;
import dev.trilog.sqs.protocol.ActionHandler;
import dev.trilog.sqs.auth.SignatureV4;
import dev.trilog.sqs.protocol.SqsHttpHandler;
import dev.trilog.sqs.protocol.SqsMetrics;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.handlers.GracefulShutdownHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQS listener: Undertow with {@link SqsHttpHandler} for both wire protocols on one port.
 *
 * <p>Bodies are capped at {@link #MAX_ENTITY_BYTES}: room for a 1 MiB batch after form encoding
 * (which can triple UTF-8 text); SQS's own size limits are then enforced with SQS's errors. A
 * larger body is read and dropped up to {@link #MAX_DISCARDED_BYTES}, so its sender gets the size
 * error ({@code RequestEntityTooLarge}, 413) and can go on using the connection; past that
 * Undertow stops reading and the connection is closed after the answer.
 * Shutdown refuses new requests, answers waiting long polls with no messages (as SQS answers a
 * poll whose connection it closes) and drains the other requests in flight for up to
 * {@link #DRAIN_MILLIS}.
 */
public final class SqsServer implements ServerFrontend.Server {

    static final int MAX_ENTITY_BYTES = 8 << 20;
    static final long MAX_DISCARDED_BYTES = 64L << 20;
    static final int DRAIN_MILLIS = 2_000;
    private static final Logger LOG = LoggerFactory.getLogger(SqsServer.class);

    private final ActionHandler actions;
    private final GracefulShutdownHandler requests;
    private final Undertow server;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile InetSocketAddress bound;

    public SqsServer(SqsSettings settings, ActionHandler actions) {
        this(settings, actions, SqsMetrics.detached());
    }

    public SqsServer(SqsSettings settings, ActionHandler actions, SqsMetrics metrics) {
        this.actions = actions;
        this.requests = Handlers.gracefulShutdown(new SqsHttpHandler(actions,
                new SignatureV4(settings.accessKeys()), settings.fixedHost(), MAX_ENTITY_BYTES, metrics));
        this.server = Undertow.builder()
                .addHttpListener(settings.port(), settings.host())
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, MAX_DISCARDED_BYTES)
                .setServerOption(UndertowOptions.SHUTDOWN_TIMEOUT, DRAIN_MILLIS)
                .setHandler(requests)
                .build();
    }

    /** Binds and starts serving; returns the bound address. */
    public InetSocketAddress start() throws IOException {
        try {
            server.start();
        } catch (RuntimeException e) {
            // Undertow wraps the BindException and has already stopped its threads
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
        bound = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
        return bound;
    }

    public InetSocketAddress boundAddress() {
        if (bound == null) {
            throw new IllegalStateException("not started");
        }
        return bound;
    }

    @Override
    public void close() {
        if (bound == null || !closed.compareAndSet(false, true)) {
            return;
        }
        requests.shutdown();
        int longPolls = actions.endLongPolls();
        if (longPolls > 0) {
            LOG.info("SQS shutting down: answered {} waiting long poll(s) with no messages", longPolls);
        }
        try {
            if (!requests.awaitShutdown(DRAIN_MILLIS)) {
                LOG.info("SQS requests still open after {} ms; closing them", DRAIN_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop();
    }
}
