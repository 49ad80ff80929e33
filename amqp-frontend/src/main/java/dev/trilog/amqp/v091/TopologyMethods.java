package dev.trilog.amqp.v091;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Method;
import dev.trilog.amqp.ResourceAccess;
import dev.trilog.amqp.v091.codec.ReplyCode;
import dev.trilog.amqp.v091.mapping.FieldTables;
import dev.trilog.frontend.auth.Permission;
import dev.trilog.routing.address.Binding;
import dev.trilog.routing.address.Destination;
import dev.trilog.routing.address.ExchangeSpec;
import dev.trilog.routing.address.ExchangeType;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.address.VhostNames;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.ValueType;
import dev.trilog.routing.queue.QueueCounts;
import dev.trilog.routing.topology.Topology;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * exchange.declare/delete/bind/unbind and queue.declare/bind/unbind/purge/delete over
 * {@link Topology} and the queue facade, with RabbitMQ's answers: 404 for what does not exist,
 * 406 for an inequivalent redeclaration or an argument Trilog does not honour, 405 for another
 * connection's exclusive queue, 403 for the {@code amq.} prefix and the default exchange, 503
 * (hard) for an unknown exchange type. Each runs on the topology thread; replies come back on the
 * event loop ({@link AmqpChannel#offload}).
 */
final class TopologyMethods {

    /** Queue arguments RabbitMQ has and Trilog does not honour yet: refused (406), not ignored. */
    static final String QUEUE_TYPE = "x-queue-type";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final AmqpChannel channel;
    private final Amqp091Context context;
    private final Topology topology;

    TopologyMethods(AmqpChannel channel) {
        this.channel = channel;
        this.context = channel.context;
        this.topology = context.topology;
    }

    private static final String QUEUE = ResourceAccess.QUEUE;
    private static final String EXCHANGE = ResourceAccess.EXCHANGE;

    private void authorize(Permission permission, String kind, String name) throws AmqpException {
        channel.connection.authorize(permission, kind, name);
    }

    CompletionStage<?> handle(Method m) throws AmqpException {
        try {
            return dispatch(m);
        } catch (IllegalArgumentException e) { // a binding key over 255 bytes, and the like
            throw AmqpException.of(ReplyCode.PRECONDITION_FAILED, e.getMessage());
        }
    }

    private CompletionStage<?> dispatch(Method m) throws AmqpException {
        if (m instanceof AMQP.Exchange.Declare d) {
            return exchangeDeclare(d);
        } else if (m instanceof AMQP.Exchange.Delete d) {
            String exchange = qualify(d.getExchange());
            authorize(Permission.CONFIGURE, EXCHANGE, exchange);
            return channel.offload(m, () -> topology.deleteExchange(exchange, d.getIfUnused()),
                    done -> reply(d.getNowait(), new AMQP.Exchange.DeleteOk.Builder().build()));
        } else if (m instanceof AMQP.Exchange.Bind b) {
            String destination = qualify(b.getDestination());
            String source = qualify(b.getSource());
            authorize(Permission.WRITE, EXCHANGE, destination);
            authorize(Permission.READ, EXCHANGE, source);
            Binding binding = new Binding(source, Destination.exchange(destination), b.getRoutingKey(),
                    arguments(b.getArguments()));
            return channel.offload(m, () -> topology.bind(binding),
                    done -> reply(b.getNowait(), new AMQP.Exchange.BindOk.Builder().build()));
        } else if (m instanceof AMQP.Exchange.Unbind u) {
            String destination = qualify(u.getDestination());
            String source = qualify(u.getSource());
            authorize(Permission.WRITE, EXCHANGE, destination);
            authorize(Permission.READ, EXCHANGE, source);
            Binding binding = new Binding(source, Destination.exchange(destination), u.getRoutingKey(),
                    arguments(u.getArguments()));
            return channel.offload(m, () -> topology.unbind(binding),
                    done -> reply(u.getNowait(), new AMQP.Exchange.UnbindOk.Builder().build()));
        } else if (m instanceof AMQP.Queue.Declare d) {
            return queueDeclare(d);
        } else if (m instanceof AMQP.Queue.Bind b) {
            String queue = queueName(b.getQueue());
            String exchange = qualify(b.getExchange());
            authorize(Permission.WRITE, QUEUE, queue);
            authorize(Permission.READ, EXCHANGE, exchange);
            String key = b.getQueue().isEmpty() && b.getRoutingKey().isEmpty() ? VhostNames.localName(queue)
                    : b.getRoutingKey();
            Binding binding = new Binding(exchange, Destination.queue(queue), key, arguments(b.getArguments()));
            return channel.offload(m, () -> {
                checkAccess(queue);
                return topology.bind(binding);
            }, done -> reply(b.getNowait(), new AMQP.Queue.BindOk.Builder().build()));
        } else if (m instanceof AMQP.Queue.Unbind u) {
            String queue = queueName(u.getQueue());
            String exchange = qualify(u.getExchange());
            authorize(Permission.WRITE, QUEUE, queue);
            authorize(Permission.READ, EXCHANGE, exchange);
            Binding binding = new Binding(exchange, Destination.queue(queue), u.getRoutingKey(),
                    arguments(u.getArguments()));
            return channel.offload(m, () -> {
                checkAccess(queue);
                return topology.unbind(binding);
            }, done -> channel.send(new AMQP.Queue.UnbindOk.Builder().build()));
        } else if (m instanceof AMQP.Queue.Purge p) {
            String queue = queueName(p.getQueue());
            authorize(Permission.READ, QUEUE, queue);
            return channel.offload(m, () -> {
                QueueSpec spec = requireQueue(queue);
                context.owners.checkAccess(queue, spec.exclusive(), channel.connection.id);
                long count = context.queues.counts(queue).available();
                context.queues.purge(queue).get();
                return count;
            }, count -> reply(p.getNowait(), new AMQP.Queue.PurgeOk.Builder().messageCount(clamp(count)).build()));
        } else if (m instanceof AMQP.Queue.Delete d) {
            String queue = queueName(d.getQueue());
            authorize(Permission.CONFIGURE, QUEUE, queue);
            return channel.offload(m, () -> queueDelete(queue, d.getIfUnused(), d.getIfEmpty()),
                    count -> reply(d.getNowait(), new AMQP.Queue.DeleteOk.Builder().messageCount(clamp(count)).build()));
        }
        throw AmqpException.of(ReplyCode.COMMAND_INVALID, "'" + m.protocolMethodName()
                + "' is not a method a client sends");
    }

    // ------------------------------------------------------------------ exchanges

    private CompletionStage<?> exchangeDeclare(AMQP.Exchange.Declare d) throws AmqpException {
        String name = qualify(d.getExchange());
        if (d.getPassive()) {
            return channel.offload(d, () -> topology.exchange(name).orElseThrow(
                    () -> AmqpException.notFound("exchange", name)),
                    x -> reply(d.getNowait(), new AMQP.Exchange.DeclareOk.Builder().build()));
        }
        authorize(Permission.CONFIGURE, EXCHANGE, name);
        Object alternate = d.getArguments() == null ? null : d.getArguments().get("alternate-exchange");
        if (alternate != null) { // RabbitMQ: the declarer must be able to publish to it and read from this one
            authorize(Permission.WRITE, EXCHANGE, qualify(alternate.toString()));
            authorize(Permission.READ, EXCHANGE, name);
        }
        ExchangeType type = ExchangeType.forAmqpName(d.getType()).orElseThrow(() -> AmqpException.of(
                ReplyCode.COMMAND_INVALID, "unknown exchange type '" + d.getType() + "'"));
        ExchangeSpec spec;
        try {
            spec = new ExchangeSpec(name, type, d.getDurable(), d.getAutoDelete(), d.getInternal(),
                    arguments(d.getArguments()));
        } catch (IllegalArgumentException e) {
            throw AmqpException.of(ReplyCode.PRECONDITION_FAILED, e.getMessage());
        }
        return channel.offload(d, () -> topology.declareExchange(spec),
                created -> reply(d.getNowait(), new AMQP.Exchange.DeclareOk.Builder().build()));
    }

    // ------------------------------------------------------------------ queues

    private CompletionStage<?> queueDeclare(AMQP.Queue.Declare d) throws AmqpException {
        long connection = channel.connection.id;
        if (d.getPassive()) {
            String name = queueName(d.getQueue());
            if (name.equals(DirectReplyTo.QUEUE)) { // it "exists": clients probe for direct reply-to so
                reply(d.getNowait(), new AMQP.Queue.DeclareOk.Builder().queue(name).build());
                return null;
            }
            return channel.offload(d, () -> {
                QueueSpec spec = requireQueue(name);
                context.owners.checkAccess(name, spec.exclusive(), connection);
                return declareOk(name);
            }, ok -> declared(d, ok));
        }
        if (!d.getQueue().isEmpty() && d.getQueue().startsWith("amq.")) {
            throw AmqpException.of(ReplyCode.ACCESS_REFUSED, "queue name '" + d.getQueue()
                    + "' contains reserved prefix 'amq.*'");
        }
        String name = qualify(d.getQueue().isEmpty() ? serverNamed() : d.getQueue());
        authorize(Permission.CONFIGURE, QUEUE, name);
        Object deadLetters = d.getArguments() == null ? null : d.getArguments().get("x-dead-letter-exchange");
        if (deadLetters != null) { // RabbitMQ: the declarer must be able to publish to it and read from this one
            authorize(Permission.WRITE, EXCHANGE, qualify(deadLetters.toString()));
            authorize(Permission.READ, QUEUE, name);
        }
        Map<String, HeaderValue> arguments = arguments(d.getArguments());
        checkQueueArguments(arguments);
        arguments = asRabbitMqTypes(arguments);
        if (isStream(arguments) && (!d.getDurable() || d.getExclusive() || d.getAutoDelete())) {
            throw AmqpException.of(ReplyCode.PRECONDITION_FAILED, "invalid property '"
                    + (!d.getDurable() ? "non-durable" : d.getExclusive() ? "exclusive" : "auto-delete")
                    + "' for queue " + VhostNames.describe(name) + " of type stream");
        }
        QueueSpec spec;
        try {
            spec = new QueueSpec(name, d.getDurable(), d.getExclusive(), d.getAutoDelete(), arguments);
        } catch (IllegalArgumentException e) {
            throw AmqpException.of(ReplyCode.PRECONDITION_FAILED, e.getMessage());
        }
        return channel.offload(d, () -> {
            Optional<QueueSpec> existing = topology.queue(name);
            if (existing.isPresent()) {
                context.owners.checkAccess(name, existing.get().exclusive(), connection);
            }
            topology.declareQueue(spec);
            context.queues.declared(name); // renews an x-expires lease (a passive declare does not)
            if (spec.exclusive()) {
                context.owners.claim(name, connection);
            }
            return declareOk(name);
        }, ok -> {
            if (spec.exclusive()) {
                channel.connection.exclusiveQueues.add(name);
            }
            declared(d, ok);
        });
    }

    private AMQP.Queue.DeclareOk declareOk(String name) {
        QueueCounts counts = context.queues.counts(name);
        return new AMQP.Queue.DeclareOk.Builder().queue(VhostNames.localName(name)).messageCount(clamp(counts.available()))
                .consumerCount(context.owners.consumers(name)).build();
    }

    private void declared(AMQP.Queue.Declare d, AMQP.Queue.DeclareOk ok) throws AmqpException {
        channel.lastQueue = qualify(ok.getQueue());
        reply(d.getNowait(), ok);
    }

    /** On the topology thread. */
    private long queueDelete(String queue, boolean ifUnused, boolean ifEmpty) throws Exception {
        Optional<QueueSpec> spec = topology.queue(queue);
        if (spec.isEmpty()) {
            return 0; // RabbitMQ 3.x and later: deleting what is not there succeeds
        }
        context.owners.checkAccess(queue, spec.get().exclusive(), channel.connection.id);
        if (ifUnused && context.owners.consumers(queue) > 0) {
            throw AmqpException.of(ReplyCode.PRECONDITION_FAILED, "queue " + VhostNames.describe(queue) + " in use");
        }
        QueueCounts counts = context.queues.counts(queue);
        if (ifEmpty && counts.available() + counts.inFlight() + counts.delayed() > 0) {
            throw AmqpException.of(ReplyCode.PRECONDITION_FAILED, "queue " + VhostNames.describe(queue)
                    + " is not empty");
        }
        topology.deleteQueue(queue);
        context.owners.forget(queue);
        return counts.available();
    }

    /**
     * Refuses a queue type Trilog does not have (arguments it does not honour yet are refused by
     * {@code QueueSpec}, for every protocol).
     */
    static void checkQueueArguments(Map<String, HeaderValue> arguments) throws AmqpException {
        HeaderValue type = arguments.get("x-queue-type");
        if (type != null && !type.isNull()) {
            if (type.type() != ValueType.STRING && type.type() != ValueType.SYMBOL) {
                // a double, a table, …: RabbitMQ's words for an argument of the wrong type (was an internal error)
                throw AmqpException.of(ReplyCode.PRECONDITION_FAILED, "invalid arg 'x-queue-type': {unacceptable_type,"
                        + type.type().token() + "}");
            }
            String t = type.asString();
            if (!t.equals("classic") && !t.equals("quorum") && !t.equals("stream")) {
                throw AmqpException.of(ReplyCode.PRECONDITION_FAILED, "invalid arg 'x-queue-type': '" + t
                        + "' is not supported (classic, quorum and stream are)");
            }
        }
    }

    /**
     * RabbitMQ's queue types in Trilog's arguments: a classic queue (no {@code x-queue-type}, or
     * {@code classic}) redelivers without limit, so it gets {@code x-delivery-limit = -1} unless it
     * names one; a quorum queue keeps the facade's default of 20, as RabbitMQ 4's. The type
     * {@code classic} is not stored, so declaring it with or without the argument is the same
     * declaration, as in RabbitMQ.
     */
    static Map<String, HeaderValue> asRabbitMqTypes(Map<String, HeaderValue> arguments) {
        Map<String, HeaderValue> out = new java.util.LinkedHashMap<>(arguments);
        HeaderValue type = out.get("x-queue-type");
        String name = type == null || type.isNull() ? "classic" : type.asString(); // a string: checkQueueArguments
        if (name.equals("classic")) {
            out.remove(QUEUE_TYPE);
        }
        if (name.equals("classic") && !out.containsKey(QueueSpec.DELIVERY_LIMIT)) {
            out.put(QueueSpec.DELIVERY_LIMIT, HeaderValue.ofLong(-1));
        }
        return out;
    }

    /** Whether queue arguments make a stream queue ({@code x-queue-type: stream}). */
    static boolean isStream(Map<String, HeaderValue> arguments) {
        HeaderValue type = arguments.get(QUEUE_TYPE);
        return type != null && !type.isNull() && !type.type().isInteger() && type.asString().equals("stream");
    }

    // ------------------------------------------------------------------ helpers

    private String queueName(String name) throws AmqpException {
        return channel.queueName(name);
    }

    private String qualify(String name) throws AmqpException {
        return channel.connection.qualify(name);
    }

    /** On the topology thread. */
    private QueueSpec requireQueue(String name) throws AmqpException {
        return topology.queue(name).orElseThrow(() -> AmqpException.notFound("queue", name));
    }

    /** On the topology thread: 405 for another connection's exclusive queue (404 is the topology's). */
    private void checkAccess(String queue) throws AmqpException {
        Optional<QueueSpec> spec = topology.queue(queue);
        if (spec.isPresent()) {
            context.owners.checkAccess(queue, spec.get().exclusive(), channel.connection.id);
        }
    }

    private void reply(boolean nowait, Method ok) {
        if (!nowait) {
            channel.send(ok);
        }
    }

    static Map<String, HeaderValue> arguments(Map<String, Object> table) throws AmqpException {
        try {
            return FieldTables.toHeaderValues(table);
        } catch (IllegalArgumentException e) {
            throw AmqpException.of(ReplyCode.PRECONDITION_FAILED, e.getMessage());
        }
    }

    static String serverNamed() {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        return "amq.gen-" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    static int clamp(long count) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, count));
    }
}
