package dev.trilog.gateway;

import java.util.List;
import java.util.Map;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;

/** The {@code trilog} executable: {@code java -jar trilog.jar serve …}. */
public final class TrilogMain {

    /**
     * The protocol frontends {@code serve} starts, in order. Empty until the first frontend module
     * lands; each then adds its {@link FrontendFactory} here.
     */
    private static final List<FrontendFactory> PROTOCOL_FRONTENDS = ProtocolFrontends.all();

    private TrilogMain() {
    }

    public static void main(String[] args) {
        routeJavaUtilLoggingToSlf4j();
        System.exit(commandLine(System.getenv()).execute(args));
    }

    /** The whole command line, reading {@code TRILOG_*} settings from {@code environment}. */
    static CommandLine commandLine(Map<String, String> environment) {
        ErrorReporter errors = new ErrorReporter();
        return new CommandLine(new TrilogCommand())
                .addSubcommand(new ServeCommand(environment, PROTOCOL_FRONTENDS))
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
