package dev.trilog.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trilog groups list|describe}: a running gateway's consumer groups — their committed
 * offsets and lag — through its admin API. Members and assignments are the Kafka coordinator's:
 * {@code kafka-consumer-groups --describe --members} shows them.
 */
@Command(name = "groups",
        mixinStandardHelpOptions = true,
        description = "A running gateway's consumer groups: committed offsets and lag (admin API, docs/admin-api.md).",
        subcommands = {GroupsCommand.List.class, GroupsCommand.Describe.class})
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
            Table table = new Table("GROUP", "PARTITIONS", "LAG");
            body.path("groups").forEach(g -> table.row(text(g, "name"), text(g, "partitions"), text(g, "lag")));
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
            Table table = new Table("TOPIC", "PARTITION", "COMMITTED", "END", "LAG");
            body.path("partitions").forEach(p -> table.row(text(p, "topic"), text(p, "partition"),
                    text(p, "committedOffset"), text(p, "endOffset"), text(p, "lag")));
            table.print(out);
        }
    }
}
