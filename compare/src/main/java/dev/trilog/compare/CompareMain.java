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
        return new CommandLine(new CompareCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    }
}
