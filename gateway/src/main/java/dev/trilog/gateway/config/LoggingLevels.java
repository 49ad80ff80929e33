package dev.trilog.gateway.config;

import dev.trilog.frontend.ConfigValue;
import dev.trilog.frontend.InvalidConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code logging.level} setting ({@code --log-level}): a level for the root logger and, after
 * commas, levels for single loggers: {@code DEBUG}, {@code WARN,dev.trilog.kafka=DEBUG}. Checked
 * at load time like every other value; applied by {@code LoggingLevelsApplier} before anything
 * starts, so the start-up itself logs at the level asked for.
 *
 * @param rootLevel the root logger's level, or null to keep logback.xml's (INFO)
 * @param loggers   single loggers and their levels, in the order given
 * @param explicit  whether the user set it: the default is not applied, so that a whole
 *                  {@code -Dlogback.configurationFile} keeps its own levels
 */
public record LoggingLevels(String rootLevel, List<LoggerLevel> loggers, boolean explicit) {

    public static final String KEY = "logging.level";
    static final String DEFAULT = "INFO";
    private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    /** One logger (a class or package name) and its level. */
    public record LoggerLevel(String logger, String level) {
    }

    public LoggingLevels {
        loggers = List.copyOf(loggers);
    }

    /** @throws InvalidConfigException naming the key, its value and its source */
    static LoggingLevels parse(ConfigValue setting) {
        String root = null;
        List<LoggerLevel> loggers = new ArrayList<>();
        for (String entry : setting.value().split(",")) {
            String trimmed = entry.trim();
            int equals = trimmed.indexOf('=');
            if (equals < 0) {
                if (root != null) {
                    throw invalid(setting);
                }
                root = level(setting, trimmed);
            } else {
                String logger = trimmed.substring(0, equals).trim();
                if (logger.isEmpty()) {
                    throw invalid(setting);
                }
                loggers.add(new LoggerLevel(logger, level(setting, trimmed.substring(equals + 1))));
            }
        }
        return new LoggingLevels(root, loggers, !setting.isDefault());
    }

    private static String level(ConfigValue setting, String text) {
        String level = text.trim().toUpperCase(Locale.ROOT);
        if (!LEVELS.contains(level)) {
            throw invalid(setting);
        }
        return level;
    }

    private static InvalidConfigException invalid(ConfigValue setting) {
        return InvalidConfigException.badValue(setting, "expected a level (TRACE, DEBUG, INFO, WARN, ERROR, OFF),"
                + " then logger=LEVEL entries, comma-separated: WARN,dev.trilog.kafka=DEBUG");
    }
}
