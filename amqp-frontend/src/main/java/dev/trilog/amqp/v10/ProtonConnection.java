package dev.trilog.amqp.v10;

import dev.trilog.amqp.AmqpMetrics;
import dev.trilog.amqp.ResourceAccess;
import dev.trilog.frontend.auth.Permission;
import dev.trilog.routing.address.VhostNames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SingleThreadEventLoop;
import java.nio.ByteBuffer;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transaction.Coordinator;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.SessionError;
import org.apache.qpid.proton.engine.Collector;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.engine.TransportException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AMQP 1.0 connection: a proton-j {@link Transport}, {@link Connection} and {@link Collector}
 * driven from the channel's event loop, and nothing else touches them (STYLE.md, after Artemis'
 * {@code ProtonHandler} and vertx-proton's {@code ProtonTransport}).
 *
 * <pre>
 *   bytes in ──▶ transport.tail() / process() ──▶ collector events ──▶ dispatch ──▶ LinkHandler
 *   head() / pop() ──▶ bytes out  ◀── after a burst of reads; once per event-loop turn that ticked or ran work ({@link #execute})
 * </pre>
 *
 * <p><b>Output.</b> What proton has to write is taken and flushed at the end of a burst of
 * reads ({@code channelReadComplete}), and for the work that comes back through {@link #execute},
 * once per turn of the event loop after its tasks ({@link #requestOutput}), not after each task:
 * a group commit settles a hundred publishes in a hundred tasks, and one {@code write} for all
 * their dispositions costs the kernel a hundredth of what a hundred do. (Reads are not held to
 * the end of the turn: at high rates that delayed the credit and settlements they produce.)
 *
 * <p><b>Threads.</b> Only the event loop touches proton. Work that completes elsewhere (a publish
 * made durable, a subscription's delivery, a queue declared) comes back through {@link #execute},
 * which runs it on the event loop and then processes the events it caused and writes the output.
 * After the socket closes, {@link #execute} drops the work: what it would have sent has nowhere to go.
 *
 * <p><b>Errors.</b> proton-j refuses what breaks the framing itself (a frame over our
 * max-frame-size, an undecodable frame: {@code amqp:connection:framing-error} /
 * {@code amqp:decode-error}) and closes the connection after writing its {@code close}; this
 * class logs that once. Link-level misbehaviour (transfers without credit, oversized messages)
 * detaches the link with the matching condition ({@link PublisherLink}). Nothing here affects
 * another connection.
 *
 * <p><b>Idle time-out.</b> proton sends an empty frame when the peer's idle time-out asks for one
 * and closes the connection ({@code amqp:resource-limit-exceeded}) when the peer is silent for
 * longer than ours; a timer calls {@code tick} at the deadlines proton gives.
 */
public final class ProtonConnection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ProtonConnection.class);
    private static final Symbol ANONYMOUS_RELAY = Symbol.valueOf("ANONYMOUS-RELAY");
    /** Qpid JMS sends a JMS 2 delivery delay (as x-opt-delivery-time) only to a peer offering this. */
    private static final Symbol DELAYED_DELIVERY = Symbol.valueOf("DELAYED_DELIVERY");
    private static final Symbol PRODUCT = Symbol.valueOf("product");
    private static final Symbol VERSION = Symbol.valueOf("version");
    private static final Symbol TRILOG_VERSION = Symbol.valueOf("trilog-version");
    private static final Symbol NODE = Symbol.valueOf("node");
    /**
     * What {@code version} says: the RabbitMQ release whose AMQP 1.0 dialect (addresses, outcomes,
     * {@code /management}, stream filter expressions) Trilog speaks. RabbitMQ's AMQP 1.0 clients
     * refuse a broker below 4.0 and send filter expressions from 4.1 on (4.2's SQL filters and
     * Direct Reply-To are not offered); Trilog's own version is {@code trilog-version}.
     */
    static final String RABBITMQ_DIALECT = "4.1.0";
    /** How RabbitMQ 4 clients name a vhost in the open frame's hostname: {@code vhost:NAME}. */
    static final String VHOST_HOSTNAME = "vhost:";
    /** Sessions one connection may begin (channel-max + 1): bounds the state a client can make us keep. */
    private static final int CHANNEL_MAX = 1023;
    /** proton-j's system property: its transport frees an input or output buffer found empty when larger than this. */
    static final String BUFFER_RELEASE_THRESHOLD = "proton.transport_buffer_release_threshold";

    static {
        // proton-j keeps an input and an output buffer of max-frame-size (128 KiB) for a connection's
        // whole life unless they are larger than this (2 MiB by default): ~290 KiB of heap for every
        // idle connection, 2.9 GiB for 10,000 (issue 18's abuse suite). Freed whenever empty, an
        // idle connection holds none; a busy one allocates them again per burst, young garbage.
        // Read once, when proton's TransportImpl loads; an operator's own -D value is kept.
        System.getProperties().putIfAbsent(BUFFER_RELEASE_THRESHOLD, "0");
    }

    private final AmqpBroker broker;
    private final boolean sasl;
    private final AddressResolver resolver;
    /** Made on first use (on the event loop, as every use): its proton codec is ~20 KiB an idle connection need not hold. */
    private MessageCodec codec;
    private final Transport transport = Proton.transport();
    private final Connection connection = Proton.connection();
    private final Collector collector = Proton.collector();
    private final Set<LinkHandler> links = new LinkedHashSet<>();
    private SaslAuthenticator authenticator;
    private ManagementNode management;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> ticker;
    private long tickDeadline;
    private boolean socketClosed;
    private boolean errorLogged;
    /** What the user may do in the vhost, granted when the connection opened ({@link #onOpen}). */
    private ResourceAccess access;
    /** The vhost the open frame's hostname named ({@code vhost:NAME}, RabbitMQ 4's form); {@code /} otherwise. */
    private String vhost = VhostNames.DEFAULT;
    /** {@link #flushOutput} is queued to run at the end of this event-loop turn. */
    private boolean outputRequested;
    private final Runnable flushOutput = this::flushOutput;

    /** @param sasl true when the client sent {@code AMQP 3 1 0 0}: the SASL layer comes first */
    public ProtonConnection(AmqpBroker broker, boolean sasl) {
        this.broker = broker;
        this.sasl = sasl;
        this.resolver = broker.resolver();
    }

    AmqpBroker broker() {
        return broker;
    }

    /** Who logged in through the SASL layer (any name when logins are not checked); null without SASL. */
    String user() {
        return authenticator == null ? null : authenticator.user();
    }

    AddressResolver resolver() {
        return resolver;
    }

    ResourceAccess access() {
        return access;
    }

    String vhost() {
        return vhost;
    }

    /** {@code address} in this connection's vhost ({@link AmqpAddress#in}); in {@code /} the address itself. */
    AmqpAddress qualify(AmqpAddress address) throws AmqpAddress.InvalidAddressException {
        return address.in(vhost);
    }

    /** RabbitMQ's close of a deleted vhost's connections, on the connection's event loop. */
    void vhostDeleted() {
        execute(() -> closeConnection(new ErrorCondition(AmqpError.CONNECTION_FORCED, "vhost '" + vhost
                + "' is deleted")));
    }

    /** The vhost an open frame's hostname names: {@code vhost:NAME}, else (any other hostname, none) {@code /}. */
    static String vhostOf(String hostname) {
        return hostname != null && hostname.startsWith(VHOST_HOSTNAME) ? hostname.substring(VHOST_HOSTNAME.length())
                : VhostNames.DEFAULT;
    }

    /** {@code amqp:unauthorized-access} for what the user's permissions do not grant; null for what they do. */
    AmqpError refused(Permission permission, String kind, String name) {
        return access.refusal(permission, kind, name).map(why -> new AmqpError(AmqpError.UNAUTHORIZED_ACCESS, why))
                .orElse(null);
    }

    /**
     * Sending to {@code address}: write on its exchange — the default one for a queue, as RabbitMQ 4
     * checks it — and configure on a queue the address declares when missing; null when granted.
     */
    AmqpError refusedToSendTo(AmqpAddress address) {
        if (!address.isQueue()) {
            return refused(Permission.WRITE, ResourceAccess.EXCHANGE, address.name());
        }
        AmqpError write = refused(Permission.WRITE, ResourceAccess.EXCHANGE, "");
        return write != null ? write : refusedToDeclare(address);
    }

    /**
     * A temporary queue {@code name} for a link: configure on it and, bound to {@code exchange}
     * (null for none), read on the exchange and write on the queue, as a queue.bind asks; null when granted.
     */
    private AmqpError refusedTemporary(String name, String exchange) {
        AmqpError refused = refused(Permission.CONFIGURE, ResourceAccess.QUEUE, name);
        if (refused == null && exchange != null) {
            refused = refused(Permission.READ, ResourceAccess.EXCHANGE, exchange);
            if (refused == null) {
                refused = refused(Permission.WRITE, ResourceAccess.QUEUE, name);
            }
        }
        return refused;
    }

    /**
     * Declares a temporary queue for {@code link} (bound to {@code exchange} with {@code key}, or
     * to none when null) if the user may ({@link #refusedTemporary}); else refuses the link and
     * answers null.
     */
    CompletableFuture<String> declareTemporaryFor(Link link, String exchange, String key) {
        String name = VhostNames.qualify(vhost, AddressResolver.temporaryName());
        AmqpError refused = refusedTemporary(name, exchange);
        if (refused != null) {
            refuse(link, refused);
            return null;
        }
        return resolver.declareTemporary(name, exchange, key);
    }

    /** Configure on the queue {@code address} would declare (it may, and it is missing); null when granted. */
    AmqpError refusedToDeclare(AmqpAddress address) {
        return address.isQueue() && address.declare() && !resolver.exists(address)
                ? refused(Permission.CONFIGURE, ResourceAccess.QUEUE, address.name()) : null;
    }

    MessageCodec codec() {
        if (codec == null) {
            codec = new MessageCodec();
        }
        return codec;
    }

    AmqpMetrics metrics() {
        return broker.metrics();
    }

    String remote() {
        return ctx == null ? "?" : String.valueOf(ctx.channel().remoteAddress());
    }

    // ------------------------------------------------------------------ Netty side

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        transport.setMaxFrameSize(broker.settings().maxFrameSize());
        transport.setChannelMax(CHANNEL_MAX);
        transport.setIdleTimeout(broker.settings().idleTimeoutMs());
        transport.setEmitFlowEventOnSend(false);
        if (sasl) {
            Sasl layer = transport.sasl();
            layer.server();
            authenticator = new SaslAuthenticator(broker.logins(), accepted -> AmqpMetrics.login(
                    broker.metrics().registry(), AmqpMetrics.PROTOCOL_10, accepted));
            layer.setMechanisms(authenticator.mechanisms());
            layer.setListener(authenticator);
        }
        transport.bind(connection);
        connection.collect(collector);
        broker.metrics().connectionOpened();
        scheduleTick(System.nanoTime() / 1_000_000);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            while (in.isReadable() && !socketClosed) {
                int capacity = transport.capacity();
                if (capacity <= 0) { // input closed (an error, or the peer's close): the rest is not read
                    in.skipBytes(in.readableBytes());
                    break;
                }
                ByteBuffer tail = transport.tail();
                int n = Math.min(Math.min(capacity, tail.remaining()), in.readableBytes());
                ByteBuffer slice = tail.duplicate();
                slice.limit(slice.position() + n);
                in.readBytes(slice);
                tail.position(tail.position() + n);
                try {
                    transport.process();
                } catch (TransportException e) {
                    // proton has recorded the condition and will write its close; see TRANSPORT_ERROR
                    log.debug("AMQP input from {} refused: {}", remote(), e.getMessage());
                }
                processEvents();
            }
        } finally {
            in.release();
        }
        requestOutput(); // in case no channelReadComplete follows (bytes handed over by the sniffer)
    }

    /** The end of a burst of reads from the socket: what they made proton write goes out now. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!socketClosed) {
            processTimers();
            writeOutput();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (socketClosed) {
            return;
        }
        socketClosed = true;
        broker.connections().remove(this);
        if (ticker != null) {
            ticker.cancel(false);
        }
        for (LinkHandler link : Set.copyOf(links)) {
            link.closed();
        }
        links.clear();
        if (management != null) {
            management.connectionClosed();
        }
        broker.metrics().connectionClosed();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("AMQP connection from {} failed", remote(), cause);
        ctx.close();
    }

    /**
     * Runs {@code work} on this connection's event loop, then processes what it caused and writes
     * the output. Dropped once the socket is closed.
     */
    void execute(Runnable work) {
        if (ctx.executor().inEventLoop()) {
            runNow(work);
        } else {
            ctx.executor().execute(() -> runNow(work));
        }
    }

    /**
     * {@link #execute}, but always after what the event loop is doing now: for completions that
     * may already be done when they are registered, so that they never run in the middle of
     * processing a batch of frames (a credit top-up there would credit transfers the client sent
     * before it could know of it).
     */
    void executeLater(Runnable work) {
        ctx.executor().execute(() -> runNow(work));
    }

    /** {@link #executeLater}, {@code micros} from now. */
    void executeAfter(long micros, Runnable work) {
        ctx.executor().schedule(() -> runNow(work), micros, java.util.concurrent.TimeUnit.MICROSECONDS);
    }

    private void runNow(Runnable work) {
        if (socketClosed) {
            return;
        }
        try {
            work.run();
        } catch (RuntimeException e) {
            log.warn("AMQP connection from {}: internal error", remote(), e);
            closeConnection(new ErrorCondition(AmqpError.INTERNAL_ERROR, "internal error: " + e));
        }
        processEvents();
        requestOutput();
    }

    /**
     * Has the output written and flushed once this turn of the event loop is over (its reads and
     * the tasks it runs), so that everything they made proton write goes out in one flush.
     * Off a {@link SingleThreadEventLoop} (a test's embedded channel) it is written at once.
     */
    private void requestOutput() {
        if (outputRequested || socketClosed) {
            return;
        }
        if (ctx.channel().eventLoop() instanceof SingleThreadEventLoop loop && loop.inEventLoop()) {
            outputRequested = true;
            loop.executeAfterEventLoopIteration(flushOutput);
        } else {
            processTimers();
            writeOutput();
        }
    }

    private void flushOutput() {
        outputRequested = false;
        if (!socketClosed) {
            processTimers();
            writeOutput();
        }
    }

    /** Lets proton look at its idle deadlines, and handles what that caused (an empty frame to send, a time-out). */
    private void processTimers() {
        scheduleTick(System.nanoTime() / 1_000_000);
        if (collector.peek() != null) {
            processEvents();
        }
    }

    private void writeOutput() {
        if (socketClosed) {
            return;
        }
        boolean wrote = false;
        int pending;
        while ((pending = transport.pending()) > 0) {
            // what head() holds can exceed pending() by a few bytes (as vertx-proton does: pop
            // exactly what head() shows)
            ByteBuffer head = transport.head();
            int size = head.remaining();
            ByteBuf out = ctx.alloc().buffer(size);
            out.writeBytes(head.duplicate());
            transport.pop(size);
            ctx.write(out);
            wrote = true;
        }
        if (pending < 0) { // output closed: everything proton will ever write has been written
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else if (wrote) {
            ctx.flush();
        }
    }

    private void scheduleTick(long nowMs) {
        long deadline;
        try {
            deadline = transport.tick(nowMs);
        } catch (TransportException e) {
            deadline = 0;
        }
        if (deadline == 0 || socketClosed) {
            return;
        }
        if (ticker != null && !ticker.isDone() && tickDeadline <= deadline) {
            return; // an earlier tick is due anyway, and will schedule the next
        }
        if (ticker != null) {
            ticker.cancel(false);
        }
        tickDeadline = deadline;
        ticker = ctx.executor().schedule(() -> {
            ticker = null; // this tick is done: the next one is scheduled afresh below
            if (!socketClosed) {
                scheduleTick(System.nanoTime() / 1_000_000);
                processEvents();
                requestOutput();
            }
        }, Math.max(1, deadline - nowMs), TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ proton events

    private void processEvents() {
        Event event;
        while ((event = collector.peek()) != null) {
            try {
                dispatch(event);
            } catch (AmqpError e) {
                closeConnection(e.toCondition());
            } catch (RuntimeException e) {
                log.warn("AMQP connection from {}: internal error on {}", remote(), event.getType(), e);
                closeConnection(new ErrorCondition(AmqpError.INTERNAL_ERROR, "internal error: " + e));
            }
            collector.pop();
        }
    }

    private void dispatch(Event event) {
        if (access == null && (event.getType() == Event.Type.SESSION_REMOTE_OPEN
                || event.getType() == Event.Type.LINK_REMOTE_OPEN)) {
            // a begin or attach before the open (AMQP 1.0 2.4.1: open is the first frame), or after
            // an open that was refused: proton-j hands them on all the same, and the attach found no
            // permissions to check (an NPE and amqp:internal-error, found by AmqpPortFuzzTest)
            closeConnection(new ErrorCondition(AmqpError.ILLEGAL_STATE, "a begin or attach before the connection is open"));
            return;
        }
        switch (event.getType()) {
            case CONNECTION_REMOTE_OPEN -> onOpen();
            case CONNECTION_REMOTE_CLOSE -> onRemoteClose();
            case SESSION_REMOTE_OPEN -> {
                Session session = event.getSession();
                if (session.getLocalState() == EndpointState.UNINITIALIZED) {
                    session.open();
                }
            }
            case SESSION_REMOTE_CLOSE -> {
                Session session = event.getSession();
                closeLinks(session);
                session.close();
            }
            case LINK_REMOTE_OPEN -> {
                if (event.getLink() == null) {
                    // proton-j 0.35 reports an attach on a handle already in use as an open of no
                    // link (TransportImpl.handleAttach leaves that error as a TODO); found by
                    // AmqpPortFuzzTest, where it was an NPE and an amqp:internal-error
                    closeConnection(new ErrorCondition(SessionError.HANDLE_IN_USE,
                            "attach on a link handle already in use"));
                } else {
                    onLinkOpen(event.getLink());
                }
            }
            case LINK_REMOTE_CLOSE, LINK_REMOTE_DETACH -> onLinkRemoteClose(event.getLink(),
                    event.getType() == Event.Type.LINK_REMOTE_CLOSE);
            case LINK_FLOW -> {
                if (event.getLink().getContext() instanceof LinkHandler handler) {
                    handler.onFlow();
                }
            }
            case DELIVERY -> {
                Delivery delivery = event.getDelivery();
                if (delivery.getLink().getContext() instanceof LinkHandler handler) {
                    handler.onDelivery(delivery);
                } else if (delivery.getLink().getContext() instanceof ConsumerLink.Pending pending) {
                    pending.transferWithoutCredit = true; // before the attach was answered
                }
            }
            case TRANSPORT_ERROR -> logTransportError();
            default -> {
            }
        }
    }

    private void onOpen() {
        String asked = vhostOf(connection.getRemoteHostname());
        if (!broker.vhosts().exists(asked)) { // RabbitMQ 4's condition and words
            closeConnection(new ErrorCondition(AmqpError.UNAUTHORIZED_ACCESS, "AMQP 1.0 connection failed: virtual host '"
                    + asked + "' does not exist"));
            return;
        }
        var granted = broker.logins().permissions(user(), asked);
        if (granted.isEmpty()) {
            closeConnection(new ErrorCondition(AmqpError.UNAUTHORIZED_ACCESS, ResourceAccess.vhostRefusal(user(), asked)));
            return;
        }
        vhost = asked;
        access = new ResourceAccess(user(), vhost, granted.get());
        broker.connections().add(this);
        connection.setContainer("trilog");
        connection.setOfferedCapabilities(new Symbol[] {ANONYMOUS_RELAY, DELAYED_DELIVERY});
        connection.setProperties(Map.of(PRODUCT, "Trilog", VERSION, RABBITMQ_DIALECT, TRILOG_VERSION, version(),
                NODE, ManagementRequests.NODE));
        connection.open();
        log.debug("AMQP 1.0 connection from {} opened (container {}, user {})", remote(),
                connection.getRemoteContainer(), authenticator == null ? "none" : authenticator.user());
    }

    private static String version() {
        String v = ProtonConnection.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private void onRemoteClose() {
        for (LinkHandler link : Set.copyOf(links)) {
            link.closed();
        }
        links.clear();
        connection.close();
    }

    /** Closes the connection with {@code condition} (logged once) after ending every link. */
    void closeConnection(ErrorCondition condition) {
        if (!errorLogged) {
            errorLogged = true;
            log.warn("Closing AMQP connection from {}: {} {}", remote(), condition.getCondition(),
                    condition.getDescription());
            broker.metrics().error(String.valueOf(condition.getCondition()));
        }
        for (LinkHandler link : Set.copyOf(links)) {
            link.closed();
        }
        links.clear();
        if (connection.getLocalState() != EndpointState.CLOSED) {
            connection.setCondition(condition);
            if (connection.getLocalState() == EndpointState.UNINITIALIZED) {
                connection.open();
            }
            connection.close();
        }
    }

    private void logTransportError() {
        ErrorCondition condition = transport.getCondition();
        if (!errorLogged) {
            errorLogged = true;
            log.warn("Closing AMQP connection from {}: {} {}", remote(),
                    condition == null ? "transport error" : condition.getCondition(),
                    condition == null ? "" : condition.getDescription());
            broker.metrics().error(condition == null || condition.getCondition() == null ? "transport-error"
                    : condition.getCondition().toString());
        }
        for (LinkHandler link : Set.copyOf(links)) {
            link.closed();
        }
        links.clear();
    }

    // ------------------------------------------------------------------ links

    private void onLinkOpen(Link link) {
        if (link.getLocalState() != EndpointState.UNINITIALIZED) {
            return;
        }
        if (link instanceof Sender sender && link.getRemoteSource() instanceof Source source
                && ManagementNode.isManagement(source.getAddress())) {
            management().attachReplies(sender);
        } else if (link instanceof Receiver receiver && link.getRemoteTarget() instanceof Target target
                && ManagementNode.isManagement(target.getAddress())) {
            management().attachRequests(receiver);
        } else if (link instanceof Sender sender) {
            ConsumerLink.attach(this, sender);
        } else if (link.getRemoteTarget() instanceof Coordinator) {
            refuse(link, new AmqpError(AmqpError.NOT_IMPLEMENTED,
                    "transactions are not supported: no transaction coordinator"));
        } else {
            PublisherLink.attach(this, (Receiver) link);
        }
    }

    private ManagementNode management() {
        if (management == null) {
            management = new ManagementNode(this);
        }
        return management;
    }

    private void onLinkRemoteClose(Link link, boolean closed) {
        if (link.getContext() instanceof LinkHandler handler) {
            handler.closed();
        }
        if (link.getLocalState() != EndpointState.CLOSED) {
            if (closed) {
                link.close();
            } else {
                link.detach();
            }
        }
        // both ends are done with it: proton keeps it (reference-counted) until its detach is
        // written, then forgets it, so a connection that makes many short links does not grow
        link.free();
    }

    private void closeLinks(Session session) {
        for (Link link = connection.linkHead(null, null); link != null; link = link.next(null, null)) {
            if (link.getSession() == session && link.getContext() instanceof LinkHandler handler) {
                handler.closed();
            }
        }
    }

    void opened(LinkHandler link) {
        links.add(link);
    }

    void forget(LinkHandler link) {
        links.remove(link);
    }

    /**
     * Refuses an attach as the spec asks: an attach with no terminus on our side, then a detach
     * carrying the error.
     */
    void refuse(Link link, AmqpError error) {
        log.debug("Refusing link '{}' from {}: {} {}", link.getName(), remote(), error.condition(), error.getMessage());
        if (link instanceof Sender) {
            link.setSource(null);
            link.setTarget(link.getRemoteTarget());
        } else {
            link.setSource(link.getRemoteSource());
            link.setTarget(null);
        }
        link.open();
        link.setCondition(error.toCondition());
        link.close();
    }

    /** Detaches an open link with an error (logged once per link by the caller) and ends its handler. */
    void fail(Link link, AmqpError error) {
        broker.metrics().error(error.condition().toString());
        if (link.getContext() instanceof LinkHandler handler) {
            handler.closed();
        }
        if (link.getLocalState() != EndpointState.CLOSED) {
            link.setCondition(error.toCondition());
            link.close();
        }
    }

    boolean isSocketClosed() {
        return socketClosed;
    }
}
