package dev.trilog.compare;

import picocli.CommandLine;

/** {@code trilog compare}: {@code java -jar compare/target/trilog-compare.jar …}, usually through {@code ./trilog compare}. */
public final class CompareMain {

    private CompareMain() {
    }

    public static void main(String[] args) {
        // before any logger exists: the load generator's own quiet logging, not the broker's
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "compare-logback.xml");
        }
        System.setProperty("java.awt.headless", "true");
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return commandLine(new CompareCommand());
    }

    /** The command line around {@code command}: a failure is one line on stderr and exit status 1, not a stack trace. */
    static CommandLine commandLine(CompareCommand command) {
        return new CommandLine(command).setExecutionExceptionHandler((error, line, parsed) -> {
            line.getErr().println("trilog compare: " + (error.getMessage() == null ? error.toString() : error.getMessage()));
            return 1;
        });
    }
}
