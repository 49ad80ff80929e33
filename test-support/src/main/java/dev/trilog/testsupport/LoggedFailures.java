package dev.trilog.testsupport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The failures the frontends log with a stack trace (at WARN or above): how they report an
 * internal error — a handler that threw on input it should have refused with the protocol's own
 * error. A fuzz target fails when a peer's bytes caused one. Needs logback-classic on the test
 * class path (an optional dependency of this module).
 */
public final class LoggedFailures extends AppenderBase<ILoggingEvent> {

    private final List<Throwable> failures = new ArrayList<>();

    private LoggedFailures() {
    }

    /** Starts recording what every logger logs from now on, whatever its configured level. */
    public static LoggedFailures capture() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        LoggedFailures appender = new LoggedFailures();
        appender.setContext(root.getLoggerContext());
        appender.start();
        root.addAppender(appender);
        return appender;
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
        if (event.getLevel().isGreaterOrEqual(Level.WARN) && event.getThrowableProxy() instanceof ThrowableProxy proxy) {
            failures.add(proxy.getThrowable());
        }
    }

    /**
     * Forgets what was logged so far: what other test classes of the same JVM logged before the
     * target's first input (the capture starts when the target's class is loaded), which is theirs
     * to check, not the target's finding.
     */
    public synchronized void forget() {
        failures.clear();
    }

    /** Throws the first failure logged since the last call (an {@link AssertionError} naming it), and forgets them all. */
    public synchronized void throwFirst() {
        if (failures.isEmpty()) {
            return;
        }
        Throwable first = failures.get(0);
        failures.clear();
        throw new AssertionError("an internal error was logged: " + first, first);
    }
}
