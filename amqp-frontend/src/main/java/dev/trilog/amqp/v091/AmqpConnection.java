package dev.trilog.amqp.v091;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Method;
import dev.trilog.amqp.ResourceAccess;
import dev.trilog.amqp.v091.codec.Frame;
import dev.trilog.amqp.v091.codec.FrameDecoder;
import dev.trilog.amqp.v091.codec.FrameEncoder;
import dev.trilog.amqp.v091.codec.ReplyCode;
import dev.trilog.frontend.auth.Permission;
import dev.trilog.routing.address.VhostNames;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AMQP 0-9-1 connection: the handshake, channel 0, the channel table, heartbeats and
 * closing. Runs on its Netty event loop only; work that would block (topology changes) runs
 * elsewhere while the connection holds back its next frames, so every method is answered in
 * the order it came.
 *
 * <pre>
 *   START_SENT ─start-ok─▶ TUNE_SENT ─tune-ok─▶ AWAIT_OPEN ─open─▶ OPEN ─close─▶ (close-ok) CLOSED
 *        │                    │                     │               │
 *        └────────────────────┴── an error ─────────┴───────────────┴─▶ CLOSING ─close-ok / timeout─▶ CLOSED
 * </pre>
 *
 * <p><b>Errors.</b> A hard error (50x, 530, 540, 541, or any error on channel 0) sends
 * {@code connection.close} with its reply code, logs one line, and drops every channel (what
 * they held goes back to the queues); then only {@code close-ok} (or the timeout) matters. A
 * soft error closes its channel only ({@link AmqpChannel}). An {@link Frame.Invalid} from the
 * decoder is a hard error.
 *
 * <p><b>Heartbeats.</b> Negotiated in tune-ok; then a heartbeat goes out after half the interval
 * without writes, and a client silent for two intervals is dropped, as RabbitMQ does.
 */
final class AmqpConnection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(AmqpConnection.class);

    enum State {
        START_SENT, TUNE_SENT, AWAIT_OPEN, OPEN, CLOSING, CLOSED
    }

    final Amqp091Context context;
    final long id;
    private final FrameDecoder decoder;
    private final FrameEncoder encoder;
    private ChannelHandlerContext ctx;
    private State state = State.START_SENT;
    private boolean started;
    private ScheduledFuture<?> handshakeTimer;
    private int channelMax;
    private int frameMax;
    private int heartbeat;
    private final Map<Integer, AmqpChannel> channels = new HashMap<>();
    /** Capabilities the client announced in start-ok. */
    private final Set<String> clientCapabilities = new HashSet<>();
    /** Frames held back while an earlier method's work is done elsewhere. */
    private final ArrayDeque<Frame> pending = new ArrayDeque<>();
    private boolean busy;
    private boolean blocked;
    /** The queues that hold this connection's reading back now (see {@link #pace}). */
    private final java.util.Set<String> pacedBy = new java.util.HashSet<>(2);
    private boolean published;
    /** Exclusive queues this connection declared: deleted when it closes. */
    final Set<String> exclusiveQueues = new HashSet<>();
    private String remote = "?";
    /** Who logged in (start-ok); what an authorizer will read. */
    private String user;
    /** What {@link #user} may do in the vhost, as granted at connection.open. */
    private ResourceAccess access;
    /** The vhost opened (connection.open): every name a client gives is qualified by it ({@link #qualify}). */
    private String vhost = VhostNames.DEFAULT;

    AmqpConnection(Amqp091Context context, FrameDecoder decoder, FrameEncoder encoder) {
        this.context = context;
        this.id = context.connectionIds.incrementAndGet();
        this.decoder = decoder;
        this.encoder = encoder;
        this.frameMax = context.settings.frameMax();
        this.channelMax = context.settings.channelMax();
    }

    State state() {
        return state;
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            start();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start();
        ctx.fireChannelActive();
    }

    private void start() {
        if (started) {
            return;
        }
        started = true;
        SocketAddress address = ctx.channel().remoteAddress();
        remote = address == null ? "embedded" : address.toString();
        context.openConnections.incrementAndGet();
        handshakeTimer = ctx.executor().schedule(() -> {
            if (state.compareTo(State.OPEN) < 0) {
                log.info("AMQP 0-9-1 connection {} not open after {} ms: dropped", remote,
                        context.settings.handshakeTimeoutMs());
                ctx.close();
            }
        }, context.settings.handshakeTimeoutMs(), TimeUnit.MILLISECONDS);
        write(new Frame.MethodFrame(0, new AMQP.Connection.Start.Builder().versionMajor(0).versionMinor(9)
                .serverProperties(ServerProperties.get()).mechanisms("PLAIN AMQPLAIN").locales("en_US").build()));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (state != State.CLOSED) {
            if (state == State.OPEN) {
                log.debug("AMQP 0-9-1 connection {} closed by the client without connection.close", remote);
            }
            shutDown();
        }
        ctx.fireChannelInactive();
    }

    /** Drops every channel (what they hold goes back), the exclusive queues and the registrations. */
    private void shutDown() {
        state = State.CLOSED;
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        context.connections.remove(this);
        if (started) {
            context.openConnections.decrementAndGet();
            started = false;
        }
        for (AmqpChannel channel : new ArrayList<>(channels.values())) {
            channel.release();
        }
        channels.clear();
        Frame f;
        while ((f = pending.poll()) != null) {
            releaseBody(f);
        }
        if (!exclusiveQueues.isEmpty()) {
            List<String> queues = new ArrayList<>(exclusiveQueues);
            exclusiveQueues.clear();
            context.topologyThread.execute(() -> queues.forEach(this::deleteQuietly));
        }
    }

    /** On the topology thread. */
    void deleteQuietly(String queue) {
        try {
            context.topology.deleteQueue(queue);
        } catch (Exception e) {
            log.warn("Could not delete queue '{}'", queue, e);
        } finally {
            context.owners.forget(queue);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.info("AMQP 0-9-1 connection {} failed: {}", remote, cause.toString());
        ctx.close();
    }

    // ------------------------------------------------------------------ frames in

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Frame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (busy) {
            pending.add(frame);
            return;
        }
        process(frame);
    }

    private void process(Frame frame) {
        try {
            CompletionStage<?> later = dispatch(frame);
            if (later != null) {
                hold(later);
            }
        } catch (AmqpException e) {
            if (e.connectionLevel || frame.channel() == 0) {
                connectionError(e);
            } else {
                AmqpChannel channel = channels.get(frame.channel());
                if (channel != null) {
                    channel.error(e);
                } else {
                    connectionError(e);
                }
            }
        } catch (RuntimeException e) {
            log.warn("AMQP 0-9-1 connection {}: internal error on {}", remote, frame, e);
            connectionError(AmqpException.connection(ReplyCode.INTERNAL_ERROR, e.toString()));
        } finally {
            releaseBody(frame);
        }
    }

    private static void releaseBody(Frame frame) {
        if (frame instanceof Frame.BodyFrame body && body.payload().refCnt() > 0) {
            body.payload().release();
        }
    }

    /** Holds later frames back until {@code work} is done (its reply written), then goes on. */
    private void hold(CompletionStage<?> work) {
        busy = true;
        ctx.channel().config().setAutoRead(false);
        work.whenComplete((v, e) -> ctx.executor().execute(() -> {
            busy = false;
            if (e != null && state != State.CLOSED) {
                log.warn("AMQP 0-9-1 connection {}: internal error", remote, e);
                connectionError(AmqpException.connection(ReplyCode.INTERNAL_ERROR, e.toString()));
            }
            Frame next;
            while (!busy && (next = pending.poll()) != null) {
                process(next);
            }
            updateAutoRead();
        }));
    }

    private CompletionStage<?> dispatch(Frame frame) throws AmqpException {
        if (frame instanceof Frame.Invalid invalid) {
            throw AmqpException.connection(invalid.code(), invalid.reason()).at(null);
        }
        if (state == State.CLOSED) {
            return null;
        }
        if (state == State.CLOSING) {
            if (frame instanceof Frame.MethodFrame m && frame.channel() == 0) {
                if (m.method() instanceof AMQP.Connection.CloseOk) {
                    closeSocket();
                } else if (m.method() instanceof AMQP.Connection.Close) {
                    write(new Frame.MethodFrame(0, new AMQP.Connection.CloseOk.Builder().build()));
                    closeSocket();
                }
            }
            return null;
        }
        if (frame instanceof Frame.Heartbeat) {
            if (frame.channel() != 0) {
                throw AmqpException.connection(ReplyCode.FRAME_ERROR, "heartbeat on channel " + frame.channel());
            }
            return null;
        }
        if (frame.channel() == 0) {
            if (!(frame instanceof Frame.MethodFrame m)) {
                throw AmqpException.connection(ReplyCode.UNEXPECTED_FRAME, "content frame on channel 0");
            }
            return connectionMethod(m.method());
        }
        if (state != State.OPEN) {
            throw AmqpException.connection(ReplyCode.CHANNEL_ERROR, "frame on channel " + frame.channel()
                    + " before the connection is open");
        }
        if (frame.channel() > channelMax) {
            throw AmqpException.connection(ReplyCode.CHANNEL_ERROR, "channel " + frame.channel()
                    + " is over channel_max " + channelMax);
        }
        AmqpChannel channel = channels.get(frame.channel());
        if (channel == null) {
            if (frame instanceof Frame.MethodFrame m && m.method() instanceof AMQP.Channel.Open) {
                channels.put(frame.channel(), new AmqpChannel(this, frame.channel()));
                write(new Frame.MethodFrame(frame.channel(), new AMQP.Channel.OpenOk.Builder().build()));
                return null;
            }
            Method method = frame instanceof Frame.MethodFrame m ? m.method() : null;
            throw AmqpException.connection(ReplyCode.CHANNEL_ERROR, "expected 'channel.open' on channel "
                    + frame.channel()).at(method);
        }
        if (frame instanceof Frame.MethodFrame m && m.method().protocolClassId() == 10) {
            throw AmqpException.connection(ReplyCode.COMMAND_INVALID, m.method().protocolMethodName()
                    + " on channel " + frame.channel()).at(m.method());
        }
        return channel.handle(frame);
    }

    /**
     * A client that does not read what it is sent (confirms, deliveries, replies) is not read
     * from either until it catches up, so its unread output cannot pile up in memory.
     */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateAutoRead();
        ctx.fireChannelWritabilityChanged();
    }

    private void updateAutoRead() {
        if (state == State.CLOSED) {
            return;
        }
        boolean read = !busy && !(blocked && published) && pacedBy.isEmpty() && ctx.channel().isWritable();
        ctx.channel().config().setAutoRead(read);
    }

    // ------------------------------------------------------------------ channel 0

    /** Answers a method on channel 0; the work still to finish when start-ok's login is being checked. */
    private CompletionStage<?> connectionMethod(Method method) throws AmqpException {
        try {
            switch (state) {
                case START_SENT -> {
                    return startOk(expect(method, AMQP.Connection.StartOk.class, "connection.start-ok"));
                }
                case TUNE_SENT -> tuneOk(expect(method, AMQP.Connection.TuneOk.class, "connection.tune-ok"));
                case AWAIT_OPEN -> open(expect(method, AMQP.Connection.Open.class, "connection.open"));
                case OPEN -> openMethod(method);
                default -> {
                }
            }
            return null;
        } catch (AmqpException e) {
            throw AmqpException.connection(e.code, e.getMessage()).at(method);
        }
    }

    private static <T> T expect(Method method, Class<T> type, String name) throws AmqpException {
        if (!type.isInstance(method)) {
            throw AmqpException.connection(ReplyCode.COMMAND_INVALID, "expected '" + name + "', got '"
                    + method.protocolMethodName() + "'");
        }
        return type.cast(method);
    }

    /**
     * Reads the client's capabilities and, when logins are checked ({@code amqp.auth=users}), its
     * credentials against the user store — off the event loop, while later frames wait — then
     * tunes, or refuses as RabbitMQ does: 403 ACCESS_REFUSED in connection.close to a client
     * announcing {@code authentication_failure_close}, a closed socket to one that does not.
     */
    private CompletionStage<?> startOk(AMQP.Connection.StartOk startOk) throws AmqpException {
        String mechanism = startOk.getMechanism();
        if (!mechanism.equals("PLAIN") && !mechanism.equals("AMQPLAIN")) {
            throw AmqpException.connection(ReplyCode.ACCESS_REFUSED, "unsupported authentication mechanism '"
                    + mechanism + "' (PLAIN, AMQPLAIN)");
        }
        Object capabilities = startOk.getClientProperties() == null ? null
                : startOk.getClientProperties().get("capabilities");
        if (capabilities instanceof Map<?, ?> table) {
            table.forEach((name, value) -> {
                if (Boolean.TRUE.equals(value)) {
                    clientCapabilities.add(name.toString());
                }
            });
        }
        if (!context.logins.required()) {
            user = LoginCredentials.read(mechanism, startOk.getResponse().getBytes()).map(LoginCredentials::user)
                    .orElse("");
            tune();
            return null;
        }
        Optional<LoginCredentials> credentials = LoginCredentials.read(mechanism, startOk.getResponse().getBytes());
        CompletionStage<Boolean> check = credentials.isEmpty() ? CompletableFuture.completedFuture(false)
                : context.logins.checkAsync(credentials.get().user(), credentials.get().password());
        return check.thenAcceptAsync(accepted -> {
            (accepted ? context.loginsAccepted : context.loginsRefused).increment();
            if (state != State.START_SENT) {
                return; // the client left meanwhile
            }
            if (accepted) {
                user = credentials.get().user();
                tune();
            } else {
                refuseLogin(mechanism, credentials.map(LoginCredentials::user).orElse(""));
            }
        }, ctx.executor());
    }

    private void tune() {
        state = State.TUNE_SENT;
        write(new Frame.MethodFrame(0, new AMQP.Connection.Tune.Builder().channelMax(context.settings.channelMax())
                .frameMax(context.settings.frameMax()).heartbeat(context.settings.heartbeatSeconds()).build()));
    }

    private void refuseLogin(String mechanism, String who) {
        log.info("AMQP 0-9-1 connection {}: login of user '{}' refused", remote, who);
        if (clientCapabilities.contains("authentication_failure_close")) {
            connectionError(AmqpException.connection(ReplyCode.ACCESS_REFUSED, "Login was refused"
                    + " using authentication mechanism " + mechanism + ". For details see the broker logfile."));
        } else {
            shutDown();
            ctx.close();
        }
    }

    /**
     * Refuses, as RabbitMQ does (403 ACCESS_REFUSED, a channel error), what the user's permissions
     * do not grant: {@code permission} on the {@code kind} ({@link ResourceAccess#QUEUE} or
     * {@link ResourceAccess#EXCHANGE}) named {@code name}.
     */
    void authorize(Permission permission, String kind, String name) throws AmqpException {
        Optional<String> refusal = access.refusal(permission, kind, name);
        if (refusal.isPresent()) {
            throw AmqpException.of(ReplyCode.ACCESS_REFUSED, refusal.get());
        }
    }

    /**
     * {@code name} as the topology knows it in this connection's vhost ({@link VhostNames#qualify});
     * in {@code /} the name itself, with no string built.
     *
     * @throws AmqpException ACCESS_REFUSED for a name in {@code /} that reads as another vhost's
     */
    String qualify(String name) throws AmqpException {
        try {
            return VhostNames.qualify(vhost, name);
        } catch (IllegalArgumentException e) {
            throw AmqpException.of(ReplyCode.ACCESS_REFUSED, e.getMessage());
        }
    }

    /** The vhost opened; {@code /} before connection.open. */
    String vhost() {
        return vhost;
    }

    /** RabbitMQ's close of a deleted vhost's connections: 320 CONNECTION_FORCED, on the connection's event loop. */
    void vhostDeleted() {
        ctx.executor().execute(() -> connectionError(AmqpException.connection(ReplyCode.CONNECTION_FORCED,
                "vhost '" + vhost + "' is deleted")));
    }

    /** The logged-in user (any name given when logins are not checked); null before start-ok. */
    String user() {
        return user;
    }

    private void tuneOk(AMQP.Connection.TuneOk tuneOk) throws AmqpException {
        int serverFrameMax = context.settings.frameMax();
        int asked = tuneOk.getFrameMax();
        if (asked != 0 && asked < Frame.MIN_FRAME_MAX) {
            throw AmqpException.connection(ReplyCode.NOT_ALLOWED, "frame_max=" + asked + " < "
                    + Frame.MIN_FRAME_MAX + " min size");
        }
        if (serverFrameMax != 0 && (asked == 0 || asked > serverFrameMax)) {
            if (asked != 0) {
                throw AmqpException.connection(ReplyCode.NOT_ALLOWED, "frame_max=" + asked + " > " + serverFrameMax
                        + " max size");
            }
            asked = serverFrameMax;
        }
        frameMax = asked;
        int channels = tuneOk.getChannelMax();
        if (channels > context.settings.channelMax()) {
            throw AmqpException.connection(ReplyCode.NOT_ALLOWED, "channel_max=" + channels + " > "
                    + context.settings.channelMax() + " max");
        }
        channelMax = channels == 0 ? context.settings.channelMax() : channels;
        heartbeat = tuneOk.getHeartbeat();
        decoder.setFrameMax(frameMax);
        encoder.setFrameMax(frameMax);
        if (heartbeat > 0) {
            long ms = heartbeat * 1000L;
            ctx.pipeline().addBefore(Amqp091.DECODER, Amqp091.HEARTBEAT,
                    new IdleStateHandler(2 * ms, Math.max(1, ms / 2), 0, TimeUnit.MILLISECONDS));
        }
        state = State.AWAIT_OPEN;
    }

    private void open(AMQP.Connection.Open open) throws AmqpException {
        String asked = open.getVirtualHost();
        if (!context.vhosts.exists(asked)) {
            throw AmqpException.connection(ReplyCode.NOT_ALLOWED, "vhost " + asked + " not found");
        }
        access = new ResourceAccess(user, asked, context.logins.permissions(user, asked).orElseThrow(
                () -> AmqpException.connection(ReplyCode.NOT_ALLOWED, ResourceAccess.vhostRefusal(user, asked))));
        vhost = asked;
        state = State.OPEN;
        handshakeTimer.cancel(false);
        write(new Frame.MethodFrame(0, new AMQP.Connection.OpenOk.Builder().build()));
        context.connections.add(this);
        if (context.queues.publishBacklog().blocked()) {
            blocked(true);
        }
    }

    private void openMethod(Method method) throws AmqpException {
        if (method instanceof AMQP.Connection.Close close) {
            log.debug("AMQP 0-9-1 connection {} closed by the client: {} {}", remote, close.getReplyCode(),
                    close.getReplyText());
            shutDown();
            ctx.writeAndFlush(new Frame.MethodFrame(0, new AMQP.Connection.CloseOk.Builder().build()))
                    .addListener(ChannelFutureListener.CLOSE);
        } else if (method instanceof AMQP.Connection.UpdateSecret) {
            write(new Frame.MethodFrame(0, new AMQP.Connection.UpdateSecretOk.Builder().build()));
        } else if (!(method instanceof AMQP.Connection.CloseOk)) {
            throw AmqpException.connection(ReplyCode.COMMAND_INVALID, "unexpected '" + method.protocolMethodName()
                    + "' on channel 0");
        }
    }

    // ------------------------------------------------------------------ errors and closing

    /** A hard error: connection.close with the code, one log line, every channel dropped. */
    void connectionError(AmqpException e) {
        if (state == State.CLOSING || state == State.CLOSED) {
            return;
        }
        log.info("Closing AMQP 0-9-1 connection {}: {}", remote, e.replyText());
        shutDown();
        state = State.CLOSING;
        ctx.writeAndFlush(new Frame.MethodFrame(0, new AMQP.Connection.Close.Builder().replyCode(e.code.code())
                .replyText(e.replyText()).classId(e.classId()).methodId(e.methodId()).build()));
        ctx.channel().config().setAutoRead(true);
        ctx.executor().schedule(this::closeSocket, context.settings.closeTimeoutMs(), TimeUnit.MILLISECONDS);
    }

    private void closeSocket() {
        state = State.CLOSED;
        ctx.close();
    }

    /** The channel finished closing (close-ok sent or received): its number is free again. */
    void channelClosed(int number) {
        channels.remove(number);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent idle) {
            if (idle.state() == IdleState.READER_IDLE) {
                log.info("AMQP 0-9-1 connection {}: missed heartbeats from client, timeout {} s: dropped", remote,
                        heartbeat);
                shutDown();
                ctx.close();
            } else if (idle.state() == IdleState.WRITER_IDLE) {
                ctx.writeAndFlush(new Frame.Heartbeat(0));
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    // ------------------------------------------------------------------ for the channels

    void write(Frame frame) {
        ctx.writeAndFlush(frame, ctx.voidPromise());
    }

    ChannelHandlerContext ctx() {
        return ctx;
    }

    boolean clientCan(String capability) {
        return clientCapabilities.contains(capability);
    }

    int frameMax() {
        return frameMax;
    }

    String remote() {
        return remote;
    }

    /** This connection publishes: a blocked backlog stops reading from it. */
    void publishing() {
        if (!published) {
            published = true;
            updateAutoRead();
        }
    }

    /**
     * Consumer-paced publishing ({@code Queues.paced}): a publish of this connection reached
     * {@code queues} (on the event loop); while any of them asks publishers to hold back, nothing
     * more is read from this connection — TCP back-pressure, as RabbitMQ's credit flow gives —
     * until the facade says that queue's consumers have caught up ({@code Queues.whenUnpaced}).
     * A connection that also consumes is never paced: its own acknowledgements would be held back
     * with its publishes.
     */
    void pace(java.util.Set<String> queues) {
        boolean newlyPaced = false;
        for (String queue : queues) {
            if (!pacedBy.contains(queue) && context.queues.paced(queue) && !consumes()) {
                pacedBy.add(queue);
                newlyPaced = true;
                waitUntilUnpaced(queue);
            }
        }
        if (newlyPaced) {
            updateAutoRead();
        }
    }

    private boolean consumes() {
        for (AmqpChannel channel : channels.values()) {
            if (channel.consumers.any()) {
                return true;
            }
        }
        return false;
    }

    private void waitUntilUnpaced(String queue) {
        context.queues.whenUnpaced(queue, () -> {
            try {
                ctx.executor().execute(() -> unpaced(queue));
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // the event loop is gone, and the connection with it
            }
        });
    }

    /** On the event loop: {@code queue} was not paced a moment ago; read again unless it is once more. */
    private void unpaced(String queue) {
        if (state == State.CLOSED) {
            pacedBy.clear();
            return;
        }
        if (!pacedBy.contains(queue)) {
            return;
        }
        if (context.queues.paced(queue)) { // other publishers filled it again meanwhile
            waitUntilUnpaced(queue);
            return;
        }
        pacedBy.remove(queue);
        if (pacedBy.isEmpty()) {
            updateAutoRead();
        }
    }

    /**
     * The publish backlog crossed a water mark (any thread): tell the client
     * ({@code connection.blocked}/{@code unblocked}) and stop or resume reading from a publisher.
     */
    void blocked(boolean on) {
        ctx.executor().execute(() -> {
            if (state != State.OPEN || blocked == on) {
                return;
            }
            blocked = on;
            if (clientCan("connection.blocked")) {
                write(new Frame.MethodFrame(0, on
                        ? new AMQP.Connection.Blocked.Builder().reason("publish backlog over its high-water mark")
                                .build()
                        : new AMQP.Connection.Unblocked.Builder().build()));
            }
            updateAutoRead();
        });
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
