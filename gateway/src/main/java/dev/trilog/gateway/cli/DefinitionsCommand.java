package dev.trilog.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.trilog.gateway.definitions.DefinitionsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trilog definitions}: the start-up definitions of a running gateway (docs/definitions.md). */
@Command(name = "definitions",
        mixinStandardHelpOptions = true,
        description = "Start-up definitions (docs/definitions.md).",
        subcommands = DefinitionsCommand.Export.class)
public final class DefinitionsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** {@code trilog definitions export}: what a running gateway holds, as a file {@code serve --definitions} takes. */
    @Command(name = "export",
            mixinStandardHelpOptions = true,
            description = {"Write what a running gateway holds (topics, SQS queues, exchanges, queues, bindings)",
                "as a definitions document that trilog serve --definitions FILE declares again."})
    static final class Export implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        AdminOption admin;

        @Option(names = "--output", paramLabel = "FILE",
                description = "Write to FILE (YAML when it ends in .yaml or .yml, else JSON) instead of standard output.")
        Path output;

        @Override
        public Integer call() throws IOException {
            JsonNode document = admin.get("/api/v1/definitions");
            if (output == null) {
                spec.commandLine().getOut().println(document.toPrettyString());
                spec.commandLine().getOut().flush();
                return 0;
            }
            ObjectMapper writer = DefinitionsFile.writerFor(output).enable(SerializationFeature.INDENT_OUTPUT);
            try {
                Files.writeString(output, writer.writeValueAsString(document));
            } catch (IOException e) {
                throw new CommandFailedException("cannot write " + output + ": " + e.getMessage(), e);
            }
            return 0;
        }
    }
}
