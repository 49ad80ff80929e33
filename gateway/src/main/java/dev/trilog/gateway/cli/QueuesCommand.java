package dev.trilog.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trilog queues list|describe|purge|peek}: a running gateway's SQS and AMQP queues, through its admin API. */
@Command(name = "queues",
        mixinStandardHelpOptions = true,
        description = "A running gateway's queues, SQS and AMQP (admin API, docs/admin-api.md).",
        subcommands = {QueuesCommand.List.class, QueuesCommand.Describe.class, QueuesCommand.Purge.class,
                QueuesCommand.Peek.class})
public final class QueuesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return ClientCommand.usage(spec);
    }

    private static Table counts(Table table, JsonNode queue) {
        return table.row(text(queue, "name"), text(queue, "protocol"), text(queue, "available"),
                text(queue, "inFlight"), text(queue, "delayed"), text(queue, "deadLettered"),
                text(queue, "oldestAgeMs"));
    }

    private static Table countsTable() {
        return new Table("QUEUE", "PROTOCOL", "AVAILABLE", "IN FLIGHT", "DELAYED", "DEAD-LETTERED", "OLDEST MS");
    }

    private static String text(JsonNode node, String field) {
        return ClientCommand.text(node, field);
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every queue with its counts: available, in flight, delayed, dead-lettered, oldest age.")
    static final class List extends ClientCommand {

        @Override
        String path() {
            return "/api/v1/queues";
        }

        @Override
        void print(JsonNode body, PrintWriter out) {
            Table table = countsTable();
            body.path("queues").forEach(queue -> counts(table, queue));
            table.print(out);
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "One queue: its counts, arguments and the bindings that lead to it.")
    static final class Describe extends ClientCommand {

        @Parameters(paramLabel = "QUEUE", description = "The queue's name.")
        String name;

        @Override
        String path() {
            return "/api/v1/queues/" + AdminOption.pathSegment(name);
        }

        @Override
        void print(JsonNode body, PrintWriter out) {
            counts(countsTable(), body).print(out);
            out.println("durable: " + text(body, "durable") + "  exclusive: " + text(body, "exclusive") + "  fifo: "
                    + text(body, "fifo"));
            JsonNode arguments = body.path("arguments");
            out.println(arguments.isEmpty() ? "Arguments: none" : "Arguments:");
            arguments.fields().forEachRemaining(a -> out.println("  " + a.getKey() + "=" + a.getValue()));
            JsonNode bindings = body.path("bindings");
            out.println(bindings.isEmpty() ? "Bindings: none" : "Bindings:");
            bindings.forEach(b -> out.println("  from " + text(b, "source") + " key '" + text(b, "routingKey") + "'"));
            out.flush();
        }
    }

    @Command(name = "purge", mixinStandardHelpOptions = true,
            description = "Drops the queue's messages that no consumer holds (AMQP queue.purge); the records stay"
                    + " in its topic for Kafka readers.")
    static final class Purge extends ClientCommand {

        @Parameters(paramLabel = "QUEUE", description = "The queue's name.")
        String name;

        @Override
        String path() {
            return "/api/v1/queues/" + AdminOption.pathSegment(name) + "/purge";
        }

        @Override
        JsonNode call(AdminOption admin) {
            return admin.post(path(), null);
        }

        @Override
        void print(JsonNode body, PrintWriter out) {
            out.println("Purged queue " + text(body, "purged"));
        }
    }

    @Command(name = "peek", mixinStandardHelpOptions = true,
            description = "The queue's available messages, oldest first, without taking them: consumers still"
                    + " receive them, with their receive counts unchanged.")
    static final class Peek extends ClientCommand {

        @Parameters(paramLabel = "QUEUE", description = "The queue's name.")
        String name;

        @picocli.CommandLine.Option(names = "--limit", paramLabel = "N", defaultValue = "10",
                description = "At most this many messages (1 to 100). Default: ${DEFAULT-VALUE}.")
        int limit;

        @Override
        String path() {
            return "/api/v1/queues/" + AdminOption.pathSegment(name) + "/messages?limit=" + limit;
        }

        @Override
        void print(JsonNode body, PrintWriter out) {
            Table table = new Table("PARTITION", "OFFSET", "RECEIVES", "SENT", "PROPERTIES", "HEADERS", "VALUE");
            body.path("messages").forEach(m -> {
                java.util.List<String> properties = new java.util.ArrayList<>();
                m.path("properties").fields().forEachRemaining(p -> properties.add(p.getKey() + "=" + p.getValue().asText()));
                java.util.List<String> headers = new java.util.ArrayList<>();
                m.path("headers").forEach(h -> headers.add(h.path("name").asText() + "=" + h.path("value").asText("null")));
                String value = m.path("valueFormat").asText().equals("hex") ? "hex " + m.path("value").asText()
                        : m.path("value").asText("null");
                table.row(text(m, "partition"), text(m, "offset"), text(m, "receiveCount"),
                        java.time.Instant.ofEpochMilli(m.path("timestamp").asLong()).toString(),
                        properties.isEmpty() ? "-" : String.join(",", properties),
                        headers.isEmpty() ? "-" : String.join(",", headers), value.replaceAll("\\R", " "));
            });
            table.print(out);
        }
    }
}
