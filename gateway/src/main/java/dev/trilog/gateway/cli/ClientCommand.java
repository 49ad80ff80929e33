package dev.trilog.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A command that reads one admin API resource (or makes one change through it) and prints the
 * answer: as a readable table or line by default, as the API's JSON with {@code --json}.
 */
abstract class ClientCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    AdminOption admin;

    @Option(names = "--json", description = "Print the admin API's JSON instead of a table.")
    boolean json;

    /** The API path to read ({@code /api/v1/topics}), or to change. */
    abstract String path();

    /** The call: a GET of {@link #path()}; a command that changes something sends its POST or DELETE. */
    JsonNode call(AdminOption admin) {
        return admin.get(path());
    }

    /** Prints the answer for a person. */
    abstract void print(JsonNode body, PrintWriter out);

    @Override
    public Integer call() {
        JsonNode body = call(admin);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(body.toPrettyString());
        } else {
            print(body, out);
        }
        out.flush();
        return 0;
    }

    /** A text field, or "-" when absent. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "-" : value.asText();
    }

    /** Usage on stderr, exit 2: a group of subcommands run without one. */
    static int usage(CommandSpec spec) {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }
}
