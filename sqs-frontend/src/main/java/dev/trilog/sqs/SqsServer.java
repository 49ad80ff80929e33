package dev.trilog.sqs;

import dev.trilog.frontend.ConnectionGate;
import dev.trilog.frontend.ServerFrontend;
import dev.trilog.sqs.protocol.ActionHandler;
import dev.trilog.sqs.auth.SignatureV4;
import dev.trilog.sqs.protocol.SqsHttpHandler;
import dev.trilog.sqs.protocol.SqsMetrics;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.SslClientAuthMode;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

/**
 * The SQS listener: Undertow's HTTP/1.1 connector with {@link SqsHttpHandler} for both wire
 * protocols on one port.
 *
 * <p>Bodies are capped at {@link #MAX_ENTITY_BYTES}: room for a 1 MiB batch after form encoding
 * (which can triple UTF-8 text); SQS's own size limits are then enforced with SQS's errors. A
 * larger body is read and dropped up to {@link #MAX_DISCARDED_BYTES}, so its sender gets the size
 * error ({@code RequestEntityTooLarge}, 413) and can go on using the connection; past that
 * Undertow stops reading and the connection is closed after the answer.
 * Shutdown refuses new requests, answers waiting long polls with no messages (as SQS answers a
 * poll whose connection it closes) and drains the other requests in flight for up to
 * {@link #DRAIN_MILLIS}.
 *
 * <p><b>Connections</b> ({@link SqsSettings#connections()}). A connection is closed when Trilog
 * has waited {@code sqs.idle-timeout-ms} for its bytes — before its first request, between
 * requests, inside one (a stalled head or body) — or for it to take an answer's bytes, and when
 * a request's head takes longer than that to arrive. A long poll waiting for messages is
 * Trilog's silence, not the client's: it is not cut. A connection over
 * {@code sqs.max-connections} or {@code sqs.max-connections-per-ip} is closed as soon as it is
 * accepted ({@link ConnectionGate}). For that the listener is put together here from Undertow's
 * parts (an XNIO worker, Undertow's HTTP open listener, with {@code Undertow.builder()}'s
 * settings): the builder's accept loop has no place to refuse a connection.
 */
public final class SqsServer implements ServerFrontend.Server {

    static final int MAX_ENTITY_BYTES = 8 << 20;
    static final long MAX_DISCARDED_BYTES = 64L << 20;
    static final int DRAIN_MILLIS = 2_000;
    /** {@code Undertow.builder()}'s buffers: 16 KiB, direct. */
    private static final int BUFFER_BYTES = 16 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(SqsServer.class);

    private final ActionHandler actions;
    private final SqsSettings settings;
    private final GracefulShutdownHandler requests;
    private final ConnectionGate gate;
    private final AtomicBoolean closed = new AtomicBoolean();
    private XnioWorker worker;
    private AcceptingChannel<StreamConnection> acceptor;
    private volatile InetSocketAddress bound;

    public SqsServer(SqsSettings settings, ActionHandler actions) {
        this(settings, actions, SqsMetrics.detached());
    }

    public SqsServer(SqsSettings settings, ActionHandler actions, SqsMetrics metrics) {
        this.actions = actions;
        this.settings = settings;
        this.requests = Handlers.gracefulShutdown(new SqsHttpHandler(actions,
                new SignatureV4(settings.accessKeys()), settings.fixedHost(), MAX_ENTITY_BYTES, metrics));
        this.gate = new ConnectionGate("SQS", settings.connections(), SqsFrontendConfig.MAX_CONNECTIONS,
                SqsFrontendConfig.MAX_CONNECTIONS_PER_IP, metrics::connectionRefused);
        metrics.connections(gate::open);
    }

    /** Binds and starts serving; returns the bound address. */
    public InetSocketAddress start() throws IOException {
        int ioThreads = Math.max(Runtime.getRuntime().availableProcessors(), 2); // as Undertow.builder()
        worker = Xnio.getInstance(Undertow.class.getClassLoader()).createWorker(OptionMap.builder()
                .set(Options.WORKER_IO_THREADS, ioThreads)
                .set(Options.WORKER_TASK_CORE_THREADS, ioThreads * 8)
                .set(Options.WORKER_TASK_MAX_THREADS, ioThreads * 8)
                .set(Options.TCP_NODELAY, true)
                .set(Options.CORK, true)
                .getMap());
        OptionMap.Builder socket = OptionMap.builder()
                .set(Options.WORKER_IO_THREADS, worker.getIoThreadCount())
                .set(Options.TCP_NODELAY, true)
                .set(Options.REUSE_ADDRESSES, true)
                .set(Options.BALANCING_TOKENS, 1)
                .set(Options.BALANCING_CONNECTIONS, 2)
                .set(Options.BACKLOG, 1000);
        OptionMap.Builder server = OptionMap.builder()
                .set(UndertowOptions.BUFFER_PIPELINED_DATA, true)
                .set(UndertowOptions.MAX_ENTITY_SIZE, MAX_DISCARDED_BYTES);
        int idleMs = settings.connections().idleTimeoutMs();
        if (idleMs > 0) {
            // a read or write waiting this long; before or between requests; a head taking this long
            socket.set(Options.READ_TIMEOUT, idleMs).set(Options.WRITE_TIMEOUT, idleMs);
            server.set(UndertowOptions.NO_REQUEST_TIMEOUT, idleMs).set(UndertowOptions.REQUEST_PARSE_TIMEOUT, idleMs);
        }
        HttpOpenListener http = new HttpOpenListener(new DefaultByteBufferPool(true, BUFFER_BYTES, -1, 4),
                server.getMap());
        http.setRootHandler(requests);
        // HTTPS: each accepted connection is wrapped in Undertow's TLS engine before HTTP reads it
        OptionMap tlsOptions = OptionMap.create(Options.SSL_CLIENT_AUTH_MODE, settings.tls() != null
                && settings.tls().requiresClientCertificate() ? SslClientAuthMode.REQUIRED : SslClientAuthMode.NOT_REQUESTED);
        UndertowXnioSsl tls = settings.tls() == null ? null
                : new UndertowXnioSsl(worker.getXnio(), tlsOptions, settings.tls().sslContext());
        try {
            acceptor = worker.createStreamConnectionServer(
                    new InetSocketAddress(InetAddress.getByName(settings.host()), settings.port()),
                    ChannelListeners.openListenerAdapter(connection -> admit(tls == null ? connection
                            : tls.wrapExistingConnection(connection, tlsOptions, false), http)), socket.getMap());
        } catch (IOException | RuntimeException e) {
            worker.shutdownNow();
            throw e;
        }
        acceptor.resumeAccepts();
        bound = acceptor.getLocalAddress(InetSocketAddress.class);
        return bound;
    }

    /** Hands an accepted connection to Undertow, or closes it when it is over a limit. */
    private void admit(StreamConnection connection, HttpOpenListener http) {
        InetSocketAddress peer = connection.getPeerAddress(InetSocketAddress.class);
        if (peer == null || !gate.admit(peer.getAddress())) {
            IoUtils.safeClose(connection);
            return;
        }
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                gate.release(peer.getAddress());
            }
        };
        http.handleEvent(connection);
        // Undertow has put its own close listener in place: ours goes in front of it
        ChannelListener<? super StreamConnection> undertows = connection.getCloseListener();
        connection.setCloseListener(closing -> {
            release.run();
            ChannelListeners.invokeChannelListener(closing, undertows);
        });
        if (!connection.isOpen()) {
            release.run(); // closed before our listener was in place
        }
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
        IoUtils.safeClose(acceptor);
        worker.shutdown();
        try {
            if (!worker.awaitTermination(DRAIN_MILLIS, TimeUnit.MILLISECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
