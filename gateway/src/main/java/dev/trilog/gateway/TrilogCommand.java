package dev.trilog.gateway;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level {@code trilog} command; on its own it only explains its subcommands. */
@Command(name = "trilog",
        mixinStandardHelpOptions = true,
        versionProvider = TrilogVersion.class,
        description = "One log, three protocols: a message broker speaking Kafka, AMQP and SQS.",
        subcommands = HelpCommand.class)
final class TrilogCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }
}
