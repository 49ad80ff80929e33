package dev.trilog.amqp.v091;

import com.rabbitmq.client.AMQP;
import dev.trilog.amqp.ResourceAccess;
import dev.trilog.amqp.v091.codec.Frame;
import dev.trilog.amqp.v091.codec.ReplyCode;
import dev.trilog.amqp.v091.mapping.ContentProperties;
import dev.trilog.frontend.auth.Permission;
import dev.trilog.routing.address.ExchangeSpec;
import dev.trilog.routing.address.VhostNames;
import dev.trilog.routing.message.Message;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.TreeSet;

/**
 * A channel's publishing side: assembles {@code basic.publish} + content header + body frames
 * into one message, publishes it through the queue facade, returns it when {@code mandatory}
 * and unroutable ({@code basic.return} 312 NO_ROUTE), and in confirm mode answers each publish
 * once it is durable.
 *
 * <pre>
 *   AWAIT_METHOD ─basic.publish─▶ AWAIT_HEADER ─header (size 0)──────────────▶ publish
 *                                      └──header (size n)─▶ AWAIT_BODY ─n bytes─▶ publish
 *   anything else in between: 505 UNEXPECTED_FRAME; a body past n: 505; n over the max message size: 406
 * </pre>
 *
 * <p>The body is kept as its frames arrive, in an array that at least doubles as it grows (capped
 * at n): the header's size alone reserves nothing, so a client announcing the largest body on
 * every channel and sending none of it costs what it sent, not n per channel.
 *
 * <p><b>Confirms.</b> Sequence numbers count the channel's publishes from 1 after
 * {@code confirm.select}. A publish is acked once the facade says every queue it was routed to
 * has it durably (an unroutable one at once, after its basic.return), nacked if the write
 * failed. Confirms due in one event-loop turn go out together: one {@code basic.ack} with
 * {@code multiple=true} for everything below the oldest publish still unconfirmed, single ones
 * for the rest; each publish is confirmed exactly once.
 */
final class ChannelPublisher {

    private final AmqpChannel channel;
    private AMQP.Basic.Publish publish;
    private AMQP.BasicProperties properties;
    private byte[] body;
    /** The body size the content header announced. */
    private int bodySize;
    private int bodyRead;

    private boolean confirming;
    private long nextSequence = 1;
    private final SequencedMap<Boolean> unconfirmed = new SequencedMap<>();
    /** Sequences to ack at the next flush, {@code acks} of them, in the order they were answered (mostly ascending). */
    private long[] toAck = new long[64];
    private int acks;
    private final TreeSet<Long> toNack = new TreeSet<>();
    private boolean flushScheduled;
    /** Publishes the facade has answered, for {@link #drainCompleted} (written on the facade's threads). */
    private final java.util.Queue<Completed> completed = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean drainScheduled = new java.util.concurrent.atomic.AtomicBoolean();
    private boolean draining;

    ChannelPublisher(AmqpChannel channel) {
        this.channel = channel;
    }

    boolean assembling() {
        return publish != null;
    }

    void begin(AMQP.Basic.Publish p) {
        publish = p;
        properties = null;
        body = null;
        bodySize = 0;
        bodyRead = 0;
    }

    void header(Frame.HeaderFrame header) throws AmqpException {
        if (publish == null || properties != null) {
            throw AmqpException.of(ReplyCode.UNEXPECTED_FRAME, publish == null
                    ? "content header without a basic.publish" : "second content header for one basic.publish");
        }
        int max = channel.context.settings.maxMessageBytes();
        if (header.bodySize() > max) {
            AMQP.Basic.Publish p = publish;
            begin(null);
            throw AmqpException.of(ReplyCode.PRECONDITION_FAILED, "message size " + header.bodySize()
                    + " is larger than configured max size " + max).at(p);
        }
        properties = header.properties();
        bodySize = (int) header.bodySize();
        body = new byte[0];
        if (bodySize == 0) {
            complete();
        }
    }

    void body(Frame.BodyFrame frame) throws AmqpException {
        if (publish == null || properties == null) {
            throw AmqpException.of(ReplyCode.UNEXPECTED_FRAME, "content body without a content header");
        }
        int n = frame.payload().readableBytes();
        if (bodyRead + n > bodySize) {
            throw AmqpException.of(ReplyCode.UNEXPECTED_FRAME, "content body of " + (bodyRead + n)
                    + " bytes or more, longer than the " + bodySize + " its header said");
        }
        if (bodyRead + n > body.length) {
            body = Arrays.copyOf(body, (int) Math.min(bodySize, Math.max(bodyRead + n, 2L * body.length)));
        }
        frame.payload().readBytes(body, bodyRead, n);
        bodyRead += n;
        if (bodyRead == bodySize) {
            complete();
        }
    }

    private void complete() throws AmqpException {
        AMQP.Basic.Publish p = publish;
        AMQP.BasicProperties props = properties;
        byte[] bytes = body;
        begin(null);
        try {
            publish(p, props, bytes);
        } catch (AmqpException e) {
            throw e.at(p);
        }
    }

    private void publish(AMQP.Basic.Publish p, AMQP.BasicProperties props, byte[] bytes) throws AmqpException {
        Amqp091Context context = channel.context;
        if (p.getImmediate()) {
            throw AmqpException.of(ReplyCode.NOT_IMPLEMENTED, "immediate=true"); // as RabbitMQ since 3.0
        }
        String exchange = channel.connection.qualify(p.getExchange()); // "/": the name itself, nothing built
        channel.connection.authorize(Permission.WRITE, ResourceAccess.EXCHANGE, exchange);
        ExchangeSpec spec = context.topology.exchange(exchange).orElseThrow(
                () -> AmqpException.notFound("exchange", exchange));
        if (spec.internal()) {
            throw AmqpException.of(ReplyCode.ACCESS_REFUSED, "cannot publish to internal exchange "
                    + VhostNames.describe(exchange));
        }
        if (DirectReplyTo.QUEUE.equals(props.getReplyTo())) {
            String replyName = channel.consumers.replyName;
            if (replyName == null) {
                throw AmqpException.of(ReplyCode.PRECONDITION_FAILED, "fast reply consumer does not exist");
            }
            props = props.builder().replyTo(replyName).build();
        }
        if (p.getExchange().isEmpty() && p.getRoutingKey().startsWith(DirectReplyTo.PREFIX)) {
            directReply(p, props, bytes);
            return;
        }
        Message message;
        try {
            message = ContentProperties.toMessage(props, bytes, context.clock.millis(), VhostNames.localName(exchange),
                    p.getRoutingKey());
        } catch (IllegalArgumentException e) {
            throw AmqpException.of(ReplyCode.PRECONDITION_FAILED, e.getMessage());
        }
        channel.connection.publishing();
        context.published.increment();
        long sequence = confirming ? nextSequence++ : 0;
        if (confirming) {
            unconfirmed.put(sequence, Boolean.TRUE);
        }
        AMQP.BasicProperties sent = props;
        // written on this event loop after the read burst, as one append (Queues.publishToExchange)
        var routing = context.queues.publishToExchange(exchange, p.getRoutingKey(), message, channel.eventLoop());
        routing.whenComplete((routed, failure) -> {
            completed.add(new Completed(sequence, p, sent, bytes, routed, failure));
            if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true)) {
                try {
                    channel.eventLoop().execute(this::drainCompleted);
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    // the connection's event loop is gone: nobody to tell
                }
            }
        });
    }

    /** A publish the facade has answered, waiting for the event loop. */
    private record Completed(long sequence, AMQP.Basic.Publish publish, AMQP.BasicProperties properties,
            byte[] body, dev.trilog.routing.queue.RoutedPublish routed, Throwable failure) {
    }

    /**
     * On the event loop: every publish answered since the last drain. The facade completes a
     * group commit's publishes one after another on its append thread; they reach the event loop
     * as one task (one wake-up, one confirm flush), not one each.
     */
    private void drainCompleted() {
        drainScheduled.set(false);
        draining = true;
        java.util.Set<String> queues = null;
        try {
            Completed c;
            while ((c = completed.poll()) != null) {
                if (c.failure() == null) {
                    if (queues == null) {
                        queues = new java.util.HashSet<>(4);
                    }
                    queues.addAll(c.routed().byQueue().keySet());
                }
                published(c.sequence(), c.publish(), c.properties(), c.body(),
                        c.failure() == null && c.routed().routed(), c.failure());
            }
        } finally {
            draining = false;
        }
        if (queues != null) {
            channel.connection.pace(queues);
        }
        if (acks > 0 || !toNack.isEmpty()) {
            flushConfirms();
        }
    }

    /** On the event loop, when the facade has answered. */
    private void published(long sequence, AMQP.Basic.Publish p, AMQP.BasicProperties props, byte[] bytes,
            boolean routed, Throwable failure) {
        if (!channel.isOpen()) {
            return;
        }
        if (failure == null && !routed && p.getMandatory()) {
            channel.connection.ctx().writeAndFlush(new Frame.Content(channel.number, new AMQP.Basic.Return.Builder()
                    .replyCode(ReplyCode.NO_ROUTE.code()).replyText("NO_ROUTE").exchange(p.getExchange())
                    .routingKey(p.getRoutingKey()).build(), props, Unpooled.wrappedBuffer(bytes)),
                    channel.connection.ctx().voidPromise());
        }
        if (sequence > 0 && unconfirmed.remove(sequence) != null) {
            if (failure != null) {
                toNack.add(sequence);
            } else {
                if (acks == toAck.length) {
                    toAck = Arrays.copyOf(toAck, 2 * acks);
                }
                toAck[acks++] = sequence;
            }
            if (!flushScheduled && !draining) {
                flushScheduled = true;
                channel.eventLoop().execute(this::flushConfirms);
            }
        }
    }

    /** A reply to a direct reply-to name: straight to that channel's consumer, nothing stored. */
    private void directReply(AMQP.Basic.Publish p, AMQP.BasicProperties props, byte[] bytes) {
        long sequence = confirming ? nextSequence++ : 0;
        if (confirming) {
            unconfirmed.put(sequence, Boolean.TRUE);
        }
        var target = channel.context.replyTo.find(p.getRoutingKey());
        target.ifPresent(t -> t.channel().eventLoop().execute(
                () -> t.channel().consumers.directReply(p.getRoutingKey(), props, bytes)));
        published(sequence, p, props, bytes, target.isPresent(), null);
    }

    private void flushConfirms() {
        flushScheduled = false;
        if (!channel.isOpen()) {
            return;
        }
        for (long n : toNack) {
            confirm(new AMQP.Basic.Nack.Builder().deliveryTag(n).multiple(false).requeue(false).build());
        }
        toNack.clear();
        long oldestOpen = unconfirmed.firstKey(Long.MAX_VALUE);
        Arrays.sort(toAck, 0, acks);
        int below = 0; // everything under the oldest publish still open is confirmed: one ack, multiple
        while (below < acks && toAck[below] < oldestOpen) {
            below++;
        }
        if (below > 0) {
            confirm(new AMQP.Basic.Ack.Builder().deliveryTag(toAck[below - 1]).multiple(below > 1).build());
            channel.context.confirmed.increment(below);
        }
        for (int i = below; i < acks; i++) {
            confirm(new AMQP.Basic.Ack.Builder().deliveryTag(toAck[i]).multiple(false).build());
            channel.context.confirmed.increment();
        }
        acks = 0;
        channel.connection.ctx().flush(); // the turn's confirms in one write
    }

    private void confirm(com.rabbitmq.client.Method method) {
        channel.writeNoFlush(new Frame.MethodFrame(channel.number, method));
    }

    void select(AMQP.Confirm.Select select) {
        confirming = true;
        if (!select.getNowait()) {
            channel.send(new AMQP.Confirm.SelectOk.Builder().build());
        }
    }

    /** The channel closed: nothing more is confirmed or returned. */
    void drop() {
        begin(null);
        unconfirmed.clear();
        acks = 0;
        toNack.clear();
    }
}
