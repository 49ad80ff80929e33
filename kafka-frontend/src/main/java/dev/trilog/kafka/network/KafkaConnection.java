package dev.trilog.kafka.network;

import dev.trilog.kafka.protocol.ApiTable;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import dev.trilog.kafka.security.SaslSession;
import dev.trilog.kafka.security.TlsPrincipals;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.network.ClientInformation;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.requests.RequestAndSize;
import org.apache.kafka.common.requests.RequestContext;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: decodes each frame into a request (kafka-clients' header and
 * generated request classes), hands it to the {@link ApiTable}, and writes the replies
 * <em>in request order</em>, as Kafka clients require, whatever order the handlers complete
 * in. All state here is touched only on the connection's event loop.
 *
 * <p>A frame whose header cannot be read closes the connection with one log line, as Kafka
 * does, and the frames after it are dropped unread; a body that cannot be parsed at a known
 * version gets the API's own error response.
 *
 * <p><b>Back-pressure.</b> Reading stops while {@value #MAX_IN_FLIGHT} requests wait for their
 * answers, or while the socket's outbound buffer is over Netty's high water mark (a client that
 * does not read its answers), and starts again once both have drained: a client that pipelines
 * requests without reading the replies holds a bounded amount of the broker's memory, whatever it
 * sends. Kafka itself goes further and reads one request per connection at a time; clients pipeline
 * at most {@code max.in.flight.requests.per.connection} (5 by default), far below the bound.
 *
 * <p>An {@link IdleStateEvent} (the listener's {@code connections.max.idle.ms}) closes the
 * connection unless a request is still being answered: a delayed fetch or a join waiting for
 * its rebalance is not idle, whatever the socket says.
 */
public final class KafkaConnection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(KafkaConnection.class);
    /** Requests read and not yet answered, past which the connection stops reading. */
    static final int MAX_IN_FLIGHT = 100;

    private final ApiTable apis;
    private final KafkaMetrics metrics;
    private final SecurityProtocol protocol;
    private final ListenerName listener;
    /** The client's login on a SASL listener; null on one without SASL. */
    private final SaslSession sasl;
    /** How a TLS client's certificate names it, on a TLS listener without SASL; else null. */
    private final TlsPrincipals tlsPrincipals;
    /** Who the client's certificate says it is, once its TLS handshake succeeded; ANONYMOUS until then and without one. */
    private KafkaPrincipal certificatePrincipal = KafkaPrincipal.ANONYMOUS;
    private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private long zeroCopyRegions;
    private boolean closed;

    /** A request awaiting its turn to be answered. */
    private static final class Pending {
        final RequestContext context;
        final long startNanos;
        Reply reply;
        boolean done;
        /** The connection closes once this answer is written: a refused login, or a failure with no answer. */
        boolean closeAfter;
        /** The answer to a raw SASL token (after SaslHandshake v0): written size-prefixed, without a header. */
        byte[] rawToken;

        Pending(RequestContext context, long startNanos) {
            this.context = context;
            this.startNanos = startNanos;
        }
    }

    public KafkaConnection(ApiTable apis, KafkaMetrics metrics) {
        this(apis, metrics, SecurityProtocol.PLAINTEXT, null);
    }

    /**
     * @param protocol the listener's Kafka security protocol, which each request's context names
     * @param sasl     this connection's login on a SASL listener ({@code SASL_PLAINTEXT}, {@code SASL_SSL}), else null
     */
    public KafkaConnection(ApiTable apis, KafkaMetrics metrics, SecurityProtocol protocol, SaslSession sasl) {
        this(apis, metrics, protocol, sasl, null);
    }

    /**
     * @param tlsPrincipals on a TLS listener, how a client certificate's subject becomes the
     *                      principal when there is no SASL login (Kafka's {@code ssl.principal.mapping.rules})
     */
    public KafkaConnection(ApiTable apis, KafkaMetrics metrics, SecurityProtocol protocol, SaslSession sasl,
            TlsPrincipals tlsPrincipals) {
        this.apis = apis;
        this.metrics = metrics;
        this.protocol = protocol;
        this.listener = ListenerName.forSecurityProtocol(protocol);
        this.sasl = sasl;
        this.tlsPrincipals = sasl == null ? tlsPrincipals : null; // under SASL_SSL the login names the client, as in Kafka
    }

    /**
     * Who the client is — {@code User:name} after a SASL login; on a TLS listener without SASL,
     * {@code User:} and its certificate's subject ({@code User:CN=alice}, after the mapping rules);
     * else ANONYMOUS — as each request's context also carries it ({@code RequestContext.principal}),
     * for an authorizer.
     */
    public KafkaPrincipal principal() {
        return sasl == null ? certificatePrincipal : sasl.principal();
    }

    /** File regions written by this connection so far: proof that fetches went zero-copy. */
    public long zeroCopyRegions() {
        return zeroCopyRegions;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        if (!context.channel().isActive()) {
            // closed by an earlier frame of the same read (unreadable): nothing the peer sent after
            // it is served, or a produce there would append for a client that saw its connection drop
            frame.release();
            return;
        }
        long startNanos = System.nanoTime();
        metrics.received(Integer.BYTES + frame.readableBytes()); // the size prefix, then the frame
        try {
            if (sasl != null && sasl.expectsRawToken()) {
                readRawToken(io.netty.buffer.ByteBufUtil.getBytes(frame), startNanos);
                return;
            }
            ByteBuffer buffer = frame.nioBuffer();
            RequestContext requestContext;
            RequestAndSize parsed;
            try {
                RequestHeader header = RequestHeader.parse(buffer);
                requestContext = newContext(header);
                parsed = requestContext.parseRequest(buffer);
            } catch (RuntimeException e) {
                log.warn("Closing Kafka connection from {}: unreadable request ({})", context.channel().remoteAddress(),
                        e.getMessage());
                context.close();
                return;
            }
            SaslSession.Admission admission = sasl == null ? SaslSession.Admission.SERVE
                    : sasl.admit(requestContext.header.apiKey());
            if (admission == SaslSession.Admission.CLOSE) {
                // before a login only ApiVersions and SASL, after its session only a re-login: Kafka closes too
                log.debug("Closing Kafka connection from {}: {} {}", context.channel().remoteAddress(),
                        requestContext.header.apiKey(), sasl.expired() ? "after its SASL session expired"
                                : "before a SASL login completed");
                context.close();
                return;
            }
            Pending pending = new Pending(requestContext, startNanos);
            inFlight.add(pending);
            readWhileThereIsRoom();
            KafkaRequest request = new KafkaRequest(requestContext, parsed.request);
            CompletableFuture<Reply> reply;
            try {
                reply = admission == SaslSession.Admission.AUTHENTICATION
                        ? sasl.handle(request, context.executor()).thenApply(answer -> {
                            pending.closeAfter = answer.close();
                            return answer.reply();
                        })
                        : apis.dispatch(request);
            } catch (RuntimeException e) {
                reply = CompletableFuture.failedFuture(e);
            }
            reply.whenComplete((result, failure) -> {
                Reply answer = failure == null ? result : failed(request, failure, pending);
                if (context.executor().inEventLoop()) {
                    complete(pending, answer);
                } else {
                    context.executor().execute(() -> complete(pending, answer));
                }
            });
        } finally {
            frame.release();
        }
    }

    /** A raw SASL token, after a SaslHandshake v0: answered in order like a request, without a header. */
    private void readRawToken(byte[] token, long startNanos) {
        Pending pending = new Pending(null, startNanos);
        inFlight.add(pending);
        readWhileThereIsRoom();
        sasl.handleRaw(token, ctx.executor()).whenComplete((answer, failure) -> ctx.executor().execute(() -> {
            pending.rawToken = answer == null ? null : answer.challenge();
            pending.closeAfter = answer == null || answer.close();
            complete(pending, Reply.NONE);
        }));
    }

    /**
     * The request's error answer; when even that cannot be built, no answer and the connection
     * closes after the answers before it — else this request would stay unanswered and every
     * later answer would wait behind it, the client's connection hung for good.
     */
    private Reply failed(KafkaRequest request, Throwable failure, Pending pending) {
        try {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (!(cause instanceof org.apache.kafka.common.errors.ApiException)) {
                metrics.failed(request.apiKey());
                log.error("{} v{} from {} failed", request.apiKey(), request.version(), ctx.channel().remoteAddress(),
                        cause);
            }
            return request.error(cause);
        } catch (RuntimeException unanswerable) {
            log.error("{} v{} from {}: no error answer could be built; closing the connection", request.apiKey(),
                    request.version(), ctx.channel().remoteAddress(), unanswerable);
            pending.closeAfter = true;
            return Reply.NONE;
        }
    }

    private void complete(Pending pending, Reply reply) {
        if (closed) {
            reply.closeResources(); // answered after the client left: nothing to write
            return;
        }
        pending.reply = reply;
        pending.done = true;
        boolean wrote = false;
        while (!inFlight.isEmpty() && inFlight.peek().done) {
            Pending next = inFlight.poll();
            wrote |= next.rawToken != null ? writeRaw(next.rawToken) : write(next);
            if (next.closeAfter) {
                ctx.flush();
                ctx.close();
                return;
            }
        }
        if (wrote) {
            ctx.flush();
        }
        readWhileThereIsRoom();
    }

    /** Reads on only while few requests await answers and the answers already written are leaving. */
    private void readWhileThereIsRoom() {
        boolean read = inFlight.size() < MAX_IN_FLIGHT && ctx.channel().isWritable();
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read); // true reads again at once
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        if (!closed) {
            readWhileThereIsRoom();
        }
        context.fireChannelWritabilityChanged();
    }

    private boolean writeRaw(byte[] token) {
        if (!ctx.channel().isActive()) {
            return false;
        }
        ctx.write(ctx.alloc().buffer(Integer.BYTES + token.length).writeInt(token.length).writeBytes(token));
        return true;
    }

    private boolean write(Pending pending) {
        Reply reply = pending.reply;
        if (reply.response() == null || !ctx.channel().isActive()) {
            reply.closeResources();
            return false;
        }
        try {
            Send send = pending.context.buildResponseSend(reply.response());
            NettyTransferableChannel channel = new NettyTransferableChannel(ctx);
            while (!send.completed()) {
                send.writeTo(channel);
            }
            zeroCopyRegions += channel.fileRegions();
            metrics.answered(pending.context.header.apiKey(), pending.startNanos, send.size());
            if (!reply.resources().isEmpty()) {
                // The resources (segment slices) must outlive the queued file regions.
                ctx.write(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(f -> reply.closeResources());
            }
            return true;
        } catch (Exception e) {
            reply.closeResources();
            log.error("Writing a {} response failed; closing the connection", pending.context.header.apiKey(), e);
            ctx.close();
            return false;
        }
    }

    private RequestContext newContext(RequestHeader header) {
        InetSocketAddress remote = ctx.channel().remoteAddress() instanceof InetSocketAddress inet ? inet
                : new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0); // in-process channels
        return new RequestContext(header, ctx.channel().id().asShortText(), remote.getAddress(),
                java.util.Optional.of(remote.getPort()), principal(), listener, protocol,
                ClientInformation.EMPTY, false);
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        metrics.connectionOpened();
        context.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        metrics.connectionClosed();
        closed = true;
        for (Pending pending : inFlight) {
            if (pending.done) {
                pending.reply.closeResources();
            }
        }
        inFlight.clear();
        context.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) {
        if (event instanceof IdleStateEvent) {
            if (inFlight.isEmpty()) {
                log.debug("Closing Kafka connection from {}: idle past connections.max.idle.ms",
                        context.channel().remoteAddress());
                context.close();
            }
            return;
        }
        if (event instanceof SslHandshakeCompletionEvent handshake && handshake.isSuccess() && tlsPrincipals != null) {
            nameByCertificate(context);
        }
        context.fireUserEventTriggered(event);
    }

    /**
     * Takes the principal from the client's certificate once the handshake is done, before any
     * request can arrive (TLS hands on no application data earlier). A subject no mapping rule
     * matches fails the client's authentication, as in Kafka: the connection closes.
     */
    private void nameByCertificate(ChannelHandlerContext context) {
        SslHandler tls = context.pipeline().get(SslHandler.class);
        InetAddress client = context.channel().remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress()
                : InetAddress.getLoopbackAddress();
        try {
            certificatePrincipal = tlsPrincipals.principalOf(tls.engine().getSession(), client, listener);
        } catch (KafkaException e) {
            log.warn("Closing Kafka connection from {}: {} (kafka.tls.principal-mapping-rules: {})",
                    context.channel().remoteAddress(), e.getMessage(), tlsPrincipals.rules());
            context.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        log.warn("Kafka connection from {} failed: {}", context.channel().remoteAddress(), cause.toString());
        context.close();
    }
}
