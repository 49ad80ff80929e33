package dev.trilog.amqp.v10;

import dev.trilog.amqp.ResourceAccess;
import dev.trilog.frontend.auth.Permission;
import dev.trilog.routing.address.Binding;
import dev.trilog.routing.address.Destination;
import dev.trilog.routing.address.ExchangeSpec;
import dev.trilog.routing.address.ExchangeType;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.address.VhostNames;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.queue.UnknownQueueException;
import dev.trilog.routing.topology.Topology;
import dev.trilog.routing.topology.TopologyException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.UnsignedLong;

/**
 * RabbitMQ 4's HTTP-over-AMQP management API (the requests RabbitMQ's AMQP 1.0 clients send to
 * {@code /management}), answered from the {@link Topology} and {@link Queues}: one method per
 * request, each returning the status code and body RabbitMQ gives.
 *
 * <pre>
 *   PUT    /queues/Q                      declare: 201 new, 200 same, 409 different; body = queue info
 *   GET    /queues/Q                      200 queue info, 404
 *   DELETE /queues/Q                      200 {message_count}
 *   DELETE /queues/Q/messages             purge: 200 {message_count}, 404
 *   PUT    /exchanges/X                   204; 409 different; 403 amq.* and the default exchange
 *   DELETE /exchanges/X                   204; 403
 *   POST   /bindings                      204; 404 when an end is missing
 *   DELETE /bindings/src=X;dstq=Q;key=K;args=A  (or dste=; A as GET gives it in a location) 204
 *   GET    /bindings?src=X&amp;dstq=Q&amp;key=K     200 [binding…]
 * </pre>
 * A malformed request is 400; an unknown path or method 404 / 405. Every call writes the
 * topology durably or reads it: it runs on the frontend's declaring thread, never an event loop.
 */
final class ManagementRequests {

    /** The node name Trilog gives as a queue's leader and only replica. */
    static final String NODE = "trilog@localhost";

    /** A status code and an AMQP body (a map, a list, or null). */
    record Response(int status, Object body) {
        static Response of(int status) {
            return new Response(status, null);
        }

        static Response error(int status, String message) {
            return new Response(status, message);
        }
    }

    private final Topology topology;
    private final Queues queues;
    private final ConsumerCounts consumers;
    private final ResourceAccess access;

    /** @param access what the requesting connection's user may do: a refused request is answered 403 */
    ManagementRequests(Topology topology, Queues queues, ConsumerCounts consumers, ResourceAccess access) {
        this.topology = topology;
        this.queues = queues;
        this.consumers = consumers;
        this.access = access;
    }

    /**
     * Answers one request.
     *
     * @param method the request's subject: GET, PUT, POST or DELETE
     * @param uri    its {@code to}
     * @param body   its decoded amqp-value body (a map for PUT and POST)
     * @param owner  what exclusive queues declared by this request belong to (the connection)
     */
    Response handle(String method, String uri, Object body, ExclusiveQueues owner) {
        try {
            if (uri == null || method == null) {
                return Response.error(400, "a management request needs 'to' and 'subject'");
            }
            String path = uri;
            String query = "";
            int q = uri.indexOf('?');
            if (q >= 0) {
                path = uri.substring(0, q);
                query = uri.substring(q + 1);
            }
            String[] s = path.split("/", -1);
            if (s.length >= 3 && s[1].equals("queues")) {
                String queue = qualify(decode(s[2]));
                if (s.length == 3) {
                    return switch (method) {
                        case "PUT" -> declareQueue(queue, map(body), owner);
                        case "GET" -> getQueue(queue);
                        case "DELETE" -> deleteQueue(queue);
                        default -> Response.error(405, method + " " + uri);
                    };
                }
                if (s.length == 4 && s[3].equals("messages") && method.equals("DELETE")) {
                    return purge(queue);
                }
            } else if (s.length == 3 && s[1].equals("exchanges")) {
                String exchange = qualify(decode(s[2]));
                return switch (method) {
                    case "PUT" -> declareExchange(exchange, map(body));
                    case "DELETE" -> deleteExchange(exchange);
                    default -> Response.error(405, method + " " + uri);
                };
            } else if (s.length == 2 && s[1].equals("bindings")) {
                return switch (method) {
                    case "POST" -> bind(map(body));
                    case "GET" -> listBindings(parameters(query, "&", "=", true));
                    default -> Response.error(405, method + " " + uri);
                };
            } else if (s.length == 3 && s[1].equals("bindings") && method.equals("DELETE")) {
                return unbind(parameters(s[2], ";", "=", false));
            }
            return Response.error(404, "no management resource " + method + " " + uri);
        } catch (Refused e) {
            return Response.error(403, e.getMessage());
        } catch (BadRequest | IllegalArgumentException e) {
            return Response.error(400, e.getMessage());
        } catch (TopologyException e) {
            return Response.error(switch (e.reason()) {
                case NOT_FOUND -> 404;
                case PRECONDITION_FAILED, LIMIT_REACHED -> 409;
                case ACCESS_REFUSED -> 403;
            }, e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ queues

    private Response declareQueue(String name, Map<String, Object> body, ExclusiveQueues owner)
            throws TopologyException, IOException {
        authorize(Permission.CONFIGURE, ResourceAccess.QUEUE, name);
        boolean exclusive = bool(body, "exclusive", false);
        QueueSpec spec = new QueueSpec(name, bool(body, "durable", true), exclusive, bool(body, "auto_delete", false),
                arguments(body.get("arguments")));
        boolean created = topology.declareQueue(spec);
        queues.declared(name); // a use, for x-expires
        if (created && exclusive && owner != null) {
            owner.add(name);
        }
        return new Response(created ? 201 : 200, queueInfo(spec));
    }

    private Response getQueue(String name) {
        return topology.queue(name).map(spec -> new Response(200, queueInfo(spec)))
                .orElseGet(() -> Response.error(404, "no queue " + VhostNames.describe(name)));
    }

    private Map<String, Object> queueInfo(QueueSpec spec) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("name", VhostNames.localName(spec.name()));
        info.put("vhost", access.vhost());
        info.put("durable", spec.durable());
        info.put("auto_delete", spec.autoDelete());
        info.put("exclusive", spec.exclusive());
        HeaderValue type = spec.arguments().get("x-queue-type");
        info.put("type", type != null && !type.isNull() ? type.text() : "classic");
        Map<String, Object> arguments = new LinkedHashMap<>();
        spec.arguments().forEach((k, v) -> arguments.put(k, MessageCodec.amqpValue(v)));
        info.put("arguments", arguments);
        info.put("leader", NODE);
        info.put("replicas", new String[] {NODE});
        long messages;
        try {
            messages = queues.counts(spec.name()).available();
        } catch (UnknownQueueException | IllegalStateException e) {
            messages = 0;
        }
        info.put("message_count", UnsignedLong.valueOf(messages));
        info.put("consumer_count", UnsignedInteger.valueOf(consumers.of(spec.name())));
        return info;
    }

    private Response deleteQueue(String name) throws IOException {
        authorize(Permission.CONFIGURE, ResourceAccess.QUEUE, name);
        long messages = 0;
        if (topology.queue(name).isPresent()) {
            try {
                messages = queues.counts(name).available();
            } catch (UnknownQueueException e) {
                messages = 0;
            }
            topology.deleteQueue(name);
        }
        return new Response(200, Map.of("message_count", UnsignedLong.valueOf(messages)));
    }

    private Response purge(String name) {
        authorize(Permission.READ, ResourceAccess.QUEUE, name);
        if (topology.queue(name).isEmpty()) {
            return Response.error(404, "no queue " + VhostNames.describe(name));
        }
        long messages = queues.counts(name).available();
        try {
            queues.purge(name).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while purging " + name, e);
        } catch (Exception e) {
            throw new IllegalStateException("purging " + name + " failed: " + e.getMessage(), e);
        }
        return new Response(200, Map.of("message_count", UnsignedLong.valueOf(messages)));
    }

    // ------------------------------------------------------------------ exchanges

    private Response declareExchange(String name, Map<String, Object> body) throws TopologyException, IOException {
        authorize(Permission.CONFIGURE, ResourceAccess.EXCHANGE, name);
        Object typeName = body.get("type");
        ExchangeType type = typeName == null ? ExchangeType.DIRECT : ExchangeType.forAmqpName(typeName.toString())
                .orElseThrow(() -> new BadRequest("unknown exchange type '" + typeName + "'"));
        topology.declareExchange(new ExchangeSpec(name, type, bool(body, "durable", true),
                bool(body, "auto_delete", false), bool(body, "internal", false), arguments(body.get("arguments"))));
        return Response.of(204);
    }

    private Response deleteExchange(String name) throws TopologyException, IOException {
        authorize(Permission.CONFIGURE, ResourceAccess.EXCHANGE, name);
        topology.deleteExchange(name, false);
        return Response.of(204);
    }

    // ------------------------------------------------------------------ bindings

    private Response bind(Map<String, Object> body) throws TopologyException, IOException {
        Binding binding = binding(qualifyOrNull(text(body, "source")), qualifyOrNull(text(body, "destination_queue")),
                qualifyOrNull(text(body, "destination_exchange")), body.get("binding_key") == null ? "" : body.get("binding_key").toString(),
                arguments(body.get("arguments")));
        authorize(binding);
        topology.bind(binding);
        return Response.of(204);
    }

    private Response unbind(Map<String, String> p) throws TopologyException, IOException {
        Binding plain = binding(qualifyOrNull(p.get("src")), qualifyOrNull(p.get("dstq")), qualifyOrNull(p.get("dste")),
                p.getOrDefault("key", ""), Map.of());
        authorize(plain);
        String args = p.getOrDefault("args", "");
        if (args.isEmpty()) {
            topology.unbind(plain);
            return Response.of(204);
        }
        // args= names the arguments as listBindings wrote them in a binding's location
        for (Binding b : topology.bindingsTo(plain.destination())) {
            if (b.source().equals(plain.source()) && b.key().equals(plain.key())
                    && argumentsId(b.arguments()).equals(args)) {
                topology.unbind(b);
            }
        }
        return Response.of(204);
    }

    /** A binding's arguments as text, sorted by name: how a location's {@code args=} names them. */
    static String argumentsId(Map<String, HeaderValue> arguments) {
        StringBuilder id = new StringBuilder();
        arguments.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> id.append(id.length() == 0
                ? "" : ",").append(e.getKey()).append(':').append(e.getValue().type().token()).append('=')
                .append(e.getValue().type() == dev.trilog.routing.message.ValueType.BINARY
                        ? java.util.HexFormat.of().formatHex(e.getValue().asBytes()) : e.getValue().text()));
        return id.toString();
    }

    private Response listBindings(Map<String, String> p) {
        String source = qualifyOrNull(p.get("src"));
        Destination destination = p.containsKey("dstq") ? Destination.queue(qualify(p.get("dstq")))
                : p.containsKey("dste") ? Destination.exchange(qualify(p.get("dste"))) : null;
        if (source == null || destination == null) {
            throw new BadRequest("a bindings query needs src and dstq or dste");
        }
        List<Object> found = new ArrayList<>();
        for (Binding b : topology.bindingsTo(destination)) {
            if (!b.source().equals(source) || p.containsKey("key") && !b.key().equals(p.get("key"))) {
                continue;
            }
            Map<String, Object> info = new LinkedHashMap<>();
            String from = VhostNames.localName(b.source());
            String to = VhostNames.localName(b.destination().name());
            info.put("source", from);
            info.put("vhost", access.vhost());
            info.put("destination", to);
            info.put("destination_type", b.destination().isQueue() ? "queue" : "exchange");
            info.put("binding_key", b.key());
            Map<String, Object> arguments = new LinkedHashMap<>();
            b.arguments().forEach((k, v) -> arguments.put(k, MessageCodec.amqpValue(v)));
            info.put("arguments", arguments);
            info.put("location", "/bindings/src=" + encode(from) + ";"
                    + (b.destination().isQueue() ? "dstq=" : "dste=") + encode(to)
                    + ";key=" + encode(b.key()) + ";args=" + encode(argumentsId(b.arguments())));
            found.add(info);
        }
        return new Response(200, found);
    }

    private static Binding binding(String source, String queue, String exchange, String key,
            Map<String, HeaderValue> arguments) {
        if (source == null || (queue == null) == (exchange == null)) {
            throw new BadRequest("a binding needs a source and one destination (queue or exchange)");
        }
        Destination destination = queue != null ? Destination.queue(queue) : Destination.exchange(exchange);
        return new Binding(source, destination, key, arguments);
    }

    // ------------------------------------------------------------------ helpers

    /** A 403 answer: what the user's permissions do not grant. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** A name the request gives, in the connection's vhost ({@link VhostNames}); a reserved one is a 400. */
    private String qualify(String name) {
        return VhostNames.qualify(access.vhost(), name);
    }

    private String qualifyOrNull(String name) {
        return name == null ? null : qualify(name);
    }

    private void authorize(Permission permission, String kind, String name) {
        access.refusal(permission, kind, name).ifPresent(why -> {
            throw new Refused(why);
        });
    }

    /** As queue.bind and exchange.bind: write on the destination, read on the source exchange. */
    private void authorize(Binding binding) {
        authorize(Permission.WRITE, binding.destination().isQueue() ? ResourceAccess.QUEUE : ResourceAccess.EXCHANGE,
                binding.destination().name());
        authorize(Permission.READ, ResourceAccess.EXCHANGE, binding.source());
    }

    /** A 400 answer. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    /** Exclusive queues declared on one connection, deleted when it closes (RabbitMQ's rule). */
    interface ExclusiveQueues {
        void add(String queue);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object body) {
        if (body == null) {
            return Map.of();
        }
        if (!(body instanceof Map<?, ?> map)) {
            throw new BadRequest("the request body must be a map");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static Map<String, HeaderValue> arguments(Object arguments) {
        Map<String, HeaderValue> out = new LinkedHashMap<>();
        map(arguments).forEach((k, v) -> out.put(k, MessageCodec.headerValue(k, v)));
        return out;
    }

    private static boolean bool(Map<String, Object> body, String key, boolean otherwise) {
        Object v = body.get(key);
        return v instanceof Boolean b ? b : otherwise;
    }

    private static String text(Map<String, Object> body, String key) {
        Object v = body.get(key);
        return v == null ? null : v.toString();
    }

    /** {@code a=1;b=2} (or {@code &}-separated), each value percent-decoded. */
    private static Map<String, String> parameters(String text, String separator, String equals, boolean query) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : text.split(java.util.regex.Pattern.quote(separator))) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf(equals);
            String key = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? "" : part.substring(eq + 1);
            out.put(key, decode(query ? value.replace("+", "%20") : value));
        }
        return out;
    }

    private static String decode(String segment) {
        try {
            return AmqpAddress.percentDecode(segment);
        } catch (AmqpAddress.InvalidAddressException e) {
            throw new BadRequest(e.getMessage());
        }
    }

    private static String encode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xFF));
            }
        }
        return out.toString();
    }
}
