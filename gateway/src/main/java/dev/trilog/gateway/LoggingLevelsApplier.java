package dev.trilog.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.trilog.gateway.config.LoggingLevels;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets the levels {@code logging.level} asks for on Logback, the logging the gateway ships with.
 * Only when the user set it: the default leaves logback.xml (Trilog's, or the user's own through
 * {@code -Dlogback.configurationFile}) as it is.
 */
final class LoggingLevelsApplier {

    private LoggingLevelsApplier() {
    }

    static void apply(LoggingLevels levels) {
        if (!levels.explicit()) {
            return;
        }
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext logback)) {
            // another SLF4J binding on the class path (an embedding application's): its configuration rules
            LoggerFactory.getLogger(LoggingLevelsApplier.class).warn("{} is ignored: the logging in use is {}, not Logback",
                    LoggingLevels.KEY, factory.getClass().getName());
            return;
        }
        if (levels.rootLevel() != null) {
            logback.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(levels.rootLevel()));
        }
        for (LoggingLevels.LoggerLevel logger : levels.loggers()) {
            logback.getLogger(logger.logger()).setLevel(Level.toLevel(logger.level()));
        }
    }
}
