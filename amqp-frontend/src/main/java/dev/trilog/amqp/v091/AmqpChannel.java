package dev.trilog.amqp.v091;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Method;
import dev.trilog.amqp.v091.codec.Frame;
import dev.trilog.amqp.v091.codec.ReplyCode;
import dev.trilog.routing.address.VhostNames;
import dev.trilog.routing.queue.UnknownQueueException;
import dev.trilog.routing.topology.TopologyException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AMQP 0-9-1 channel: routes its methods to their families — {@link TopologyMethods}
 * (exchange.*, queue.*), {@link ChannelPublisher} (basic.publish and its content, confirms),
 * {@link ChannelConsumers} (consume, get, qos, ack/nack/reject, recover) — and closes.
 *
 * <pre>
 *   OPEN ─ channel.close from the client ─▶ close-ok sent, number free
 *     └── a soft error ─▶ CLOSING (channel.close sent; everything but close/close-ok ignored)
 *                             └── close-ok (or the client's own close) ─▶ number free
 * </pre>
 *
 * Closing either way hands back what the channel held: its consumers' unacknowledged messages
 * return to their queues with one more failed delivery (RabbitMQ counts a closed consumer so),
 * and so do unacknowledged basic.get messages. On the connection's event loop only.
 */
final class AmqpChannel {

    private static final Logger log = LoggerFactory.getLogger(AmqpChannel.class);

    final AmqpConnection connection;
    final Amqp091Context context;
    final int number;
    final ChannelPublisher publisher;
    final ChannelConsumers consumers;
    final TopologyMethods topology;
    /** The queue last declared on this channel, qualified: an empty queue name elsewhere means it (AMQP 0-9-1). */
    String lastQueue;
    private boolean open = true;

    /**
     * The queue a method names, qualified by the connection's vhost: an empty name is the one
     * last declared on this channel; direct reply-to's pseudo-queue is no vhost's.
     */
    String queueName(String name) throws AmqpException {
        if (name.isEmpty()) {
            if (lastQueue == null) {
                throw AmqpException.of(ReplyCode.NOT_FOUND, "no previously declared queue");
            }
            return lastQueue;
        }
        return name.equals(DirectReplyTo.QUEUE) ? name : connection.qualify(name);
    }

    AmqpChannel(AmqpConnection connection, int number) {
        this.connection = connection;
        this.context = connection.context;
        this.number = number;
        this.publisher = new ChannelPublisher(this);
        this.consumers = new ChannelConsumers(this);
        this.topology = new TopologyMethods(this);
    }

    boolean isOpen() {
        return open;
    }

    Executor eventLoop() {
        return connection.ctx().executor();
    }

    void send(Method method) {
        connection.write(new Frame.MethodFrame(number, method));
    }

    /** One frame or more through the connection, written but not flushed. */
    void writeNoFlush(Frame frame) {
        connection.ctx().write(frame, connection.ctx().voidPromise());
    }

    // ------------------------------------------------------------------ frames

    /** Handles a frame; a stage when the reply comes later (the connection holds later frames back). */
    CompletionStage<?> handle(Frame frame) throws AmqpException {
        if (!open) {
            if (frame instanceof Frame.MethodFrame m) {
                if (m.method() instanceof AMQP.Channel.CloseOk) {
                    connection.channelClosed(number);
                } else if (m.method() instanceof AMQP.Channel.Close) {
                    send(new AMQP.Channel.CloseOk.Builder().build());
                    connection.channelClosed(number);
                }
            }
            return null;
        }
        if (frame instanceof Frame.HeaderFrame header) {
            publisher.header(header);
            return null;
        }
        if (frame instanceof Frame.BodyFrame body) {
            publisher.body(body);
            return null;
        }
        Method method = ((Frame.MethodFrame) frame).method();
        if (publisher.assembling()) {
            throw AmqpException.of(ReplyCode.UNEXPECTED_FRAME, "expected content header for class 60, got '"
                    + method.protocolMethodName() + "'").at(method);
        }
        try {
            return method(method);
        } catch (AmqpException e) {
            throw e.at(method);
        }
    }

    private CompletionStage<?> method(Method m) throws AmqpException {
        if (m instanceof AMQP.Basic.Publish p) {
            publisher.begin(p);
            return null;
        } else if (m instanceof AMQP.Basic.Ack a) {
            consumers.ack(a);
            return null;
        }
        consumers.flushAcks(); // the acks before this method take effect before it
        if (m instanceof AMQP.Basic.Nack n) {
            consumers.nack(n);
        } else if (m instanceof AMQP.Basic.Reject r) {
            consumers.reject(r);
        } else if (m instanceof AMQP.Basic.Consume c) {
            return consumers.consume(c);
        } else if (m instanceof AMQP.Basic.Cancel c) {
            consumers.cancel(c);
        } else if (m instanceof AMQP.Basic.Qos q) {
            consumers.qos(q);
        } else if (m instanceof AMQP.Basic.Get g) {
            return consumers.get(g);
        } else if (m instanceof AMQP.Basic.Recover r) {
            consumers.recover(r.getRequeue(), true);
        } else if (m instanceof AMQP.Basic.RecoverAsync r) {
            consumers.recover(r.getRequeue(), false);
        } else if (m instanceof AMQP.Confirm.Select s) {
            publisher.select(s);
        } else if (m.protocolClassId() == 40 || m.protocolClassId() == 50) {
            return topology.handle(m);
        } else if (m instanceof AMQP.Channel.Close) {
            release();
            open = false;
            send(new AMQP.Channel.CloseOk.Builder().build());
            connection.channelClosed(number);
        } else if (m instanceof AMQP.Channel.Flow f) {
            if (!f.getActive()) {
                throw AmqpException.of(ReplyCode.NOT_IMPLEMENTED, "active=false");
            }
            send(new AMQP.Channel.FlowOk.Builder().active(true).build());
        } else if (m instanceof AMQP.Channel.FlowOk || m instanceof AMQP.Channel.CloseOk) {
            // answers to what the server never sends while open: nothing to do
        } else if (m instanceof AMQP.Channel.Open) {
            throw AmqpException.of(ReplyCode.CHANNEL_ERROR, "second 'channel.open' seen");
        } else if (m.protocolClassId() == 90) {
            throw AmqpException.of(ReplyCode.NOT_IMPLEMENTED, "transactions (" + m.protocolMethodName()
                    + ") are not implemented by Trilog; publisher confirms are");
        } else {
            throw AmqpException.of(ReplyCode.COMMAND_INVALID, "'" + m.protocolMethodName()
                    + "' is not a method a client sends");
        }
        return null;
    }

    // ------------------------------------------------------------------ errors, closing

    /** Answers an error: a hard one closes the connection, a soft one this channel. */
    void error(AmqpException e) {
        if (e.connectionLevel) {
            connection.connectionError(e);
            return;
        }
        if (!open) {
            return;
        }
        log.debug("Closing AMQP 0-9-1 channel {} of {}: {}", number, connection.remote(), e.replyText());
        release();
        open = false;
        send(new AMQP.Channel.Close.Builder().replyCode(e.code.code()).replyText(e.replyText()).classId(e.classId())
                .methodId(e.methodId()).build());
    }

    /** Gives back everything the channel holds; it delivers and confirms nothing more. */
    void release() {
        open = false;
        publisher.drop();
        consumers.releaseAll();
    }

    // ------------------------------------------------------------------ work off the event loop

    /** Work done on the topology thread. */
    interface Work<T> {
        T run() throws Exception;
    }

    /** Its reply, on the event loop (only while the channel is open). */
    interface Reply<T> {
        void accept(T value) throws AmqpException;
    }

    /**
     * Runs {@code work} on the topology thread and {@code reply} with its result back on the event
     * loop; a failure is answered as the error it maps to. Completes once the reply was written.
     */
    <T> CompletionStage<Void> offload(Method method, Work<T> work, Reply<T> reply) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Executor loop = eventLoop();
        try {
            context.topologyThread.execute(() -> {
                T value = null;
                Exception failure = null;
                try {
                    value = work.run();
                } catch (Exception e) {
                    failure = e;
                }
                T v = value;
                Exception f = failure;
                loop.execute(() -> {
                    try {
                        if (f != null) {
                            throw toAmqp(f);
                        }
                        if (open) {
                            reply.accept(v);
                        }
                    } catch (AmqpException e) {
                        error(e.at(method));
                    } finally {
                        done.complete(null);
                    }
                });
            });
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    /** The reply code an exception from the facade or topology maps to. */
    static AmqpException toAmqp(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof AmqpException a) {
            return a;
        } else if (e instanceof TopologyException t) {
            return switch (t.reason()) {
                case NOT_FOUND -> AmqpException.of(ReplyCode.NOT_FOUND, t.getMessage());
                case PRECONDITION_FAILED -> AmqpException.of(ReplyCode.PRECONDITION_FAILED, t.getMessage());
                case ACCESS_REFUSED -> AmqpException.of(ReplyCode.ACCESS_REFUSED, t.getMessage());
                case LIMIT_REACHED -> AmqpException.of(ReplyCode.PRECONDITION_FAILED, t.getMessage()); // as RabbitMQ's queue limit
            };
        } else if (e instanceof UnknownQueueException u) {
            return AmqpException.notFound("queue", u.queue());
        } else if (e instanceof IllegalArgumentException) {
            return AmqpException.of(ReplyCode.PRECONDITION_FAILED, e.getMessage());
        } else if (e instanceof IOException) {
            log.warn("AMQP 0-9-1: the log failed", e);
            return AmqpException.of(ReplyCode.INTERNAL_ERROR, "the log failed: " + e.getMessage());
        }
        log.warn("AMQP 0-9-1: internal error", e);
        return AmqpException.of(ReplyCode.INTERNAL_ERROR, e.toString());
    }
}
