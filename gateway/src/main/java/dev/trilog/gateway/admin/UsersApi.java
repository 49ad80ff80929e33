package dev.trilog.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.frontend.auth.PermissionStore;
import dev.trilog.frontend.auth.ScramMechanism;
import dev.trilog.frontend.auth.User;
import dev.trilog.frontend.auth.UserStore;
import dev.trilog.frontend.auth.VhostPermissions;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;

/**
 * The admin API's users (docs/admin-api.md), over the broker's one {@link UserStore}:
 *
 * <pre>
 *   GET    /api/v1/users         every user: name, and each SCRAM mechanism kept with its iterations
 *   GET    /api/v1/users/NAME    one user
 *   POST   /api/v1/users         adds a user or sets its password: {"name": …, "password": …,
 *                                "mechanisms": ["SCRAM-SHA-256", …] (default both), "iterations": N (default 4096)}
 *   DELETE /api/v1/users/NAME    removes a user, with its AMQP permissions
 *   POST   /api/v1/users/NAME/permissions   sets its AMQP permissions in a vhost, RabbitMQ's three regular
 *                                expressions: {"vhost": "/" (the default), "configure": …, "write": …, "read": …}
 *   DELETE /api/v1/users/NAME/permissions   takes its AMQP permissions in the vhost "/" away
 *   DELETE /api/v1/users/NAME/permissions/VHOST   takes its AMQP permissions in VHOST away ("/" is %2F)
 * </pre>
 *
 * A user's answer lists its AMQP permissions by vhost. Never a salt or a key in an answer. Writes obey {@code admin.console.writes} like every other.
 */
final class UsersApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final UserStore users;
    private final PermissionStore permissions;

    UsersApi(UserStore users, PermissionStore permissions) {
        this.users = users;
        this.permissions = permissions;
    }

    AdminApi.Response list() {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("users");
        users.users().forEach(user -> list.add(describe(user)));
        return new AdminApi.Response(200, body);
    }

    AdminApi.Response get(String name) {
        return users.user(name).map(user -> new AdminApi.Response(200, describe(user)))
                .orElseGet(() -> unknown(name));
    }

    AdminApi.Response add(byte[] body) {
        AdminApi.JsonBody read = AdminApi.readJson(body);
        if (read.refusal() != null) {
            return read.refusal();
        }
        JsonNode request = read.tree();
        if (request == null || !request.isObject() || !request.path("name").isTextual()
                || !request.path("password").isTextual()) {
            return AdminApi.error(400, "expected {\"name\": \"…\", \"password\": \"…\", \"mechanisms\": [\"SCRAM-SHA-256\","
                    + " \"SCRAM-SHA-512\"], \"iterations\": N}");
        }
        Set<ScramMechanism> mechanisms = EnumSet.noneOf(ScramMechanism.class);
        JsonNode named = request.path("mechanisms");
        if (named.isMissingNode()) {
            mechanisms = EnumSet.allOf(ScramMechanism.class);
        } else if (!named.isArray()) {
            return AdminApi.error(400, "mechanisms must be a list of SCRAM-SHA-256, SCRAM-SHA-512");
        } else {
            for (JsonNode mechanism : named) {
                var known = ScramMechanism.forName(mechanism.asText());
                if (known.isEmpty()) {
                    return AdminApi.error(400, "unknown mechanism '" + mechanism.asText()
                            + "' (SCRAM-SHA-256, SCRAM-SHA-512; PLAIN logins are checked against either)");
                }
                mechanisms.add(known.get());
            }
        }
        JsonNode iterations = request.path("iterations");
        if (!iterations.isMissingNode() && !(iterations.isIntegralNumber() && iterations.canConvertToInt())) {
            return AdminApi.error(400, "iterations must be a whole number");
        }
        String name = request.get("name").asText();
        boolean existed = users.user(name).isPresent();
        try {
            User user = users.setPassword(name, request.get("password").asText(), mechanisms,
                    iterations.isMissingNode() ? ScramMechanism.MIN_ITERATIONS : iterations.asInt());
            return new AdminApi.Response(existed ? 200 : 201, describe(user));
        } catch (IllegalArgumentException e) {
            return AdminApi.error(400, e.getMessage());
        } catch (IOException e) {
            return AdminApi.error(500, "storing user '" + name + "' failed: " + e.getMessage());
        }
    }

    /** Sets {@code name}'s AMQP permissions in a vhost ({@link PermissionStore}); the user must exist. */
    AdminApi.Response setPermissions(String name, byte[] body) {
        if (users.user(name).isEmpty()) {
            return unknown(name);
        }
        AdminApi.JsonBody read = AdminApi.readJson(body);
        if (read.refusal() != null) {
            return read.refusal();
        }
        JsonNode request = read.tree();
        if (request == null || !request.isObject() || !request.path("configure").isTextual()
                || !request.path("write").isTextual() || !request.path("read").isTextual()) {
            return AdminApi.error(400, "expected {\"vhost\": \"/\", \"configure\": \"…\", \"write\": \"…\","
                    + " \"read\": \"…\"} (RabbitMQ's regular expressions; \".*\" for everything, \"\" for nothing)");
        }
        String vhost = request.path("vhost").asText(PermissionStore.DEFAULT_VHOST);
        try {
            permissions.set(name, vhost, new VhostPermissions(request.get("configure").asText(),
                    request.get("write").asText(), request.get("read").asText()));
            return new AdminApi.Response(200, describe(users.user(name).orElseThrow()));
        } catch (IllegalArgumentException e) {
            return AdminApi.error(400, e.getMessage());
        } catch (IOException e) {
            return AdminApi.error(500, "storing the permissions of '" + name + "' failed: " + e.getMessage());
        }
    }

    /** Takes {@code name}'s AMQP permissions in {@code vhost} away: it may no longer open AMQP connections there. */
    AdminApi.Response clearPermissions(String name, String vhost) {
        try {
            return permissions.clear(name, vhost)
                    ? new AdminApi.Response(200, JSON.createObjectNode().put("cleared", name).put("vhost", vhost))
                    : AdminApi.error(404, "user '" + name + "' has no permissions in vhost '" + vhost + "'");
        } catch (IOException e) {
            return AdminApi.error(500, "clearing the permissions of '" + name + "' failed: " + e.getMessage());
        }
    }

    AdminApi.Response remove(String name) {
        try {
            if (!users.remove(name)) {
                return unknown(name);
            }
            permissions.clearAll(name);
            return new AdminApi.Response(200, JSON.createObjectNode().put("deleted", name));
        } catch (IOException e) {
            return AdminApi.error(500, "removing user '" + name + "' failed: " + e.getMessage());
        }
    }

    private static AdminApi.Response unknown(String name) {
        return AdminApi.error(404, "unknown user '" + name + "'");
    }

    private ObjectNode describe(User user) {
        ObjectNode body = JSON.createObjectNode().put("name", user.name());
        ArrayNode mechanisms = body.putArray("mechanisms");
        for (ScramMechanism mechanism : ScramMechanism.values()) {
            user.credential(mechanism).ifPresent(c -> mechanisms.addObject()
                    .put("mechanism", mechanism.mechanismName()).put("iterations", c.iterations()));
        }
        ObjectNode granted = body.putObject("permissions");
        permissions.of(user.name()).forEach((vhost, p) -> granted.putObject(vhost).put("configure", p.configure())
                .put("write", p.write()).put("read", p.read()));
        return body;
    }
}
