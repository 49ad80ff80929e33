package dev.trilog.amqp.v10;

import dev.trilog.amqp.ResourceAccess;
import dev.trilog.frontend.auth.Permission;
import dev.trilog.routing.address.ExchangeType;
import dev.trilog.routing.address.VhostNames;
import dev.trilog.routing.queue.DeliverySink;
import dev.trilog.routing.queue.DeliveryTag;
import dev.trilog.routing.queue.QueueDelivery;
import dev.trilog.routing.queue.SettleResult;
import dev.trilog.routing.queue.Settlement;
import dev.trilog.routing.queue.Subscription;
import dev.trilog.routing.queue.UnknownQueueException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Modified;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.codec.ReadableBuffer;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Sender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A link on which a client receives from a queue: one {@link Subscription} of {@code Queues}.
 *
 * <p><b>Sources.</b> A queue address ({@link AmqpAddress}); a dynamic source, which gets a
 * temporary queue {@code amq.gen-<uuid>} answered as {@code /queues/amq.gen-<uuid>}; an exchange
 * address ({@code /exchange/X/K}, {@code /exchange/X}, {@code /topic/K}, or a bare name with the
 * {@code topic} capability, Qpid JMS' topics), which gets a temporary queue bound to the exchange.
 * A temporary queue lives as long as the link.
 *
 * <p><b>Credit.</b> The client's link credit is the subscription's credit. Two counters, kept on
 * the event loop, say how much the subscription has: {@code issued} (every credit given to it)
 * minus {@code consumed} (every delivery it handed us, and the credit a drain dropped) is its
 * credit plus the deliveries on their way to this event loop. Whenever proton's credit (what the
 * client still allows) is above that, the difference is given. A client that lowers its credit
 * cannot take back what the subscription already has: a delivery that arrives with no credit
 * left is released unchanged ({@code released}, failed count kept). Drain is passed on as
 * {@link Subscription#drain}; when it is done, proton's {@code drained} advances the
 * delivery-count and tells the client.
 *
 * <p><b>Outcomes.</b> {@code accepted} → ACCEPT and {@code rejected} → REJECT, settled once
 * durable; {@code released} → RELEASE; {@code modified} with {@code undeliverable-here} → REJECT
 * (RabbitMQ 4 dead-letters it; its annotations are not merged into the message), with
 * {@code delivery-failed} → RELEASE_FAILED, with neither → RELEASE; a delivery settled with no
 * outcome → RELEASE. At most {@link #MAX_UNSETTLED} deliveries are held unsettled per link. A pre-settled link ({@code snd-settle-mode
 * settled}, at most once) accepts each message as it is sent.
 *
 * <p><b>End.</b> A detach, an end or a lost connection cancels the subscription: what it held
 * goes back to the queue with its failed count + 1, as RabbitMQ does.
 */
final class ConsumerLink implements LinkHandler, DeliverySink {

    private static final Logger log = LoggerFactory.getLogger(ConsumerLink.class);
    /**
     * The most deliveries one link holds unsettled: past it the link gets nothing more until the
     * client settles some, whatever credit it gave, so a client that never settles cannot make the
     * broker hold (and send) without bound.
     */
    static final int MAX_UNSETTLED = 2048;

    private final ProtonConnection connection;
    private final Sender sender;
    private final String queue;
    private final boolean preSettled;
    private Subscription subscription;
    private long issued;
    private long consumed;
    private long nextTag;
    /** Sent unsettled and not settled by the client yet. */
    private int unsettled;
    private boolean draining;
    private boolean closed;
    /** The link owns its queue (dynamic source, exchange address): deleted when it ends. */
    private boolean temporary;

    private ConsumerLink(ProtonConnection connection, Sender sender, String queue, boolean preSettled) {
        this.connection = connection;
        this.sender = sender;
        this.queue = queue;
        this.preSettled = preSettled;
    }

    /**
     * The queue a receiving link takes from: an existing or declared queue, or a temporary one
     * (dynamic sources, exchange and topic addresses) deleted when the link ends.
     *
     * @param queue     the queue's name
     * @param address   the source address answered to the client
     * @param temporary true when the link owns the queue
     */
    record Node(String queue, String address, boolean temporary) {
    }

    /** Answers the client's attach: the source resolved (maybe declared), then subscribed; or refused. */
    static void attach(ProtonConnection connection, Sender sender) {
        Source source = (Source) sender.getRemoteSource();
        if (source == null) {
            connection.refuse(sender, new AmqpError(AmqpError.INVALID_FIELD, "a receiving link needs a source"));
            return;
        }
        AddressResolver resolver = connection.resolver();
        CompletableFuture<Node> node;
        if (Boolean.TRUE.equals(source.getDynamic())) {
            CompletableFuture<String> declared = connection.declareTemporaryFor(sender, null, null);
            if (declared == null) {
                return;
            }
            node = declared.thenApply(name -> new Node(name, "/queues/" + VhostNames.localName(name), true));
        } else {
            AmqpAddress address;
            try {
                address = connection.qualify(AmqpAddress.parse(source.getAddress()).forCapabilities(source.getAddress(),
                        source.getCapabilities()));
            } catch (AmqpAddress.InvalidAddressException e) {
                connection.refuse(sender, new AmqpError(AmqpError.INVALID_FIELD, e.getMessage()));
                return;
            }
            Object offsetSpec = StreamLink.offsetSpec(source);
            AmqpError refused = address.isQueue() || address.kind() == AmqpAddress.Kind.TOPIC
                    ? connection.refused(Permission.READ, ResourceAccess.QUEUE, address.name()) : null;
            if (refused == null) {
                refused = connection.refusedToDeclare(address);
            }
            if (refused != null) {
                connection.refuse(sender, refused);
                return;
            }
            if (address.kind() == AmqpAddress.Kind.TOPIC) { // a Kafka topic, read as a stream
                StreamLink.attach(connection, sender, source, address.name(), offsetSpec);
                return;
            }
            if (address.isQueue() && offsetSpec != null) { // the queue's topic, read as a stream
                var spec = connection.broker().topology().queue(address.name());
                if (spec.isEmpty()) {
                    connection.refuse(sender, AddressResolver.notFound("queue", address.name()));
                } else {
                    StreamLink.attach(connection, sender, source, spec.get().topic(), offsetSpec);
                }
                return;
            }
            if (source.getFilter() != null && !source.getFilter().isEmpty()) { // e.g. a JMS selector
                connection.refuse(sender, new AmqpError(AmqpError.NOT_IMPLEMENTED, "source filters "
                        + source.getFilter().keySet() + " are not supported (only rabbitmq:stream-offset-spec)"));
                return;
            }
            if (address.isQueue()) {
                node = resolver.resolve(address).thenApply(a -> new Node(a.name(), source.getAddress(), false));
            } else { // an exchange: a private queue bound to it, as RabbitMQ 3.x did for /exchange/X and /topic/K
                String key = address.key() != null ? address.key()
                        : connection.broker().topology().exchange(address.name())
                                .filter(x -> x.type() == ExchangeType.TOPIC).map(x -> "#").orElse("");
                CompletableFuture<String> declared = connection.declareTemporaryFor(sender, address.name(), key);
                if (declared == null) {
                    return;
                }
                node = declared.thenApply(name -> new Node(name, source.getAddress(), true));
            }
        }
        sender.setContext(new Pending()); // attached remotely, answered once resolved
        node.whenComplete((resolved, failure) -> connection.execute(() -> {
            if (sender.getRemoteState() == EndpointState.CLOSED || sender.getLocalState() != EndpointState.UNINITIALIZED
                    || connection.isSocketClosed()) {
                if (resolved != null && resolved.temporary()) {
                    resolver.deleteTemporary(resolved.queue()); // the client gave up meanwhile
                }
                return;
            }
            if (failure != null) {
                connection.refuse(sender, asAmqpError(failure));
                return;
            }
            if (connection.broker().consumers().lockedAgainst(resolved.queue(), connection)) {
                connection.refuse(sender, locked(resolved.queue()));
                return;
            }
            open(connection, sender, source, resolved);
        }));
    }

    private static void open(ProtonConnection connection, Sender sender, Source remote, Node node) {
        boolean preSettled = sender.getRemoteSenderSettleMode() == SenderSettleMode.SETTLED;
        ConsumerLink link = new ConsumerLink(connection, sender, node.queue(), preSettled);
        link.temporary = node.temporary();
        Source source = new Source();
        source.setAddress(node.address());
        source.setDynamic(remote.getDynamic());
        source.setDurable(remote.getDurable());
        source.setExpiryPolicy(remote.getExpiryPolicy());
        source.setTimeout(remote.getTimeout());
        source.setDefaultOutcome(remote.getDefaultOutcome());
        source.setOutcomes(remote.getOutcomes());
        source.setCapabilities(remote.getCapabilities());
        sender.setSource(source);
        sender.setTarget(sender.getRemoteTarget());
        sender.setSenderSettleMode(preSettled ? SenderSettleMode.SETTLED : SenderSettleMode.UNSETTLED);
        sender.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        try {
            link.subscription = connection.broker().queues().subscribe(node.queue(), sender.getName(), 0, link);
        } catch (UnknownQueueException e) {
            connection.refuse(sender, AddressResolver.notFound("queue", node.queue()));
            return;
        }
        sender.setContext(link);
        sender.open();
        connection.opened(link);
        connection.metrics().linkOpened(false);
        connection.broker().consumers().added(node.queue());
        link.syncCredit();
    }

    /** RabbitMQ's 405 RESOURCE_LOCKED: another connection's exclusive queue. */
    static AmqpError locked(String queue) {
        return new AmqpError(AmqpError.RESOURCE_LOCKED, "queue " + VhostNames.describe(queue)
                + " is exclusive to another connection");
    }

    static AmqpError asAmqpError(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        if (cause instanceof AmqpError error) {
            return error;
        }
        if (cause instanceof UnknownQueueException unknown) {
            return AddressResolver.notFound("queue", unknown.queue());
        }
        log.warn("Could not resolve an AMQP address", cause);
        return new AmqpError(AmqpError.INTERNAL_ERROR, String.valueOf(cause.getMessage()));
    }

    // ------------------------------------------------------------------ credit

    /** Gives the subscription what the client allows beyond what it already has. */
    private void syncCredit() {
        long outstanding = issued - consumed;
        long delta = Math.min(sender.getCredit() - outstanding, MAX_UNSETTLED - unsettled - outstanding);
        if (delta > 0 && !closed) {
            issued += delta;
            subscription.addCredit((int) Math.min(Integer.MAX_VALUE, delta));
        }
    }

    @Override
    public void onFlow() {
        if (closed) {
            return;
        }
        syncCredit();
        if (sender.getDrain() && sender.getCredit() > 0 && !draining) {
            draining = true;
            subscription.drain();
        }
    }

    @Override
    public void drained(Subscription s, int creditDropped) {
        connection.execute(() -> {
            consumed += creditDropped;
            draining = false;
            if (!closed) {
                sender.drained();
                syncCredit();
            }
        });
    }

    // ------------------------------------------------------------------ deliveries

    @Override
    public void deliver(Subscription s, List<QueueDelivery> deliveries) {
        connection.execute(() -> send(deliveries));
    }

    private void send(List<QueueDelivery> deliveries) {
        for (QueueDelivery d : deliveries) {
            consumed++;
            if (closed) {
                continue; // the cancel released it
            }
            if (sender.getCredit() <= 0) { // the client lowered its credit: not sent, back unchanged
                subscription.settle(d.tag(), Settlement.RELEASE);
                continue;
            }
            byte[] payload = connection.codec().encode(d);
            Delivery delivery = sender.delivery(tag(nextTag++));
            delivery.setContext(d.tag());
            sender.sendNoCopy(ReadableBuffer.ByteBufferReader.wrap(payload)); // a new array per delivery: proton may keep it
            sender.advance();
            connection.metrics().messageOut();
            if (preSettled) {
                delivery.setContext(null);
                delivery.settle();
                subscription.settle(d.tag(), Settlement.ACCEPT);
            } else {
                unsettled++;
            }
        }
    }

    private static byte[] tag(long n) {
        byte[] tag = new byte[8];
        for (int i = 7; i >= 0; i--) {
            tag[i] = (byte) n;
            n >>>= 8;
        }
        return tag;
    }

    /** A disposition from the client. */
    @Override
    public void onDelivery(Delivery delivery) {
        if (!(delivery.getContext() instanceof DeliveryTag tag)) {
            return; // settled already
        }
        DeliveryState state = delivery.getRemoteState();
        Settlement how = settlement(state);
        if (how == null) {
            if (!delivery.remotelySettled()) {
                return; // not an outcome yet (received, or nothing)
            }
            how = Settlement.RELEASE;
            state = Released.getInstance();
        }
        delivery.setContext(null);
        unsettled--;
        connection.metrics().outcome("consumer", outcomeName(state));
        if (closed) {
            delivery.settle();
            return;
        }
        syncCredit(); // room again below the unsettled cap, if it was what held the link back
        DeliveryState outcome = state;
        if (how == Settlement.ACCEPT) {
            // accepted: settled with the queue together with the others of this read burst (one
            // facade call and one share-state write for all), right after the frames are processed
            boolean answer = !delivery.remotelySettled();
            if (!answer) {
                settle(delivery, outcome);
            }
            pendingAccepts.add(new PendingAccept(tag, answer ? delivery : null, outcome));
            if (pendingAccepts.size() == 1) {
                connection.executeLater(this::flushAccepts);
            }
            return;
        }
        CompletableFuture<SettleResult> settled = subscription.settle(tag, how);
        // an outcome we confirm waits until the queue has it; one the client settled itself (as
        // Qpid JMS does) needs no answer, so it is settled here without a hop back to this loop
        if ((how == Settlement.ACCEPT || how == Settlement.REJECT) && !delivery.remotelySettled()) {
            settled.whenComplete((result, failure) -> connection.execute(() -> {
                if (!closed) { // a freed link's deliveries are gone with it
                    settle(delivery, outcome);
                }
            }));
        } else {
            settle(delivery, outcome);
        }
    }

    /** An {@code accepted} waiting for {@link #flushAccepts}; {@code delivery} is set when the client waits for our outcome. */
    private record PendingAccept(DeliveryTag tag, Delivery delivery, DeliveryState outcome) {
    }

    private List<PendingAccept> pendingAccepts = new java.util.ArrayList<>();

    /**
     * On the event loop: settles the accepts collected since the last flush with the queue as one
     * batch; those the client did not settle itself get their {@code accepted} once it is durable.
     */
    private void flushAccepts() {
        if (pendingAccepts.isEmpty()) {
            return;
        }
        List<PendingAccept> batch = pendingAccepts;
        pendingAccepts = new java.util.ArrayList<>();
        List<DeliveryTag> tags = new java.util.ArrayList<>(batch.size());
        boolean answer = false;
        for (PendingAccept a : batch) {
            tags.add(a.tag());
            answer |= a.delivery() != null;
        }
        CompletableFuture<List<SettleResult>> settled = subscription.settleAll(tags, Settlement.ACCEPT);
        if (answer) {
            settled.whenComplete((results, failure) -> connection.execute(() -> {
                if (!closed) { // a freed link's deliveries are gone with it
                    for (PendingAccept a : batch) {
                        if (a.delivery() != null) {
                            settle(a.delivery(), a.outcome());
                        }
                    }
                }
            }));
        }
    }

    private static void settle(Delivery delivery, DeliveryState outcome) {
        if (!delivery.remotelySettled()) {
            delivery.disposition(outcome);
        }
        delivery.settle();
    }

    static Settlement settlement(DeliveryState state) {
        if (state instanceof Accepted) {
            return Settlement.ACCEPT;
        } else if (state instanceof Released) {
            return Settlement.RELEASE;
        } else if (state instanceof Rejected) {
            return Settlement.REJECT;
        } else if (state instanceof Modified modified) {
            if (Boolean.TRUE.equals(modified.getUndeliverableHere())) {
                return Settlement.REJECT; // RabbitMQ 4: dead-lettered (its client's discard with annotations)
            }
            return Boolean.TRUE.equals(modified.getDeliveryFailed()) ? Settlement.RELEASE_FAILED : Settlement.RELEASE;
        }
        return null;
    }

    static String outcomeName(DeliveryState state) {
        if (state instanceof Accepted) {
            return "accepted";
        } else if (state instanceof Released) {
            return "released";
        } else if (state instanceof Rejected) {
            return "rejected";
        } else if (state instanceof Modified) {
            return "modified";
        }
        return "other";
    }

    // ------------------------------------------------------------------ end

    @Override
    public void ended(Subscription s, Subscription.End why) {
        connection.execute(() -> {
            if (closed) {
                return;
            }
            AmqpError error = why == Subscription.End.QUEUE_DELETED
                    ? new AmqpError(AmqpError.RESOURCE_DELETED, "queue '" + queue + "' was deleted")
                    : new AmqpError(AmqpError.CONNECTION_FORCED, "the broker is shutting down");
            connection.fail(sender, error);
        });
    }

    @Override
    public void closed() {
        if (closed) {
            return;
        }
        flushAccepts(); // what the client accepted is done, not given back by the cancel below
        closed = true;
        connection.forget(this);
        connection.metrics().linkClosed(false);
        boolean lastConsumer = connection.broker().consumers().removed(queue);
        CompletableFuture<Integer> cancelled = subscription.cancel();
        // a temporary queue goes with its link; an auto-delete queue (RabbitMQ's rule) with its last consumer
        boolean autoDelete = lastConsumer && connection.broker().topology().queue(queue)
                .map(spec -> spec.autoDelete()).orElse(false);
        if (temporary || autoDelete) {
            cancelled.whenComplete((n, e) -> connection.resolver().deleteTemporary(queue));
        }
    }

    /**
     * The context of a link whose attach is being answered. Its events wait for the answer, but a
     * transfer on it came before any credit: the link is refused with
     * {@code amqp:link:transfer-limit-exceeded} once the answer is ready.
     */
    static final class Pending {
        boolean transferWithoutCredit;
    }
}
