package dev.trilog.log;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** A logger that keeps every line, formatted as "LEVEL message", for tests that read what was logged. */
final class RecordingLogger extends LegacyAbstractLogger {

    private static final long serialVersionUID = 1L;

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final transient java.util.function.Consumer<String> onLine;

    RecordingLogger() {
        this(line -> { });
    }

    /** As above, also handing each line to {@code onLine} as it is logged (from the logging thread). */
    RecordingLogger(java.util.function.Consumer<String> onLine) {
        this.name = "recording";
        this.onLine = onLine;
    }

    /** Every line so far. */
    List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String messagePattern, Object[] arguments,
            Throwable throwable) {
        String line = level + " " + MessageFormatter.basicArrayFormat(messagePattern, arguments);
        lines.add(line);
        onLine.accept(line);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    public boolean isTraceEnabled() {
        return true;
    }

    @Override
    public boolean isDebugEnabled() {
        return true;
    }

    @Override
    public boolean isInfoEnabled() {
        return true;
    }

    @Override
    public boolean isWarnEnabled() {
        return true;
    }

    @Override
    public boolean isErrorEnabled() {
        return true;
    }
}
