package dev.trilog.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trilog vhosts add|delete|list}: a running gateway's AMQP virtual hosts, through its
 * admin API, as RabbitMQ's {@code rabbitmqctl add_vhost|delete_vhost|list_vhosts}.
 */
@Command(name = "vhosts",
        mixinStandardHelpOptions = true,
        description = "A running gateway's AMQP virtual hosts (admin API, docs/admin-api.md).",
        subcommands = {VhostsCommand.List.class, VhostsCommand.Add.class, VhostsCommand.Delete.class})
public final class VhostsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return ClientCommand.usage(spec);
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every vhost with its queues and exchanges ('/' always exists).")
    static final class List extends ClientCommand {

        @Override
        String path() {
            return "/api/v1/vhosts";
        }

        @Override
        void print(JsonNode body, PrintWriter out) {
            Table table = new Table("VHOST", "QUEUES", "EXCHANGES");
            for (JsonNode vhost : body.path("vhosts")) {
                table.row(text(vhost, "name"), text(vhost, "queues"), text(vhost, "exchanges"));
            }
            table.print(out);
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Creates a vhost (nothing changes when it exists). Users need permissions in it"
                    + " (trilog users permissions --vhost) when amqp.auth=users.")
    static final class Add extends ClientCommand {

        @Parameters(paramLabel = "VHOST", description = "The vhost's name.")
        String name;

        @Override
        String path() {
            return "/api/v1/vhosts";
        }

        @Override
        JsonNode call(AdminOption admin) {
            return admin.post(path(), JsonNodeFactory.instance.objectNode().put("name", name));
        }

        @Override
        void print(JsonNode body, PrintWriter out) {
            out.println("Vhost " + text(body, "name"));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Deletes a vhost with its queues (and their messages), exchanges, bindings and"
                    + " permissions, and closes its connections. '/' cannot be deleted.")
    static final class Delete extends ClientCommand {

        @Parameters(paramLabel = "VHOST", description = "The vhost's name.")
        String name;

        @Override
        String path() {
            return "/api/v1/vhosts/" + AdminOption.pathSegment(name);
        }

        @Override
        JsonNode call(AdminOption admin) {
            return admin.delete(path());
        }

        @Override
        void print(JsonNode body, PrintWriter out) {
            out.println("Deleted vhost " + text(body, "deleted") + " with " + body.path("queues").size() + " queues");
        }
    }
}
