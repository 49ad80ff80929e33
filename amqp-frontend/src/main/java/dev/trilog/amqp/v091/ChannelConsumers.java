package dev.trilog.amqp.v091;

import com.rabbitmq.client.AMQP;
import dev.trilog.amqp.ResourceAccess;
import dev.trilog.amqp.v091.codec.Frame;
import dev.trilog.amqp.v091.codec.FrameEncoder;
import dev.trilog.amqp.v091.codec.ReplyCode;
import dev.trilog.amqp.v091.mapping.ContentProperties;
import dev.trilog.frontend.auth.Permission;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.address.VhostNames;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.queue.DeliveryTag;
import dev.trilog.routing.queue.QueueDelivery;
import dev.trilog.routing.queue.Settlement;
import dev.trilog.routing.queue.Subscription;
import dev.trilog.routing.queue.UnknownQueueException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;

/**
 * A channel's consuming side: {@code basic.consume} / {@code cancel} as push subscriptions of the
 * queue facade in prefetch mode ({@code basic.qos} is the credit), {@code basic.get} as an
 * asynchronous receive, and the channel's delivery tags with their settlement.
 *
 * <p><b>Prefetch.</b> {@code basic.qos} with {@code global=false} (what clients send) sets the
 * limit of each consumer made afterwards: the subscription's own prefetch credit, exact in the
 * facade. With {@code global=true} the channel's consumers share one limit as well, as in
 * RabbitMQ 3.3+: those consumers run on link credit that this class grants one message at a
 * time in turn, never more than both limits leave room for, and again as deliveries settle.
 *
 * <p><b>Delivery tags</b> count the channel's deliveries from 1. Each unacknowledged one names
 * the facade's {@link DeliveryTag} and the consumer it went to (none for basic.get). Settling,
 * as docs/queues.md says: {@code basic.ack} → ACCEPT; {@code basic.nack requeue=true} → RELEASE;
 * {@code basic.reject requeue=true} → RELEASE_FAILED; either with {@code requeue=false} → REJECT
 * (dead-lettered by the queue); {@code basic.recover requeue=true} → RELEASE of all. A tag the
 * channel does not have is 406 PRECONDITION_FAILED, as in RabbitMQ. {@code redelivered} is set
 * when the message was acquired before ({@code acquisitions > 1}).
 *
 * <p><b>Threads.</b> The facade calls the sinks on its delivery thread; they hand the deliveries
 * to the event loop and return. Everything else runs on the event loop.
 */
final class ChannelConsumers {

    private final AmqpChannel channel;
    private final Amqp091Context context;
    /** basic.qos global=false: the limit of each consumer made from now on (0 = none). */
    private int prefetch;
    /** basic.qos global=true: the limit the channel's consumers share. */
    private final SharedPrefetch shared = new SharedPrefetch();
    private final Map<String, Consumer> consumers = new LinkedHashMap<>();
    /** Cancelled consumers whose earlier deliveries may still be unsettled (returned when the channel closes). */
    private final List<Consumer> cancelled = new ArrayList<>();
    private final SequencedMap<Unacked> unacked = new SequencedMap<>();
    /** Acked, not yet settled with the facade: see {@link #ack}. */
    private List<Unacked> pendingAcks = new ArrayList<>();
    private boolean ackFlushScheduled;
    private long lastTag;
    /** This channel's direct reply-to name and consumer tag, once it consumes {@value DirectReplyTo#QUEUE}. */
    String replyName;
    private String replyConsumerTag;
    private final String getConsumerName;

    /** Whether this channel has any consumer (a connection that consumes is never paced). */
    boolean any() {
        return !consumers.isEmpty();
    }

    ChannelConsumers(AmqpChannel channel) {
        this.channel = channel;
        this.context = channel.context;
        this.getConsumerName = "amqp091-" + channel.connection.id + "-" + channel.number;
    }

    /** One delivery the client has not settled; {@code consumer} is null for basic.get. */
    private record Unacked(DeliveryTag tag, Consumer consumer) {
    }

    // ------------------------------------------------------------------ qos, consume, cancel

    void qos(AMQP.Basic.Qos qos) throws AmqpException {
        if (qos.getPrefetchSize() != 0) {
            throw AmqpException.of(ReplyCode.NOT_IMPLEMENTED, "prefetch_size!=0 (" + qos.getPrefetchSize() + ")");
        }
        if (qos.getGlobal()) {
            shared.limit(qos.getPrefetchCount());
        } else {
            prefetch = qos.getPrefetchCount();
        }
        channel.send(new AMQP.Basic.QosOk.Builder().build());
        topUp();
    }

    CompletionStage<?> consume(AMQP.Basic.Consume c) throws AmqpException {
        String queue = queueName(c.getQueue());
        if (queue.equals(DirectReplyTo.QUEUE)) {
            consumeReplies(c);
            return null;
        }
        channel.connection.authorize(Permission.READ, ResourceAccess.QUEUE, queue);
        java.util.Optional<QueueSpec> found = context.topology.queue(queue);
        boolean offsetGiven = c.getArguments() != null && c.getArguments().containsKey(StreamOffsets.ARGUMENT);
        if (found.isEmpty() && !(offsetGiven && context.engine.topic(queue).isPresent())) {
            throw AmqpException.notFound("queue", queue);
        }
        boolean stream = found.isEmpty() || TopologyMethods.isStream(found.get().arguments());
        if (found.isPresent()) {
            context.owners.checkAccess(queue, found.get().exclusive(), channel.connection.id);
            if (c.getExclusive() && found.get().singleActiveConsumer()) { // as RabbitMQ
                throw AmqpException.of(ReplyCode.ACCESS_REFUSED, "cannot obtain exclusive access to queue "
                        + VhostNames.describe(queue) + ": it has single active consumer enabled");
            }
        }
        String tag = c.getConsumerTag().isEmpty() ? "amq.ctag-" + TopologyMethods.serverNamed().substring(8)
                : c.getConsumerTag();
        if (consumers.containsKey(tag)) {
            throw AmqpException.connection(ReplyCode.NOT_ALLOWED, "attempt to reuse consumer tag '" + tag + "'");
        }
        if (stream) {
            return consumeStream(c, queue, tag);
        }
        context.owners.addConsumer(queue, c.getExclusive());
        Consumer consumer = new Consumer(this, tag, queue, c.getNoAck(), c.getExclusive());
        consumer.shared = !c.getNoAck() && shared.limited();
        consumer.limit = prefetch;
        // no limit (prefetch 0, manual acks): link credit for what may sit unwritten, refilled as it reaches the socket
        consumer.paced = !c.getNoAck() && !consumer.shared && prefetch == 0;
        try {
            if (consumer.shared) {
                consumer.subscription = context.queues.subscribe(queue, tag, 0, Subscription.CreditMode.LINK, consumer);
            } else if (consumer.paced) {
                consumer.subscription = context.queues.subscribe(queue, tag, context.settings.writeWindow(),
                        Subscription.CreditMode.LINK, consumer);
            } else {
                int credit = c.getNoAck() ? context.settings.writeWindow() : prefetch;
                consumer.subscription = context.queues.subscribe(queue, tag, credit, Subscription.CreditMode.PREFETCH,
                        consumer);
            }
        } catch (UnknownQueueException e) {
            context.owners.removeConsumer(queue, c.getExclusive());
            throw AmqpException.notFound("queue", queue);
        }
        consumers.put(tag, consumer);
        if (!c.getNowait()) {
            channel.send(new AMQP.Basic.ConsumeOk.Builder().consumerTag(tag).build());
        }
        if (consumer.shared) {
            topUp();
        }
        return null;
    }

    /**
     * basic.consume of a stream queue (or of any topic, given {@code x-stream-offset}): a stream
     * subscription from the offset the argument names ({@code next} by default) with the
     * consumer's prefetch as credit; each ack (or nack, or reject) gives one back. Manual acks and
     * a prefetch are required, as in RabbitMQ. Subscribed on the topology thread (finding a start
     * by time reads the log), with no credit until consume-ok is out.
     */
    private CompletionStage<?> consumeStream(AMQP.Basic.Consume c, String queue, String tag) throws AmqpException {
        if (c.getNoAck()) {
            throw AmqpException.of(ReplyCode.PRECONDITION_FAILED, "stream consumers must acknowledge (no-ack=false)"
                    + " for queue " + VhostNames.describe(queue));
        }
        if (prefetch == 0) {
            throw AmqpException.of(ReplyCode.PRECONDITION_FAILED, "consumer prefetch count is not set for stream queue "
                    + VhostNames.describe(queue));
        }
        dev.trilog.routing.stream.OffsetSpec from = StreamOffsets.parse(
                c.getArguments() == null ? null : c.getArguments().get(StreamOffsets.ARGUMENT), context.clock.millis());
        Consumer consumer = new Consumer(this, tag, queue, false, c.getExclusive());
        consumer.limit = prefetch;
        context.owners.addConsumer(queue, c.getExclusive());
        consumers.put(tag, consumer);
        return channel.offload(c, () -> context.streams.subscribe(queue, from, 0, consumer), subscribed -> {
            consumer.stream = subscribed;
            if (!consumer.active || !channel.isOpen()) {
                subscribed.cancel();
                return;
            }
            if (!c.getNowait()) {
                channel.send(new AMQP.Basic.ConsumeOk.Builder().consumerTag(tag).build());
            }
            subscribed.addCredit(consumer.limit);
        }).whenComplete((v, e) -> {
            if (consumer.stream == null && consumers.remove(tag, consumer)) { // it failed: undo
                consumer.active = false;
                context.owners.removeConsumer(queue, c.getExclusive());
            }
        });
    }

    /** On the event loop: stream records, each a basic.deliver with header {@code x-stream-offset}. */
    void streamDelivered(Consumer consumer, List<dev.trilog.routing.stream.StreamDelivery> deliveries) {
        if (!consumer.active || !channel.isOpen()) {
            return;
        }
        for (dev.trilog.routing.stream.StreamDelivery d : deliveries) {
            long tag = ++lastTag;
            unacked.put(tag, new Unacked(null, consumer));
            Message m = d.message();
            AMQP.BasicProperties props = ContentProperties.toProperties(m);
            Map<String, Object> headers = props.getHeaders() == null ? new LinkedHashMap<>()
                    : new LinkedHashMap<>(props.getHeaders());
            headers.put(StreamOffsets.ARGUMENT, d.offset());
            channel.writeNoFlush(new Frame.Content(channel.number, new AMQP.Basic.Deliver.Builder()
                    .consumerTag(consumer.tag).deliveryTag(tag).redelivered(false).exchange(exchange(m))
                    .routingKey(routingKey(m, consumer.queue)).build(), props.builder().headers(headers).build(),
                    body(m)));
        }
        context.delivered.increment(deliveries.size());
        channel.connection.ctx().flush();
    }

    private void topUp() {
        shared.topUp(consumers.values());
    }

    /**
     * basic.cancel: no more deliveries, but what the consumer was given stays the channel's to
     * ack, nack or reject, as in RabbitMQ, until the channel closes. An auto-delete queue goes
     * with its last consumer.
     */
    void cancel(AMQP.Basic.Cancel c) {
        if (c.getConsumerTag().equals(replyConsumerTag)) {
            stopReplies();
        }
        Consumer consumer = consumers.remove(c.getConsumerTag());
        if (consumer != null && consumer.subscription == null) { // a stream consumer: nothing is held
            consumer.active = false;
            if (consumer.stream != null) {
                consumer.stream.cancel();
            }
            consumerGone(consumer);
        } else if (consumer != null) {
            consumer.active = false;
            consumer.subscription.stop();
            cancelled.removeIf(gone -> gone.subscription.held() == 0);
            cancelled.add(consumer);
            consumerGone(consumer);
        }
        if (!c.getNowait()) {
            channel.send(new AMQP.Basic.CancelOk.Builder().consumerTag(c.getConsumerTag()).build());
        }
    }

    private void consumerGone(Consumer consumer) {
        if (context.owners.removeConsumer(consumer.queue, consumer.exclusive)) {
            String queue = consumer.queue;
            AmqpConnection connection = channel.connection;
            context.topologyThread.execute(() -> {
                if (context.topology.queue(queue).map(QueueSpec::autoDelete).orElse(false)
                        && context.owners.consumers(queue) == 0) {
                    connection.deleteQuietly(queue);
                }
            });
        }
    }

    // ------------------------------------------------------------------ deliveries

    void onEventLoop(Runnable task) {
        try {
            channel.eventLoop().execute(task);
        } catch (RejectedExecutionException closing) {
            // the connection is gone; its subscriptions are cancelled with it
        }
    }

    /** On the event loop: writes the deliveries, one basic.deliver with content each. */
    void delivered(Consumer consumer, List<QueueDelivery> deliveries) {
        if (consumer.shared) {
            shared.delivered(consumer, deliveries.size(), consumer.active && channel.isOpen());
        }
        if (!consumer.active || !channel.isOpen()) {
            return; // the cancel gave them back already
        }
        ChannelHandlerContext ctx = channel.connection.ctx();
        List<DeliveryTag> settled = consumer.noAck ? new ArrayList<>(deliveries.size()) : null;
        // the batch's frames encoded into one buffer: one write through the pipeline, not one per message
        ByteBuf out = ctx.alloc().ioBuffer(Math.min(1 << 20, deliveries.size() * (256 + bodySize(deliveries.get(0)))));
        int frameMax = channel.connection.frameMax() <= 0 ? Integer.MAX_VALUE : channel.connection.frameMax();
        try {
            for (QueueDelivery d : deliveries) {
                long tag = ++lastTag;
                if (consumer.noAck) {
                    settled.add(d.tag());
                } else {
                    unacked.put(tag, new Unacked(d.tag(), consumer));
                }
                Message m = d.message();
                FrameEncoder.write(new Frame.Content(channel.number, new AMQP.Basic.Deliver.Builder()
                        .consumerTag(consumer.tag).deliveryTag(tag).redelivered(d.acquisitions() > 1)
                        .exchange(exchange(m)).routingKey(routingKey(m, consumer.queue)).build(),
                        ContentProperties.toProperties(m), body(m)), out, frameMax);
            }
        } catch (java.io.IOException | RuntimeException e) {
            out.release();
            throw new IllegalStateException("encoding deliveries failed", e);
        }
        ctx.write(out, ctx.voidPromise());
        context.delivered.increment(deliveries.size());
        // Without a prefetch limit, what was delivered is given back as credit only once it reached the
        // socket, so a client that stops reading stops its deliveries instead of filling our memory.
        Subscription subscription = consumer.subscription;
        if (settled != null) { // no-ack: done once written
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> subscription.settleAll(settled,
                    Settlement.ACCEPT));
        } else if (consumer.paced) {
            int written = deliveries.size();
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> subscription.addCredit(written));
        } else {
            ctx.flush();
        }
    }

    /** On the event loop: the queue was deleted (or the broker is closing). */
    void consumerEnded(Consumer consumer) {
        if (consumers.get(consumer.tag) != consumer) {
            return;
        }
        consumers.remove(consumer.tag);
        consumer.active = false;
        context.owners.removeConsumer(consumer.queue, consumer.exclusive);
        if (channel.isOpen() && channel.connection.clientCan("consumer_cancel_notify")) {
            channel.send(new AMQP.Basic.Cancel.Builder().consumerTag(consumer.tag).nowait(true).build());
        }
    }

    static String exchange(Message m) {
        String exchange = m.properties().exchange();
        return exchange == null ? "" : exchange;
    }

    static String routingKey(Message m, String queue) {
        String key = m.properties().routingKey();
        return key == null ? queue : key;
    }

    private static int bodySize(QueueDelivery d) {
        return d.message().hasBody() ? d.message().body().remaining() : 0;
    }

    static ByteBuf body(Message m) {
        return m.hasBody() ? Unpooled.wrappedBuffer(m.body()) : Unpooled.EMPTY_BUFFER;
    }

    // ------------------------------------------------------------------ basic.get

    CompletionStage<?> get(AMQP.Basic.Get g) throws AmqpException {
        String queue = queueName(g.getQueue());
        channel.connection.authorize(Permission.READ, ResourceAccess.QUEUE, queue);
        QueueSpec spec = context.topology.queue(queue).orElseThrow(() -> AmqpException.notFound("queue", queue));
        if (TopologyMethods.isStream(spec.arguments())) {
            throw AmqpException.of(ReplyCode.NOT_IMPLEMENTED, "basic.get not supported by stream queues, queue "
                    + VhostNames.describe(queue));
        }
        context.owners.checkAccess(queue, spec.exclusive(), channel.connection.id);
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.queues.receiveAsync(queue, getConsumerName, 1, context.settings.getLockMs(), 0)
                .thenApplyAsync(got -> new Got(got, got.isEmpty() ? 0 : context.queues.counts(queue).available()),
                        context.topologyThread)
                .whenComplete((got, failure) -> onEventLoop(() -> {
                    try {
                        got(g, queue, got, failure);
                    } finally {
                        done.complete(null);
                    }
                }));
        return done;
    }

    private record Got(List<QueueDelivery> deliveries, long left) {
    }

    private void got(AMQP.Basic.Get g, String queue, Got got, Throwable failure) {
        if (failure != null) {
            channel.error(AmqpChannel.toAmqp(failure).at(g));
            return;
        }
        if (!channel.isOpen()) {
            got.deliveries().forEach(d -> context.queues.settle(d.tag(), Settlement.RELEASE));
            return;
        }
        if (got.deliveries().isEmpty()) {
            channel.send(new AMQP.Basic.GetEmpty.Builder().build());
            return;
        }
        QueueDelivery d = got.deliveries().get(0);
        long tag = ++lastTag;
        Message m = d.message();
        channel.connection.ctx().writeAndFlush(new Frame.Content(channel.number, new AMQP.Basic.GetOk.Builder()
                .deliveryTag(tag).redelivered(d.acquisitions() > 1).exchange(exchange(m))
                .routingKey(routingKey(m, queue)).messageCount(TopologyMethods.clamp(got.left())).build(),
                ContentProperties.toProperties(m), body(m)), channel.connection.ctx().voidPromise());
        context.delivered.increment();
        if (g.getNoAck()) {
            context.queues.settle(d.tag(), Settlement.ACCEPT);
        } else {
            unacked.put(tag, new Unacked(d.tag(), null));
        }
    }

    // ------------------------------------------------------------------ settling

    /**
     * basic.ack: the tags leave the channel's unacked set at once (a second ack of one is 406 as
     * before), but are settled with the facade together at the end of the read burst
     * ({@link #flushAcks}: a task queued on the event loop, which runs once the burst's
     * frames are processed, and before any other method of this channel or its closing): a client acking each message alone then costs one facade call and
     * one share-state write per burst, not per message. An ack has no reply in 0-9-1, so nobody can
     * tell; the credit it gives back comes at the end of the burst.
     */
    void ack(AMQP.Basic.Ack a) throws AmqpException {
        collect(a.getDeliveryTag(), a.getMultiple(), pendingAcks);
        if (!ackFlushScheduled) {
            ackFlushScheduled = true;
            onEventLoop(this::flushAcks); // runs after this read burst
        }
    }

    /** Settles the acks collected since the last flush (see {@link #ack}); on the event loop. */
    void flushAcks() {
        ackFlushScheduled = false;
        if (pendingAcks.isEmpty()) {
            return;
        }
        List<Unacked> which = pendingAcks;
        pendingAcks = new ArrayList<>();
        settleAll(which, Settlement.ACCEPT);
    }

    void nack(AMQP.Basic.Nack n) throws AmqpException {
        settle(n.getDeliveryTag(), n.getMultiple(), n.getRequeue() ? Settlement.RELEASE : Settlement.REJECT);
    }

    void reject(AMQP.Basic.Reject r) throws AmqpException {
        settle(r.getDeliveryTag(), false, r.getRequeue() ? Settlement.RELEASE_FAILED : Settlement.REJECT);
    }

    /** Moves {@code tag} (and with {@code multiple} every one below it) from the unacked set to {@code into}. */
    private void collect(long tag, boolean multiple, List<Unacked> into) throws AmqpException {
        if (multiple) {
            if (tag != 0 && !unacked.containsKey(tag)) {
                throw unknownTag(tag);
            }
            unacked.removeUpTo(tag == 0 ? Long.MAX_VALUE : tag, into::add);
        } else {
            Unacked one = unacked.remove(tag);
            if (one == null) {
                throw unknownTag(tag);
            }
            into.add(one);
        }
    }

    private void settle(long tag, boolean multiple, Settlement how) throws AmqpException {
        List<Unacked> which = new ArrayList<>(multiple ? unacked.size() : 1);
        collect(tag, multiple, which);
        settleAll(which, how);
    }

    private static AmqpException unknownTag(long tag) {
        return AmqpException.of(ReplyCode.PRECONDITION_FAILED, "unknown delivery tag " + tag);
    }

    /** Settles through each delivery's subscription (credit back) or the facade (basic.get). */
    private void settleAll(List<Unacked> which, Settlement how) {
        Consumer only = soleConsumer(which);
        if (only != null) { // one push consumer's deliveries (a burst of acks): one call, no grouping
            List<DeliveryTag> tags = new ArrayList<>(which.size());
            for (Unacked u : which) {
                tags.add(u.tag());
            }
            only.subscription.settleAll(tags, how);
            return;
        }
        Map<Consumer, List<DeliveryTag>> byConsumer = new HashMap<>();
        List<DeliveryTag> gets = new ArrayList<>();
        boolean sharedSettled = false;
        Map<Consumer, Integer> streamCredit = new HashMap<>();
        for (Unacked u : which) {
            if (u.consumer() == null) {
                gets.add(u.tag());
            } else if (u.tag() == null) { // a stream delivery: no state, one credit back
                streamCredit.merge(u.consumer(), 1, Integer::sum);
            } else {
                byConsumer.computeIfAbsent(u.consumer(), c -> new ArrayList<>()).add(u.tag());
                if (u.consumer().shared) {
                    shared.settled(u.consumer());
                    sharedSettled = true;
                }
            }
        }
        byConsumer.forEach((consumer, tags) -> consumer.subscription.settleAll(tags, how));
        streamCredit.forEach((consumer, n) -> {
            if (consumer.active && consumer.stream != null) {
                consumer.stream.addCredit(n);
            }
        });
        if (!gets.isEmpty()) {
            context.queues.settleAll(gets, how);
        }
        if (sharedSettled) {
            topUp();
        }
    }

    /**
     * The push consumer (own prefetch, not the channel's shared one) all of {@code which} went to,
     * or null when they went to several, to basic.get or to a stream consumer.
     */
    private static Consumer soleConsumer(List<Unacked> which) {
        Consumer first = which.isEmpty() ? null : which.get(0).consumer();
        if (first == null || first.shared) {
            return null;
        }
        for (Unacked u : which) {
            if (u.consumer() != first || u.tag() == null) {
                return null;
            }
        }
        return first;
    }

    void recover(boolean requeue, boolean reply) throws AmqpException {
        if (!requeue) {
            throw AmqpException.of(ReplyCode.NOT_IMPLEMENTED, "requeue=false");
        }
        List<Unacked> all = new ArrayList<>(unacked.size());
        unacked.removeAll(all::add);
        settleAll(all, Settlement.RELEASE);
        if (reply) {
            channel.send(new AMQP.Basic.RecoverOk.Builder().build());
        }
    }

    // ------------------------------------------------------------------ direct reply-to

    private void consumeReplies(AMQP.Basic.Consume c) throws AmqpException {
        if (!c.getNoAck()) {
            throw AmqpException.of(ReplyCode.PRECONDITION_FAILED, "reply consumer cannot acknowledge");
        }
        if (replyName != null) {
            throw AmqpException.of(ReplyCode.PRECONDITION_FAILED, "reply consumer already set");
        }
        String tag = c.getConsumerTag().isEmpty() ? "amq.ctag-" + TopologyMethods.serverNamed().substring(8)
                : c.getConsumerTag();
        if (consumers.containsKey(tag)) {
            throw AmqpException.connection(ReplyCode.NOT_ALLOWED, "attempt to reuse consumer tag '" + tag + "'");
        }
        replyConsumerTag = tag;
        replyName = context.replyTo.register(channel, tag);
        if (!c.getNowait()) {
            channel.send(new AMQP.Basic.ConsumeOk.Builder().consumerTag(tag).build());
        }
    }

    private void stopReplies() {
        if (replyName != null) {
            context.replyTo.unregister(replyName);
            replyName = null;
            replyConsumerTag = null;
        }
    }

    /** On this channel's event loop: a reply published to {@link #replyName}, delivered as is. */
    void directReply(String routingKey, AMQP.BasicProperties properties, byte[] body) {
        if (!channel.isOpen() || !routingKey.equals(replyName)) {
            return; // gone meanwhile: dropped, as RabbitMQ does
        }
        channel.connection.ctx().writeAndFlush(new Frame.Content(channel.number, new AMQP.Basic.Deliver.Builder()
                .consumerTag(replyConsumerTag).deliveryTag(++lastTag).redelivered(false).exchange("")
                .routingKey(routingKey).build(), properties, Unpooled.wrappedBuffer(body)),
                channel.connection.ctx().voidPromise());
        context.delivered.increment();
    }

    /** The channel closed: consumers end, and every unsettled delivery goes back, failed count + 1. */
    void releaseAll() {
        flushAcks(); // what the client acked is done, not given back
        stopReplies();
        for (Consumer consumer : consumers.values()) {
            consumer.active = false;
            if (consumer.subscription != null) {
                consumer.subscription.cancel();
            } else if (consumer.stream != null) {
                consumer.stream.cancel();
            }
            consumerGone(consumer);
        }
        consumers.clear();
        for (Consumer consumer : cancelled) {
            consumer.subscription.cancel();
        }
        cancelled.clear();
        List<DeliveryTag> gets = new ArrayList<>();
        unacked.removeAll(u -> {
            if (u.consumer() == null) {
                gets.add(u.tag());
            }
        });
        if (!gets.isEmpty()) {
            context.queues.settleAll(gets, Settlement.RELEASE_FAILED);
        }
    }

    private String queueName(String name) throws AmqpException {
        return channel.queueName(name);
    }
}
