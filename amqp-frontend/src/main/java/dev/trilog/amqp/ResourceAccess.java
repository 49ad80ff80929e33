package dev.trilog.amqp;

import dev.trilog.frontend.auth.Permission;
import dev.trilog.frontend.auth.VhostPermissions;
import dev.trilog.routing.address.VhostNames;
import java.util.Objects;
import java.util.Optional;

/**
 * What a connection's user may do in its vhost, granted when the connection opened (RabbitMQ's
 * connections cache their checks too, so a change applies to connections opened after it), and
 * the refusals both AMQP versions answer in RabbitMQ's words.
 */
public record ResourceAccess(String user, String vhost, VhostPermissions permissions) {

    public static final String QUEUE = "queue";
    public static final String EXCHANGE = "exchange";

    public ResourceAccess {
        Objects.requireNonNull(vhost, "vhost");
        Objects.requireNonNull(permissions, "permissions");
        user = user == null ? "" : user;
    }

    /**
     * Why {@code permission} on the {@code kind} ({@link #QUEUE} or {@link #EXCHANGE}) named
     * {@code name} (qualified by its vhost, {@link VhostNames}) is refused — {@code configure access to queue 'q'
     * in vhost '/' refused for user 'u'}
     * — or empty when it is granted. The default exchange is checked as {@code amq.default}, as RabbitMQ does.
     */
    public Optional<String> refusal(Permission permission, String kind, String name) {
        String local = VhostNames.localName(name); // "/": the name itself
        String resource = kind.equals(EXCHANGE) && local.isEmpty() ? "amq.default" : local;
        if (permissions.allows(permission, resource)) {
            return Optional.empty();
        }
        return Optional.of(permission.word() + " access to " + kind + " '" + resource + "' in vhost '" + vhost
                + "' refused for user '" + user + "'");
    }

    /** RabbitMQ's words for a user without permissions in the vhost it opens. */
    public static String vhostRefusal(String user, String vhost) {
        return "access to vhost '" + vhost + "' refused for user '" + (user == null ? "" : user) + "'";
    }
}
