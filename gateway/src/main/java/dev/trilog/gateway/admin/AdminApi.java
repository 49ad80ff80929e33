package dev.trilog.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.frontend.DefinitionSection;
import dev.trilog.gateway.definitions.DefinitionsExporter;
import dev.trilog.log.LogEngine;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.topology.Topology;
import java.util.List;

/**
 * The admin endpoint's JSON API under {@code /api/v1} (docs/admin-api.md): read-only views of what
 * the broker holds, answered as JSON; every failure is {@code {"error": "…"}} with its status.
 *
 * <pre>
 *   GET /api/v1/definitions    what exists, as a start-up definitions document (docs/definitions.md)
 * </pre>
 */
public final class AdminApi {

    static final String PREFIX = "/api/v1/";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** An answer: the status and the JSON body. */
    record Response(int status, JsonNode body) {

        String text() {
            try {
                return JSON.writeValueAsString(body) + "\n";
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("a tree of JSON nodes is always JSON", e);
            }
        }
    }

    private final LogEngine engine;
    private final Topology topology;
    private final Queues queues;
    private final List<DefinitionSection> sections;

    public AdminApi(LogEngine engine, Topology topology, Queues queues, List<DefinitionSection> sections) {
        this.engine = engine;
        this.topology = topology;
        this.queues = queues;
        this.sections = List.copyOf(sections);
    }

    /** The answer to a GET of {@code path} (which starts with {@code /api/}). */
    Response get(String path) {
        if (!path.startsWith(PREFIX)) {
            return error(404, "no such endpoint: " + path + " (the API is under " + PREFIX + ")");
        }
        String[] parts = path.substring(PREFIX.length()).split("/", -1);
        if (parts.length == 1 && parts[0].equals("definitions")) {
            return new Response(200, new DefinitionsExporter(engine, topology, sections).export());
        }
        return error(404, "no such endpoint: " + path);
    }

    static Response error(int status, String message) {
        ObjectNode body = JSON.createObjectNode().put("error", message);
        return new Response(status, body);
    }
}
