package dev.trilog.gateway.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.frontend.ConsumerGroups;
import dev.trilog.frontend.DefinitionSection;
import dev.trilog.frontend.auth.PermissionStore;
import dev.trilog.frontend.auth.UserStore;
import dev.trilog.frontend.auth.VhostStore;
import dev.trilog.gateway.Listener;
import dev.trilog.gateway.definitions.DefinitionsExporter;
import dev.trilog.log.LogEngine;
import dev.trilog.log.PartitionLog;
import dev.trilog.log.Topic;
import dev.trilog.log.TopicExistsException;
import dev.trilog.log.TopicInUseException;
import dev.trilog.log.UnknownTopicException;
import dev.trilog.routing.address.VhostNames;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.queue.UnknownQueueException;
import dev.trilog.routing.topology.Topology;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidTopicException;

/**
 * The admin endpoint's JSON API under {@code /api/v1} (docs/admin-api.md): views of what the broker
 * holds, and the few changes an operator makes by hand, answered as JSON; every failure is
 * {@code {"error": "…"}} with its status.
 *
 * <pre>
 *   GET    /api/v1/status              version, uptime, data directory, listeners, how many topics and queues
 *   GET    /api/v1/traffic             per protocol: open connections, messages in and out since start
 *   GET    /api/v1/topics              every topic but Kafka's internal ones: partitions, records, bytes
 *   GET    /api/v1/topics/NAME         one topic: id, config overrides, each partition's start/end offsets and size
 *   GET    /api/v1/queues              every queue (SQS and AMQP) with its counts
 *   GET    /api/v1/queues/NAME         one queue: counts, arguments, the bindings that lead to it
 *   GET    /api/v1/queues/NAME/messages?limit=   its available messages, without acquiring them
 *   GET    /api/v1/topics/NAME/partitions/P/records?offset=|timestamp=&amp;limit=   records of a partition
 *   GET    /api/v1/groups              every consumer group with committed offsets, and its total lag
 *   GET    /api/v1/groups/NAME         one group: type, state, members; each partition's committed offset, end offset and lag
 *   POST   /api/v1/groups/NAME/reset   moves an empty group's offsets: {"to": "earliest"|"latest"|"timestamp"|"offset", …}
 *   GET    /api/v1/compare             the latest trilog compare reports (admin.compare.reports)
 *   GET    /api/v1/definitions         what exists, as a start-up definitions document (docs/definitions.md)
 *   POST   /api/v1/topics              creates a topic: {"name": …, "partitions": N, "configs": {…}}
 *   DELETE /api/v1/topics/NAME         deletes a topic (refused while a queue keeps its messages there)
 *   POST   /api/v1/queues/NAME/purge   drops the queue's messages not in flight (AMQP queue.purge)
 *   POST   /api/v1/topics/NAME/records  produces a test record: {"key": …, "value": …, "headers": {…}}
 *   GET, POST /api/v1/users; GET, DELETE /api/v1/users/NAME   the broker's users ({@link UsersApi})
 *   POST, DELETE /api/v1/users/NAME/permissions                their AMQP permissions
 * </pre>
 *
 * An unknown topic, queue or group is 404 {@code {"error": "unknown topic 'x'"}}, as is an unknown
 * path. The changes go through the same engine and queue calls as the protocols' own (Kafka's
 * CreateTopics and DeleteTopics, AMQP's queue.purge), so they are checked and replicated alike.
 */
public final class AdminApi {

    static final String PREFIX = "/api/v1/";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** An answer: the status and the JSON body. */
    record Response(int status, JsonNode body) {

        String text() {
            try {
                return JSON.writeValueAsString(body) + "\n";
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a tree of JSON nodes is always JSON", e);
            }
        }
    }

    private final LogEngine engine;
    private final Topology topology;
    private final Queues queues;
    private final List<DefinitionSection> sections;
    private final Process process;
    private final RecordBrowser records;
    private final GroupViews groupViews;
    private final QueueViews queueViews;
    private final GroupOffsetReset reset;
    private final CompareReports compareReports;
    private final UsersApi users;
    private final VhostsApi vhosts;
    private final ProtocolTraffic traffic;

    /**
     * What {@code /api/v1/status} says of the process.
     *
     * @param listeners      the listeners started so far, read at each request
     * @param compareReports where {@code trilog compare}'s reports are ({@code admin.compare.reports})
     */
    public record Process(String version, Path dataDir, long startedAtMillis, Supplier<List<Listener>> listeners,
            Path compareReports) {
    }

    /**
     * @param sections          the frontends' lists of the definitions, which also tell whose a queue is
     * @param frontendOfSection the frontend of each list, by its key ({@code sqsQueues} → {@code sqs}): a
     *                          queue one of them owns is that protocol's, any other AMQP's
     * @param coordinators      the frontends' consumer groups (the Kafka frontend's), for membership,
     *                          share groups and offset resets
     * @param meters            the frontends' meters, read for {@code /api/v1/traffic}
     */
    public AdminApi(LogEngine engine, Topology topology, Queues queues, List<DefinitionSection> sections,
            Map<String, String> frontendOfSection, List<ConsumerGroups> coordinators, Process process,
            UserStore users, VhostStore vhosts, MeterRegistry meters) {
        this.traffic = new ProtocolTraffic(meters);
        try {
            PermissionStore permissions = PermissionStore.open(engine);
            this.users = new UsersApi(users, permissions);
            this.vhosts = new VhostsApi(vhosts, topology, permissions);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot open the AMQP permissions", e);
        }
        this.engine = engine;
        this.topology = topology;
        this.queues = queues;
        this.sections = List.copyOf(sections);
        this.process = process;
        this.records = new RecordBrowser(engine);
        this.groupViews = new GroupViews(engine, coordinators);
        this.queueViews = new QueueViews(topology, queues, sections, frontendOfSection);
        this.reset = new GroupOffsetReset(engine, coordinators);
        this.compareReports = new CompareReports(process.compareReports());
    }

    /** The compare reports the console lists and serves. */
    CompareReports compareReports() {
        return compareReports;
    }

    /** The answer to a GET of {@code path} (which starts with {@code /api/}) without a query. */
    Response get(String path) {
        return get(path, Map.of());
    }

    /** The answer to a GET of {@code path} (which starts with {@code /api/}) with the request's query parameters. */
    Response get(String path, Map<String, Deque<String>> query) {
        if (!path.startsWith(PREFIX)) {
            return error(404, "no such endpoint: " + path + " (the API is under " + PREFIX + ")");
        }
        String[] parts = path.substring(PREFIX.length()).split("/", -1);
        if (parts.length == 1) {
            switch (parts[0]) {
                case "definitions" -> {
                    return new Response(200, new DefinitionsExporter(engine, topology, sections).export());
                }
                case "status" -> {
                    return new Response(200, status());
                }
                case "traffic" -> {
                    return new Response(200, traffic.snapshot());
                }
                case "topics" -> {
                    return new Response(200, topics());
                }
                case "queues" -> {
                    return new Response(200, queueViews.queueList());
                }
                case "compare" -> {
                    return new Response(200, compareReports.list());
                }
                case "users" -> {
                    return users.list();
                }
                case "vhosts" -> {
                    return vhosts.list();
                }
                default -> {
                    // answered below
                }
            }
        }
        if (parts.length == 2 && !parts[1].isEmpty()) {
            String name = parts[1];
            switch (parts[0]) {
                case "topics" -> {
                    return engine.topic(name).filter(t -> !DefinitionsExporter.isInternal(t.name()))
                            .map(t -> new Response(200, topic(t)))
                            .orElseGet(() -> error(404, "unknown topic '" + name + "'"));
                }
                case "queues" -> {
                    return topology.queue(name).map(q -> new Response(200, queueViews.queue(q)))
                            .orElseGet(() -> error(404, "unknown queue '" + name + "'"));
                }
                case "users" -> {
                    return users.get(name);
                }
                case "vhosts" -> {
                    return vhosts.get(name);
                }
                default -> {
                    // answered below
                }
            }
        }
        if (parts.length == 5 && parts[0].equals("topics") && parts[2].equals("partitions")
                && parts[4].equals("records") && !parts[1].isEmpty()) {
            return records.browse(parts[1], parts[3], query);
        }
        if (parts.length == 3 && parts[0].equals("queues") && parts[2].equals("messages") && !parts[1].isEmpty()) {
            return queueViews.peek(parts[1], RecordBrowser.first(query, "limit"));
        }
        if (parts.length == 1 && parts[0].equals("groups")) {
            return new Response(200, groupViews.groups());
        }
        if (parts.length == 2 && parts[0].equals("groups") && !parts[1].isEmpty()) {
            String name = parts[1];
            return groupViews.exists(name) ? new Response(200, groupViews.group(name))
                    : error(404, "unknown group '" + name + "' (no committed offsets, no members)");
        }
        return error(404, "no such endpoint: " + path);
    }

    /** The answer to a POST of {@code path} with a JSON {@code body} (empty when none was sent). */
    Response post(String path, byte[] body) {
        String[] parts = parts(path);
        if (parts != null && parts.length == 1 && parts[0].equals("topics")) {
            return createTopic(body);
        }
        if (parts != null && parts.length == 3 && parts[0].equals("topics") && parts[2].equals("records")
                && !parts[1].isEmpty()) {
            return records.produce(parts[1], body);
        }
        if (parts != null && parts.length == 3 && parts[0].equals("groups") && parts[2].equals("reset")
                && !parts[1].isEmpty()) {
            return reset.reset(parts[1], body);
        }
        if (parts != null && parts.length == 1 && parts[0].equals("users")) {
            return users.add(body);
        }
        if (parts != null && parts.length == 1 && parts[0].equals("vhosts")) {
            return vhosts.add(body);
        }
        if (parts != null && parts.length == 3 && parts[0].equals("users") && parts[2].equals("permissions")
                && !parts[1].isEmpty()) {
            return users.setPermissions(parts[1], body);
        }
        if (parts != null && parts.length == 3 && parts[0].equals("queues") && parts[2].equals("purge")) {
            return purge(parts[1]);
        }
        return error(404, "no such endpoint: POST " + path);
    }

    /** The answer to a DELETE of {@code path}. */
    Response delete(String path) {
        String[] parts = parts(path);
        if (parts != null && parts.length == 2 && parts[0].equals("topics") && !parts[1].isEmpty()) {
            return deleteTopic(parts[1]);
        }
        if (parts != null && parts.length == 2 && parts[0].equals("users") && !parts[1].isEmpty()) {
            return users.remove(parts[1]);
        }
        if (parts != null && parts.length == 3 && parts[0].equals("users") && parts[2].equals("permissions")
                && !parts[1].isEmpty()) {
            return users.clearPermissions(parts[1], VhostNames.DEFAULT);
        }
        if (parts != null && parts.length == 4 && parts[0].equals("users") && parts[2].equals("permissions")
                && !parts[1].isEmpty() && !parts[3].isEmpty()) {
            return users.clearPermissions(parts[1], VhostsApi.name(parts[3]));
        }
        if (parts != null && parts.length == 2 && parts[0].equals("vhosts") && !parts[1].isEmpty()) {
            return vhosts.delete(parts[1]);
        }
        return error(404, "no such endpoint: DELETE " + path);
    }

    /** The path's segments after {@code /api/v1/}, or null when it is not under it. */
    private static String[] parts(String path) {
        return path.startsWith(PREFIX) ? path.substring(PREFIX.length()).split("/", -1) : null;
    }

    private Response createTopic(byte[] body) {
        JsonBody read = readJson(body);
        if (read.refusal() != null) {
            return read.refusal();
        }
        JsonNode request = read.tree();
        if (request == null || !request.isObject() || !request.path("name").isTextual()) {
            return error(400, "expected {\"name\": \"…\", \"partitions\": N, \"configs\": {…}}");
        }
        String name = request.get("name").asText();
        JsonNode count = request.path("partitions");
        if (!count.isMissingNode() && !(count.canConvertToInt() && count.isIntegralNumber() && count.asInt() >= 1)) {
            return error(400, "partitions must be a whole number of at least 1, not " + count);
        }
        Map<String, String> configs = new TreeMap<>();
        JsonNode given = request.path("configs");
        if (!given.isMissingNode() && !given.isObject()) {
            return error(400, "configs must be an object of names to values");
        }
        given.fields().forEachRemaining(c -> configs.put(c.getKey(), c.getValue().asText()));
        if (DefinitionsExporter.isInternal(name)) {
            return error(400, "'" + name + "' is an internal topic's name");
        }
        try {
            Topic created = engine.createTopic(name, count.isMissingNode() ? 1 : count.asInt(), configs);
            return new Response(201, topic(created));
        } catch (TopicExistsException e) {
            return error(409, "topic '" + name + "' exists already");
        } catch (InvalidTopicException | ConfigException
                | IllegalArgumentException e) {
            return error(400, String.valueOf(e.getMessage()));
        } catch (IOException e) {
            return error(500, "creating topic '" + name + "' failed: " + e.getMessage());
        }
    }

    private Response deleteTopic(String name) {
        if (DefinitionsExporter.isInternal(name)) {
            return error(404, "unknown topic '" + name + "'");
        }
        try {
            engine.deleteTopic(name);
            return new Response(200, JSON.createObjectNode().put("deleted", name));
        } catch (UnknownTopicException e) {
            return error(404, "unknown topic '" + name + "'");
        } catch (TopicInUseException e) {
            return error(409, String.valueOf(e.getMessage()));
        } catch (IOException e) {
            return error(500, "deleting topic '" + name + "' failed: " + e.getMessage());
        }
    }

    private Response purge(String name) {
        if (topology.queue(name).isEmpty()) {
            return error(404, "unknown queue '" + name + "'");
        }
        try {
            queues.purge(name).get(30, TimeUnit.SECONDS);
            return new Response(200, JSON.createObjectNode().put("purged", name));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return cause instanceof UnknownQueueException ? error(404, "unknown queue '" + name + "'")
                    : error(500, "purging queue '" + name + "' failed: " + cause.getMessage());
        } catch (TimeoutException e) {
            return error(503, "purging queue '" + name + "' did not finish within 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(503, "interrupted");
        }
    }

    private ObjectNode status() {
        ObjectNode status = JSON.createObjectNode().put("version", process.version())
                .put("uptimeMs", System.currentTimeMillis() - process.startedAtMillis())
                .put("dataDir", process.dataDir().toString());
        ObjectNode listeners = status.putObject("listeners");
        for (Listener listener : process.listeners().get()) {
            InetSocketAddress bound = listener.boundAddress();
            listeners.put(listener.name(), bound.getHostString() + ":" + bound.getPort());
        }
        status.put("topics", visibleTopics().size());
        status.put("queues", topology.queues().size());
        return status;
    }

    private List<Topic> visibleTopics() {
        return engine.topics().stream().filter(t -> !DefinitionsExporter.isInternal(t.name()))
                .sorted(Comparator.comparing(Topic::name)).toList();
    }

    private ObjectNode topics() {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("topics");
        for (Topic topic : visibleTopics()) {
            long records = 0;
            long bytes = 0;
            for (PartitionLog log : partitions(topic)) {
                records += log.highWatermark() - log.logStartOffset();
                bytes += log.sizeInBytes();
            }
            list.addObject().put("name", topic.name()).put("partitions", topic.partitions())
                    .put("records", records).put("sizeBytes", bytes)
                    .put("queue", topology.queue(topic.name()).isPresent());
        }
        return body;
    }

    private ObjectNode topic(Topic topic) {
        ObjectNode body = JSON.createObjectNode().put("name", topic.name()).put("id", topic.id().toString());
        ObjectNode configs = body.putObject("configs");
        new TreeMap<>(topic.configOverrides()).forEach(configs::put);
        ArrayNode partitions = body.putArray("partitions");
        for (PartitionLog log : partitions(topic)) {
            partitions.addObject().put("partition", log.topicPartition().partition())
                    .put("startOffset", log.logStartOffset()).put("endOffset", log.highWatermark())
                    .put("sizeBytes", log.sizeInBytes()).put("segments", log.segmentCount());
        }
        return body;
    }

    private List<PartitionLog> partitions(Topic topic) {
        List<PartitionLog> logs = new ArrayList<>();
        for (int p = 0; p < topic.partitions(); p++) {
            PartitionLog log = engine.partition(new TopicPartition(topic.name(), p));
            if (log != null) {
                logs.add(log);
            }
        }
        return logs;
    }

    static Response error(int status, String message) {
        ObjectNode body = JSON.createObjectNode().put("error", message);
        return new Response(status, body);
    }

    /** A request's body read as JSON: its tree, or the 400 answer saying why it is not JSON. */
    record JsonBody(JsonNode tree, Response refusal) {
    }

    /**
     * Reads a request's JSON body, the one way every endpoint that takes one does: the tree (null
     * or missing for an empty body: each endpoint checks the shape it expects), or a 400.
     */
    static JsonBody readJson(byte[] body) {
        try {
            return new JsonBody(JSON.readTree(body), null);
        } catch (JsonProcessingException e) {
            return new JsonBody(null, error(400, "the body is not JSON: " + e.getOriginalMessage()));
        } catch (IOException e) {
            return new JsonBody(null, error(400, "the body could not be read: " + e.getMessage()));
        }
    }
}
