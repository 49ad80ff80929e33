package dev.trilog.amqp.v10;

import dev.trilog.routing.address.VhostNames;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.message.ReservedHeaderException;
import dev.trilog.routing.queue.PublishOptions;
import dev.trilog.routing.queue.QueueFullException;
import dev.trilog.routing.queue.UnknownQueueException;
import dev.trilog.routing.topology.TopologyException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.codec.ReadableBuffer;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Receiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A link on which a client sends messages: each one is published to the target's queue or
 * exchange (or, on an anonymous link with a null target, to its {@code to} address).
 *
 * <p><b>Targets.</b> An {@link AmqpAddress} (a bare name with the {@code topic} capability, a
 * Qpid JMS Topic, publishes to {@code amq.topic}); a null target (the anonymous relay); a dynamic
 * target, which gets a temporary queue for the link's life (Qpid JMS' TemporaryQueue).
 *
 * <p><b>Outcomes</b> (RabbitMQ 4's): an unsettled transfer is settled {@code accepted} once the
 * record is durable (the group commit of its partition); {@code released} when an exchange routed
 * it to no queue; {@code rejected} with {@code amqp:not-found} when its queue or exchange does
 * not exist (any more), with {@code amqp:decode-error} / {@code amqp:invalid-field} when it
 * cannot be read or stored. A pre-settled transfer is published the same way and nobody is told.
 *
 * <p><b>Flow control.</b> The client may send only with credit, and credit is given in windows:
 * {@code linkCredit} at attach, topped up again to {@code linkCredit} once what it has left plus
 * what is still waiting to be durable falls to half of it and fewer than
 * {@code linkBytesInFlight} bytes are waiting. So a fast sender holds at most
 * {@code linkCredit} messages (and about {@code linkBytesInFlight} bytes) in the broker at a time.
 * No credit is given while the broker asks publishers to wait (the publish backlog is blocked, or
 * the target queue is paced, until {@code Queues.whenUnpaced} says otherwise): that is how a
 * sender feels the publish backlog and a queue's consumers falling behind. A transfer beyond the
 * credit detaches the link with {@code amqp:link:transfer-limit-exceeded};
 * a message (all its transfers) over {@code maxMessageSize} with
 * {@code amqp:link:message-size-exceeded}. Each is logged once.
 */
final class PublisherLink implements LinkHandler {

    private static final Logger log = LoggerFactory.getLogger(PublisherLink.class);

    private final ProtonConnection connection;
    private final Receiver receiver;
    /** Where every message goes; null for an anonymous link (each message's {@code to}). */
    private final AmqpAddress target;
    private final int window;
    private final int bytesLimit;
    private final int maxMessageSize;
    private int creditLeft;
    private int inFlight;
    private long bytesInFlight;
    private boolean closed;
    private boolean failureLogged;
    /** Credit is withheld and a top-up will look again (see {@link #topUp}). */
    private boolean recheckScheduled;
    /** The queue of a dynamic target, deleted when the link ends; null for others. */
    private String temporaryQueue;

    private PublisherLink(ProtonConnection connection, Receiver receiver, AmqpAddress target) {
        this.connection = connection;
        this.receiver = receiver;
        this.target = target;
        this.window = connection.broker().settings().linkCredit();
        this.bytesLimit = connection.broker().settings().linkBytesInFlight();
        this.maxMessageSize = connection.broker().settings().maxMessageSize();
    }

    /** Answers the client's attach: the target resolved (maybe declared), then credit given; or refused. */
    static void attach(ProtonConnection connection, Receiver receiver) {
        Target remote = (Target) receiver.getRemoteTarget();
        if (remote != null && Boolean.TRUE.equals(remote.getDynamic())) { // a temporary queue for the link's life
            attachDynamic(connection, receiver, remote);
            return;
        }
        if (remote == null || remote.getAddress() == null) { // anonymous relay: each message's `to`
            open(connection, receiver, remote, null);
            return;
        }
        AmqpAddress address;
        try {
            address = connection.qualify(AmqpAddress.parse(remote.getAddress()).forCapabilities(remote.getAddress(),
                    remote.getCapabilities()));
        } catch (AmqpAddress.InvalidAddressException e) {
            connection.refuse(receiver, new AmqpError(AmqpError.INVALID_FIELD, e.getMessage()));
            return;
        }
        if (address.kind() == AmqpAddress.Kind.TOPIC) {
            connection.refuse(receiver, new AmqpError(AmqpError.NOT_IMPLEMENTED,
                    "/topics/T is a source only; send to a queue or an exchange"));
            return;
        }
        AmqpError refused = connection.refusedToSendTo(address);
        if (refused != null) {
            connection.refuse(receiver, refused);
            return;
        }
        ConsumerLink.Pending pending = new ConsumerLink.Pending();
        receiver.setContext(pending);
        connection.resolver().resolve(address).whenComplete((resolved, failure) -> connection.execute(() -> {
            if (receiver.getRemoteState() == EndpointState.CLOSED
                    || receiver.getLocalState() != EndpointState.UNINITIALIZED) {
                return;
            }
            if (failure != null) {
                connection.refuse(receiver, ConsumerLink.asAmqpError(failure));
                return;
            }
            if (!resolved.isQueue() && internal(connection, resolved.name())) {
                connection.refuse(receiver, internalRefused(resolved.name()));
                return;
            }
            if (resolved.isQueue() && connection.broker().consumers().lockedAgainst(resolved.name(), connection)) {
                connection.refuse(receiver, ConsumerLink.locked(resolved.name()));
                return;
            }
            if (pending.transferWithoutCredit) {
                log.warn("Refusing AMQP link '{}' of {}: it sent a transfer before it was given credit",
                        receiver.getName(), connection.remote());
                connection.metrics().error(AmqpError.TRANSFER_LIMIT_EXCEEDED.toString());
                connection.refuse(receiver, new AmqpError(AmqpError.TRANSFER_LIMIT_EXCEEDED,
                        "transfer without link credit"));
                return;
            }
            open(connection, receiver, remote, resolved);
        }));
    }

    private static void attachDynamic(ProtonConnection connection, Receiver receiver, Target remote) {
        ConsumerLink.Pending pending = new ConsumerLink.Pending();
        receiver.setContext(pending);
        AddressResolver resolver = connection.resolver();
        CompletableFuture<String> declared = connection.declareTemporaryFor(receiver, null, null);
        if (declared == null) {
            return;
        }
        declared.whenComplete((name, failure) -> connection.execute(() -> {
            if (receiver.getRemoteState() == EndpointState.CLOSED
                    || receiver.getLocalState() != EndpointState.UNINITIALIZED || connection.isSocketClosed()) {
                if (name != null) {
                    resolver.deleteTemporary(name);
                }
                return;
            }
            if (failure != null) {
                connection.refuse(receiver, ConsumerLink.asAmqpError(failure));
                return;
            }
            Target answered = new Target();
            answered.setAddress("/queues/" + VhostNames.localName(name));
            answered.setDynamic(true);
            answered.setDurable(remote.getDurable());
            answered.setExpiryPolicy(remote.getExpiryPolicy());
            answered.setCapabilities(remote.getCapabilities());
            PublisherLink link = open(connection, receiver, answered, AmqpAddress.queue(name, false));
            link.temporaryQueue = name;
        }));
    }

    private static PublisherLink open(ProtonConnection connection, Receiver receiver, Target remote,
            AmqpAddress address) {
        PublisherLink link = new PublisherLink(connection, receiver, address);
        receiver.setTarget(remote);
        receiver.setSource(receiver.getRemoteSource());
        receiver.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        receiver.setSenderSettleMode(receiver.getRemoteSenderSettleMode());
        receiver.setMaxMessageSize(UnsignedLong.valueOf(link.maxMessageSize));
        receiver.setContext(link);
        receiver.open();
        connection.opened(link);
        connection.metrics().linkOpened(true);
        link.topUp();
        return link;
    }

    /** Gives credit back up to the window when what is left and in flight fell to half of it. */
    private void topUp() {
        if (closed || receiver.getLocalState() != EndpointState.ACTIVE) {
            return;
        }
        int outstanding = creditLeft + inFlight;
        if (outstanding <= window / 2 && bytesInFlight < bytesLimit) {
            if (recheckScheduled) {
                return; // withheld: the wait below tops up when it ends
            }
            var queues = connection.broker().queues();
            if (queues.publishBacklog().blocked()) {
                lookAgainSoon();
                return;
            }
            if (pacedQueue()) {
                // told, on the facade's thread, once the queue's consumers have caught up
                recheckScheduled = true;
                queues.whenUnpaced(target.name(), () -> connection.execute(this::recheck));
                return;
            }
            int more = window - outstanding;
            creditLeft += more;
            receiver.flow(more);
        }
    }

    /**
     * Whether the queue this link feeds is paced (its consumers take messages more slowly than they
     * come: {@code Queues.paced}). A link to an exchange or an anonymous link is held back by the
     * publish backlog only, as where its messages go is known only per message.
     */
    private boolean pacedQueue() {
        return target != null && target.isQueue() && connection.broker().queues().paced(target.name());
    }

    /** While the publish backlog is over its high-water mark, credit is looked at again this often. */
    private void lookAgainSoon() {
        recheckScheduled = true;
        connection.executeAfter(BLOCKED_RECHECK_MICROS, this::recheck);
    }

    private void recheck() {
        recheckScheduled = false;
        topUp();
    }

    /** How soon credit withheld for the publish backlog is looked at again. */
    static final long BLOCKED_RECHECK_MICROS = 500;

    @Override
    public void onFlow() {
        // the client's flow (its delivery-count, available) changes nothing here
    }

    @Override
    public void onDelivery(Delivery delivery) {
        if (closed) {
            return;
        }
        Incoming incoming = (Incoming) delivery.getContext();
        if (incoming == null) {
            if (creditLeft <= 0) {
                fail(new AmqpError(AmqpError.TRANSFER_LIMIT_EXCEEDED, "transfer without link credit"));
                return;
            }
            creditLeft--;
            incoming = new Incoming();
            delivery.setContext(incoming);
        } else if (incoming.complete) {
            return; // a later event of a delivery already read (its settlement, ...)
        }
        int pending = delivery.pending();
        if (pending > 0) {
            if ((long) incoming.size + pending > maxMessageSize) {
                fail(new AmqpError(AmqpError.MESSAGE_SIZE_EXCEEDED, "message larger than the link's max-message-size "
                        + maxMessageSize));
                return;
            }
            if (incoming.size == 0 && !delivery.isPartial()) {
                incoming.take(receiver.recv()); // the whole message in one go (the usual case): no copy
            } else {
                incoming.read(receiver, pending);
            }
        }
        if (delivery.isPartial()) {
            return;
        }
        incoming.complete = true;
        receiver.advance();
        if (delivery.isAborted()) {
            delivery.settle();
            topUp();
            return;
        }
        publish(delivery, incoming);
    }

    private void publish(Delivery delivery, Incoming incoming) {
        connection.metrics().messageIn();
        long now = System.currentTimeMillis();
        Message message;
        try {
            message = connection.codec().decode(incoming.bytes, incoming.offset, incoming.size, now);
        } catch (ReservedHeaderException e) {
            settle(delivery, rejected(AmqpError.INVALID_FIELD, e.getMessage()));
            return;
        } catch (RuntimeException e) {
            settle(delivery, rejected(AmqpError.DECODE_ERROR, "cannot read the message: " + e.getMessage()));
            return;
        }
        incoming.bytes = null; // read: what is kept of it is the message
        AmqpAddress destination = target;
        if (destination == null) {
            String to = message.properties().to();
            try {
                destination = connection.qualify(AmqpAddress.parse(to)); // "/": the address itself
            } catch (AmqpAddress.InvalidAddressException e) {
                settle(delivery, rejected(AmqpError.INVALID_FIELD, to == null
                        ? "a message on an anonymous link needs a 'to' address" : e.getMessage()));
                return;
            }
        }
        if (destination.kind() == AmqpAddress.Kind.TOPIC) {
            settle(delivery, rejected(AmqpError.NOT_IMPLEMENTED, "/topics/T is a source only"));
            return;
        }
        inFlight++;
        int size = incoming.size;
        bytesInFlight += size;
        publish(destination, message).whenComplete((outcome, failure) -> connection.executeLater(() -> {
            inFlight--;
            bytesInFlight -= size;
            settle(delivery, failure == null ? outcome : failureOutcome(failure));
            topUp();
        }));
    }

    /** Publishes to the queue or exchange; completes with the outcome once the message is durable. */
    private CompletableFuture<DeliveryState> publish(AmqpAddress destination, Message message) {
        var queues = connection.broker().queues();
        if (target == null) { // anonymous relay: each message's own `to` is checked
            AmqpError refused = connection.refusedToSendTo(destination);
            if (refused != null) {
                return CompletableFuture.completedFuture(rejected(refused.condition(), refused.getMessage()));
            }
        }
        if (destination.isQueue()) {
            CompletableFuture<AmqpAddress> exists = target != null ? CompletableFuture.completedFuture(destination)
                    : connection.resolver().resolve(destination);
            return exists.thenCompose(d -> queues.publish(d.name(), message, PublishOptions.NONE))
                    .thenApply(r -> Accepted.getInstance());
        }
        // /exchanges/X: the subject is the routing key; none is the empty key (a fanout needs none)
        if (target == null && internal(connection, destination.name())) {
            return CompletableFuture.completedFuture(rejected(AmqpError.UNAUTHORIZED_ACCESS,
                    internalRefused(destination.name()).getMessage()));
        }
        String key = destination.key() != null ? destination.key()
                : message.properties().subject() != null ? message.properties().subject() : "";
        return queues.publishToExchange(destination.name(), key, message)
                .thenApply(routed -> routed.routed() ? Accepted.getInstance() : Released.getInstance());
    }

    /** An internal exchange takes messages only from other exchanges (RabbitMQ's rule). */
    private static boolean internal(ProtonConnection connection, String exchange) {
        return connection.broker().topology().exchange(exchange).map(x -> x.internal()).orElse(false);
    }

    private static AmqpError internalRefused(String exchange) {
        return new AmqpError(AmqpError.UNAUTHORIZED_ACCESS, "exchange '" + exchange
                + "' is internal: clients may not publish to it");
    }

    private DeliveryState failureOutcome(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        if (cause instanceof AmqpError error) {
            return rejected(error.condition(), error.getMessage());
        } else if (cause instanceof UnknownQueueException unknown) {
            return rejected(AmqpError.NOT_FOUND, "no queue " + VhostNames.describe(unknown.queue()));
        } else if (cause instanceof QueueFullException full) {
            // as RabbitMQ 4.2+: which queue refused it, and why, in the error's info
            Rejected rejected = rejected(AmqpError.RESOURCE_LIMIT_EXCEEDED, full.getMessage());
            rejected.getError().setInfo(Map.of(Symbol.valueOf("queue"), VhostNames.localName(full.queue()),
                    Symbol.valueOf("reason"), "maxlen"));
            return rejected;
        } else if (cause instanceof TopologyException topology) {
            return rejected(topology.reason() == TopologyException.Reason.NOT_FOUND ? AmqpError.NOT_FOUND
                    : AmqpError.PRECONDITION_FAILED, topology.getMessage());
        }
        if (!failureLogged) {
            failureLogged = true;
            log.warn("Publishing from AMQP link '{}' of {} failed", receiver.getName(), connection.remote(), cause);
        }
        return rejected(AmqpError.INTERNAL_ERROR, "could not store the message: " + cause.getMessage());
    }

    private static Rejected rejected(org.apache.qpid.proton.amqp.Symbol condition, String description) {
        Rejected rejected = new Rejected();
        rejected.setError(new org.apache.qpid.proton.amqp.transport.ErrorCondition(condition, description));
        return rejected;
    }

    private void settle(Delivery delivery, DeliveryState outcome) {
        connection.metrics().outcome("publisher", ConsumerLink.outcomeName(outcome));
        if (closed) {
            return; // the link is gone (and freed): its deliveries with it
        }
        if (!delivery.remotelySettled()) {
            delivery.disposition(outcome);
        }
        delivery.settle();
    }

    private void fail(AmqpError error) {
        if (!failureLogged) {
            failureLogged = true;
            log.warn("Detaching AMQP link '{}' of {}: {} {}", receiver.getName(), connection.remote(),
                    error.condition(), error.getMessage());
        }
        connection.fail(receiver, error);
    }

    @Override
    public void closed() {
        if (closed) {
            return;
        }
        closed = true;
        connection.forget(this);
        connection.metrics().linkClosed(true);
        if (temporaryQueue != null) {
            connection.resolver().deleteTemporary(temporaryQueue);
        }
    }

    /** The bytes of one message as its transfers arrive: {@code bytes[offset, offset + size)}. */
    private static final class Incoming {
        byte[] bytes = new byte[0];
        int offset;
        int size;
        /** Every transfer read: later events for the delivery are not transfers. */
        boolean complete;

        void read(Receiver receiver, int pending) {
            if (offset > 0) { // after take: not expected (take is for a whole message), but kept whole
                bytes = Arrays.copyOfRange(bytes, offset, offset + size);
                offset = 0;
            }
            if (size + pending > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(size + pending, bytes.length * 2));
            }
            size += receiver.recv(bytes, size, pending);
        }

        /**
         * Takes what proton received for the delivery as it is: the transfer's payload, in an
         * array proton made for it and hands over with {@code recv()}.
         */
        void take(ReadableBuffer data) {
            int n = data.remaining();
            if (data.hasArray()) {
                bytes = data.array();
                offset = data.arrayOffset() + data.position();
            } else {
                bytes = new byte[n];
                offset = 0;
                data.get(bytes, 0, n);
            }
            size = n;
        }
    }
}
