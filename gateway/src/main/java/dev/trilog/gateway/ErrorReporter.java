package dev.trilog.gateway;

import dev.trilog.frontend.InvalidConfigException;
import dev.trilog.gateway.cli.CommandFailedException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How failures reach the user: one line on stderr, prefixed {@code trilog:}, and an exit status.
 *
 * <ul>
 *   <li>2 — a usage error (unknown option, missing value) or a configuration error
 *       ({@link InvalidConfigException}); a usage error adds a hint to {@code --help}.</li>
 *   <li>1 — the broker could not start ({@link StartupException}): a port in use, an unusable
 *       data directory, a log that cannot be opened; or a client command failed
 *       ({@link CommandFailedException}): the gateway is unreachable, a name unknown.</li>
 *   <li>1 — anything else is a bug: the only case that prints a stack trace.</li>
 * </ul>
 */
final class ErrorReporter implements IParameterExceptionHandler, IExecutionExceptionHandler {

    static final String PREFIX = "trilog: ";

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        PrintWriter err = cli.getErr();
        err.println(PREFIX + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + cli.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return ExitCode.USAGE;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, ParseResult parseResult) {
        PrintWriter err = cli.getErr();
        int status;
        if (e instanceof InvalidConfigException) {
            err.println(PREFIX + e.getMessage());
            status = ExitCode.USAGE;
        } else if (e instanceof StartupException || e instanceof CommandFailedException) {
            err.println(PREFIX + e.getMessage());
            status = ExitCode.SOFTWARE;
        } else {
            err.println(PREFIX + "unexpected error: " + e);
            e.printStackTrace(err);
            status = ExitCode.SOFTWARE;
        }
        err.flush();
        return status;
    }
}
