package dev.trilog.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trilog topics list|describe|create|delete}: a running gateway's topics, through its admin API. */
@Command(name = "topics",
        mixinStandardHelpOptions = true,
        description = "A running gateway's topics (admin API, docs/admin-api.md).",
        subcommands = {TopicsCommand.List.class, TopicsCommand.Describe.class, TopicsCommand.Create.class,
                TopicsCommand.Delete.class})
public final class TopicsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return ClientCommand.usage(spec);
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every topic but Kafka's internal ones: partitions, records, size, whether a queue is over it.")
    static final class List extends ClientCommand {

        @Override
        String path() {
            return "/api/v1/topics";
        }

        @Override
        void print(JsonNode body, PrintWriter out) {
            Table table = new Table("TOPIC", "PARTITIONS", "RECORDS", "BYTES", "QUEUE");
            for (JsonNode topic : body.path("topics")) {
                table.row(text(topic, "name"), text(topic, "partitions"), text(topic, "records"),
                        text(topic, "sizeBytes"), topic.path("queue").asBoolean() ? "yes" : "no");
            }
            table.print(out);
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "One topic: its id, config overrides, and each partition's offsets and size.")
    static class Describe extends ClientCommand {

        @Parameters(paramLabel = "TOPIC", description = "The topic's name.")
        String name;

        @Override
        String path() {
            return "/api/v1/topics/" + AdminOption.pathSegment(name);
        }

        @Override
        void print(JsonNode body, PrintWriter out) {
            out.println("Topic: " + text(body, "name") + "  id: " + text(body, "id"));
            JsonNode configs = body.path("configs");
            if (configs.isEmpty()) {
                out.println("Configs: (broker defaults)");
            } else {
                out.println("Configs:");
                configs.fields().forEachRemaining(c -> out.println("  " + c.getKey() + "=" + c.getValue().asText()));
            }
            Table table = new Table("PARTITION", "START", "END", "BYTES", "SEGMENTS");
            for (JsonNode p : body.path("partitions")) {
                table.row(text(p, "partition"), text(p, "startOffset"), text(p, "endOffset"), text(p, "sizeBytes"),
                        text(p, "segments"));
            }
            table.print(out);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Creates a topic (as Kafka's CreateTopics would) and describes it.")
    static final class Create extends Describe {

        @Option(names = "--partitions", paramLabel = "N", defaultValue = "1",
                description = "How many partitions. Default: ${DEFAULT-VALUE}.")
        int partitions;

        @Option(names = "--config", paramLabel = "NAME=VALUE",
                description = "A topic config (Kafka's names: retention.ms, cleanup.policy, ...); repeat for more.")
        Map<String, String> configs = new LinkedHashMap<>();

        @Override
        String path() {
            return "/api/v1/topics";
        }

        @Override
        JsonNode call(AdminOption admin) {
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("name", name).put("partitions", partitions);
            ObjectNode given = body.putObject("configs");
            configs.forEach(given::put);
            return admin.post(path(), body);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Deletes a topic and its records (refused while a queue keeps its messages there).")
    static final class Delete extends ClientCommand {

        @Parameters(paramLabel = "TOPIC", description = "The topic's name.")
        String name;

        @Override
        String path() {
            return "/api/v1/topics/" + AdminOption.pathSegment(name);
        }

        @Override
        JsonNode call(AdminOption admin) {
            return admin.delete(path());
        }

        @Override
        void print(JsonNode body, PrintWriter out) {
            out.println("Deleted topic " + text(body, "deleted"));
        }
    }
}
