package dev.trilog.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.frontend.auth.PermissionStore;
import dev.trilog.frontend.auth.VhostStore;
import dev.trilog.routing.address.VhostNames;
import dev.trilog.routing.topology.Topology;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The admin API's AMQP virtual hosts (docs/admin-api.md), over the broker's one {@link VhostStore}:
 *
 * <pre>
 *   GET    /api/v1/vhosts         every vhost: name, queues, exchanges (the built-in ones included)
 *   GET    /api/v1/vhosts/NAME    one vhost ({@code /} is {@code %2F}, as in RabbitMQ's API)
 *   POST   /api/v1/vhosts         creates a vhost: {"name": …}; 201, or 200 when it exists
 *   DELETE /api/v1/vhosts/NAME    deletes a vhost with its queues, exchanges, bindings, connections and
 *                                 permissions, as RabbitMQ's delete_vhost; "/" cannot be
 * </pre>
 */
final class VhostsApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final VhostStore vhosts;
    private final Topology topology;
    private final PermissionStore permissions;

    VhostsApi(VhostStore vhosts, Topology topology, PermissionStore permissions) {
        this.vhosts = vhosts;
        this.topology = topology;
        this.permissions = permissions;
    }

    AdminApi.Response list() {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("vhosts");
        vhosts.list().forEach(vhost -> list.add(describe(vhost)));
        return new AdminApi.Response(200, body);
    }

    AdminApi.Response get(String segment) {
        String name = name(segment);
        return vhosts.exists(name) ? new AdminApi.Response(200, describe(name)) : unknown(name);
    }

    AdminApi.Response add(byte[] body) {
        AdminApi.JsonBody read = AdminApi.readJson(body);
        if (read.refusal() != null) {
            return read.refusal();
        }
        JsonNode request = read.tree();
        if (request == null || !request.isObject() || !request.path("name").isTextual()) {
            return AdminApi.error(400, "expected {\"name\": \"…\"}");
        }
        String name = request.get("name").asText();
        try {
            boolean created = vhosts.add(name);
            return new AdminApi.Response(created ? 201 : 200, describe(name));
        } catch (IllegalArgumentException e) {
            return AdminApi.error(400, e.getMessage());
        } catch (IOException e) {
            return AdminApi.error(500, "storing vhost '" + name + "' failed: " + e.getMessage());
        }
    }

    /**
     * Forgets the vhost first, so that no connection opens it meanwhile (the AMQP frontend closes
     * those open, told by the store), then removes its contents and its permissions.
     */
    AdminApi.Response delete(String segment) {
        String name = name(segment);
        if (VhostNames.DEFAULT.equals(name)) {
            return AdminApi.error(400, "vhost '/' cannot be deleted");
        }
        try {
            if (!vhosts.delete(name)) {
                return unknown(name);
            }
            Topology.VhostContents removed;
            try {
                removed = topology.deleteVhost(name);
            } catch (IOException e) {
                // e.g. a clustered node that does not serve the queues may not change them: the vhost stays
                vhosts.add(name);
                throw e;
            }
            permissions.clearVhost(name);
            ObjectNode body = JSON.createObjectNode().put("deleted", name);
            removed.queues().forEach(body.putArray("queues")::add);
            return new AdminApi.Response(200, body);
        } catch (IOException e) {
            return AdminApi.error(500, "deleting vhost '" + name + "' failed: " + e.getMessage());
        }
    }

    private ObjectNode describe(String vhost) {
        ObjectNode body = JSON.createObjectNode().put("name", vhost);
        body.put("queues", topology.queues().stream().filter(q -> VhostNames.vhostOf(q.name()).equals(vhost)).count());
        // a vhost's built-in exchanges are made when first used, but are always there for its clients
        long declared = topology.exchanges().stream().filter(x -> VhostNames.vhostOf(x.name()).equals(vhost)
                && !Topology.isBuiltIn(x.name())).count();
        body.put("exchanges", declared + Topology.BUILT_IN_EXCHANGES.size());
        return body;
    }

    /** A path segment's vhost: {@code %2F} is {@code /} (the HTTP server leaves encoded slashes encoded). */
    static String name(String segment) {
        return segment.indexOf('%') < 0 ? segment : URLDecoder.decode(segment, StandardCharsets.UTF_8);
    }

    private static AdminApi.Response unknown(String name) {
        return AdminApi.error(404, "unknown vhost '" + name + "'");
    }
}
