package dev.trilog.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code trilog status}: what a running gateway is, through its admin API. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "A running gateway's version, uptime, data directory, listeners and counts (admin API).")
public final class StatusCommand extends ClientCommand {

    @Override
    String path() {
        return "/api/v1/status";
    }

    @Override
    void print(JsonNode body, PrintWriter out) {
        out.println("Trilog " + text(body, "version") + ", up " + body.path("uptimeMs").asLong() / 1000 + " s");
        out.println("data directory: " + text(body, "dataDir"));
        out.println("topics: " + text(body, "topics") + "  queues: " + text(body, "queues"));
        Table table = new Table("LISTENER", "ADDRESS");
        body.path("listeners").fields().forEachRemaining(l -> table.row(l.getKey(), l.getValue().asText()));
        table.print(out);
    }
}
