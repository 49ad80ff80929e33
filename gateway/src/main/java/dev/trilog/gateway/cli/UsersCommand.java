package dev.trilog.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trilog users add|remove|list|permissions}: the broker's users — one store for Kafka SASL
 * and AMQP logins — and their AMQP permissions, through a running gateway's admin API. The
 * password reaches the gateway once, to be salted and hashed there; it is never stored.
 */
@Command(name = "users",
        mixinStandardHelpOptions = true,
        description = "A running gateway's users, for Kafka SASL and AMQP logins (admin API, docs/admin-api.md).",
        subcommands = {UsersCommand.List.class, UsersCommand.Add.class, UsersCommand.Remove.class,
                UsersCommand.Permissions.class})
public final class UsersCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return ClientCommand.usage(spec);
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every user with the SCRAM mechanisms its password is kept for, and their iterations.")
    static final class List extends ClientCommand {

        @Override
        String path() {
            return "/api/v1/users";
        }

        @Override
        void print(JsonNode body, PrintWriter out) {
            Table table = new Table("USER", "MECHANISMS", "AMQP PERMISSIONS IN /");
            for (JsonNode user : body.path("users")) {
                table.row(text(user, "name"), mechanisms(user), permissions(user.path("permissions").path("/")));
            }
            table.print(out);
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Adds a user, or sets an existing user's password. The password is asked for (no echo)"
                    + " unless given with --password-stdin or --password.")
    static final class Add extends ClientCommand {

        @Parameters(paramLabel = "USER", description = "The user's name.")
        String name;

        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
        boolean passwordStdin;

        @Option(names = "--password", paramLabel = "PASSWORD",
                description = "The password on the command line (visible to other local users in the process list).")
        String password;

        @Option(names = "--mechanism", paramLabel = "SCRAM-SHA-256|SCRAM-SHA-512",
                description = "Keep the password for this SCRAM mechanism only; repeat for more. Default: both."
                        + " PLAIN logins (Kafka, AMQP) are checked against either.")
        java.util.List<String> mechanisms = new ArrayList<>();

        @Option(names = "--iterations", paramLabel = "N", defaultValue = "4096",
                description = "SCRAM iterations, 4096 to 16384 (Kafka's bounds). Default: ${DEFAULT-VALUE}.")
        int iterations;

        @Override
        String path() {
            return "/api/v1/users";
        }

        @Override
        JsonNode call(AdminOption admin) {
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("name", name).put("password", password())
                    .put("iterations", iterations);
            if (!mechanisms.isEmpty()) {
                mechanisms.forEach(body.putArray("mechanisms")::add);
            }
            return admin.post(path(), body);
        }

        private String password() {
            if (password != null) {
                return password;
            }
            if (passwordStdin) {
                try {
                    String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                    if (line == null) {
                        throw new CommandFailedException("--password-stdin: standard input was empty");
                    }
                    return line;
                } catch (IOException e) {
                    throw new CommandFailedException("--password-stdin: " + e.getMessage(), e);
                }
            }
            Console console = System.console();
            if (console == null) {
                throw new CommandFailedException("no terminal to ask for the password: give --password-stdin");
            }
            char[] first = console.readPassword("Password for %s: ", name);
            char[] again = console.readPassword("Again: ");
            if (first == null || again == null || !java.util.Arrays.equals(first, again)) {
                throw new CommandFailedException("the two passwords differ");
            }
            return new String(first);
        }

        @Override
        void print(JsonNode body, PrintWriter out) {
            out.println("User " + text(body, "name") + ": " + mechanisms(body));
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Removes a user: its logins fail from now on.")
    static final class Remove extends ClientCommand {

        @Parameters(paramLabel = "USER", description = "The user's name.")
        String name;

        @Override
        String path() {
            return "/api/v1/users/" + AdminOption.pathSegment(name);
        }

        @Override
        JsonNode call(AdminOption admin) {
            return admin.delete(path());
        }

        @Override
        void print(JsonNode body, PrintWriter out) {
            out.println("Removed user " + text(body, "deleted"));
        }
    }

    @Command(name = "permissions", mixinStandardHelpOptions = true,
            description = "Sets what a user may do over AMQP in a vhost ('/' unless --vhost), as RabbitMQ's set_permissions:"
                    + " three regular expressions over queue and exchange names (\".*\" everything, \"\" nothing)."
                    + " Checked only with amqp.auth=users; a user without permissions may not open AMQP connections."
                    + " Connections opened before a change keep what they had.")
    static final class Permissions extends ClientCommand {

        @Parameters(paramLabel = "USER", description = "The user's name.")
        String name;

        @Option(names = "--configure", paramLabel = "REGEX", description = "Declare and delete queues and exchanges.")
        String configure;

        @Option(names = "--write", paramLabel = "REGEX", description = "Publish to exchanges, bind queues.")
        String write;

        @Option(names = "--read", paramLabel = "REGEX", description = "Consume, get and purge queues; bind from exchanges.")
        String read;

        @Option(names = "--clear", description = "Take the user's permissions away instead.")
        boolean clear;

        @Option(names = "--vhost", paramLabel = "VHOST", defaultValue = "/",
                description = "The vhost (trilog vhosts add). Default: ${DEFAULT-VALUE}.")
        String vhost;

        @Override
        String path() {
            return "/api/v1/users/" + AdminOption.pathSegment(name) + "/permissions";
        }

        @Override
        JsonNode call(AdminOption admin) {
            if (clear) {
                return admin.delete(path() + "/" + AdminOption.pathSegment(vhost));
            }
            if (configure == null || write == null || read == null) {
                throw new CommandFailedException("give --configure, --write and --read (or --clear)");
            }
            return admin.post(path(), JsonNodeFactory.instance.objectNode().put("vhost", vhost)
                    .put("configure", configure).put("write", write).put("read", read));
        }

        @Override
        void print(JsonNode body, PrintWriter out) {
            out.println(clear ? "Cleared the permissions of " + text(body, "cleared") + " in " + vhost
                    : "User " + text(body, "name") + " in " + vhost + ": "
                            + permissions(body.path("permissions").path(vhost)));
        }
    }

    /** {@code configure '.*' write '.*' read '.*'}, or {@code none}. */
    static String permissions(JsonNode granted) {
        if (granted.isMissingNode()) {
            return "none";
        }
        return "configure '" + ClientCommand.text(granted, "configure") + "' write '"
                + ClientCommand.text(granted, "write") + "' read '" + ClientCommand.text(granted, "read") + "'";
    }

    /** {@code SCRAM-SHA-256 (4096), SCRAM-SHA-512 (8192)}. */
    static String mechanisms(JsonNode user) {
        return StreamSupport.stream(user.path("mechanisms").spliterator(), false)
                .map(m -> ClientCommand.text(m, "mechanism") + " (" + ClientCommand.text(m, "iterations") + ")")
                .collect(Collectors.joining(", "));
    }
}
