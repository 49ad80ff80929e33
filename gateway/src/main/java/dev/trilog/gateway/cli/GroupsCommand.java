package dev.trilog.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trilog groups list|describe|reset}: a running gateway's consumer groups — their committed
 * offsets and lag — through its admin API. Members and assignments are the Kafka coordinator's:
 * {@code kafka-consumer-groups --describe --members} shows them.
 */
@Command(name = "groups",
        mixinStandardHelpOptions = true,
        description = "A running gateway's consumer groups: committed offsets and lag (admin API, docs/admin-api.md).",
        subcommands = {GroupsCommand.List.class, GroupsCommand.Describe.class, GroupsCommand.Reset.class})
public final class GroupsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return ClientCommand.usage(spec);
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every group with committed offsets: how many partitions, and its total lag.")
    static final class List extends ClientCommand {

        @Override
        String path() {
            return "/api/v1/groups";
        }

        @Override
        void print(JsonNode body, PrintWriter out) {
            Table table = new Table("GROUP", "TYPE", "STATE", "MEMBERS", "PARTITIONS", "LAG");
            body.path("groups").forEach(g -> table.row(text(g, "name"), text(g, "type"), text(g, "state"),
                    text(g, "members"), text(g, "partitions"), text(g, "lag")));
            table.print(out);
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "One group: each partition's committed offset, end offset and lag.")
    static final class Describe extends ClientCommand {

        @Parameters(paramLabel = "GROUP", description = "The group's id.")
        String name;

        @Override
        String path() {
            return "/api/v1/groups/" + AdminOption.pathSegment(name);
        }

        @Override
        void print(JsonNode body, PrintWriter out) {
            out.println("Group: " + text(body, "name") + "  type: " + text(body, "type") + "  state: " + text(body, "state")
                    + "  members: " + text(body, "members"));
            Table table = new Table("TOPIC", "PARTITION", "COMMITTED", "END", "LAG");
            body.path("partitions").forEach(p -> table.row(text(p, "topic"), text(p, "partition"),
                    text(p, "committedOffset"), text(p, "endOffset"), text(p, "lag")));
            table.print(out);
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = "Moves an empty group's committed offsets (kafka-consumer-groups --reset-offsets --execute;"
                    + " refused while the group has members). Without --topic, every partition it has offsets for.")
    static final class Reset extends ClientCommand {

        @Parameters(paramLabel = "GROUP", description = "The group's id.")
        String name;

        @picocli.CommandLine.ArgGroup(multiplicity = "1")
        Target target;

        static final class Target {
            @picocli.CommandLine.Option(names = "--to-earliest", required = true,
                    description = "To each partition's start offset.")
            boolean earliest;

            @picocli.CommandLine.Option(names = "--to-latest", required = true,
                    description = "To each partition's end offset.")
            boolean latest;

            @picocli.CommandLine.Option(names = "--to-datetime", required = true, paramLabel = "YYYY-MM-DDTHH:mm:SS",
                    description = "To the first record at or after this time (ISO-8601; without a zone, UTC).")
            String datetime;

            @picocli.CommandLine.Option(names = "--to-offset", required = true, paramLabel = "OFFSET",
                    description = "To this offset (moved inside each partition's start and end).")
            Long offset;
        }

        @picocli.CommandLine.Option(names = "--topic", paramLabel = "TOPIC",
                description = "Only this topic's partitions (all of them; a group without offsets gets them).")
        String topic;

        @picocli.CommandLine.Option(names = "--dry-run", description = "Show the new offsets without committing them.")
        boolean dryRun;

        @Override
        String path() {
            return "/api/v1/groups/" + AdminOption.pathSegment(name) + "/reset";
        }

        @Override
        JsonNode call(AdminOption admin) {
            com.fasterxml.jackson.databind.node.ObjectNode request =
                    com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            if (target.earliest) {
                request.put("to", "earliest");
            } else if (target.latest) {
                request.put("to", "latest");
            } else if (target.datetime != null) {
                request.put("to", "timestamp").put("timestamp", target.datetime);
            } else {
                request.put("to", "offset").put("offset", target.offset);
            }
            if (topic != null) {
                request.put("topic", topic);
            }
            request.put("dryRun", dryRun);
            return admin.post(path(), request);
        }

        @Override
        void print(JsonNode body, PrintWriter out) {
            Table table = new Table("TOPIC", "PARTITION", "PREVIOUS", "NEW-OFFSET");
            body.path("partitions").forEach(p -> table.row(text(p, "topic"), text(p, "partition"),
                    text(p, "previousOffset"), text(p, "offset")));
            table.print(out);
            out.println(body.path("dryRun").asBoolean() ? "Dry run: nothing committed" : "Committed");
        }
    }
}
