package dev.trilog.gateway;

import dev.trilog.frontend.Frontend;
import dev.trilog.frontend.Frontends;
import dev.trilog.gateway.cli.DefinitionsCommand;
import dev.trilog.gateway.cli.GroupsCommand;
import dev.trilog.gateway.cli.QueuesCommand;
import dev.trilog.gateway.cli.StatusCommand;
import dev.trilog.gateway.cli.TopicsCommand;
import dev.trilog.gateway.cli.UsersCommand;
import dev.trilog.gateway.cli.VhostsCommand;
import dev.trilog.gateway.config.KnownKeys;
import java.util.List;
import java.util.Map;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;

/** The {@code trilog} executable: {@code java -jar trilog.jar serve …}. */
public final class TrilogMain {

    private TrilogMain() {
    }

    public static void main(String[] args) {
        routeJavaUtilLoggingToSlf4j();
        System.exit(commandLine(System.getenv()).execute(args));
    }

    /**
     * The whole command line, reading {@code TRILOG_*} settings from {@code environment}. {@code serve}
     * starts the frontends on the class path ({@link Frontends#installed()}), and its help lists their keys.
     */
    static CommandLine commandLine(Map<String, String> environment) {
        ErrorReporter errors = new ErrorReporter();
        List<Frontend> frontends = Frontends.installed();
        CommandLine serve = new CommandLine(new ServeCommand(environment, frontends));
        serve.getCommandSpec().usageMessage().footer(ServeCommand.footer(KnownKeys.of(frontends)).toArray(String[]::new));
        return new CommandLine(new TrilogCommand())
                .addSubcommand(serve)
                .addSubcommand(new CommandLine(new ClusterCommand(System.out)))
                .addSubcommand(new DefinitionsCommand())
                .addSubcommand(new TopicsCommand())
                .addSubcommand(new QueuesCommand())
                .addSubcommand(new GroupsCommand())
                .addSubcommand(new UsersCommand())
                .addSubcommand(new VhostsCommand())
                .addSubcommand(new StatusCommand())
                .setParameterExceptionHandler(errors)
                .setExecutionExceptionHandler(errors);
    }

    /** proton-j and parts of the JDK log through java.util.logging; send it where everything else goes. */
    private static void routeJavaUtilLoggingToSlf4j() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }
}
