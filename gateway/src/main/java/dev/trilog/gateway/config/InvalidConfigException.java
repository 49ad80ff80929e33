package dev.trilog.gateway.config;

/**
 * The configuration cannot be used. The message is one sentence for the user: it names the key
 * (or variable, or file) and where the bad value came from, and it is printed without a stack
 * trace.
 */
public final class InvalidConfigException extends RuntimeException {

    public InvalidConfigException(String message) {
        super(message);
    }

    static InvalidConfigException unknownKey(ConfigValue setting) {
        return new InvalidConfigException("unknown config key '" + setting.key() + "' (from " + setting.source() + ")");
    }

    static InvalidConfigException badValue(ConfigValue setting, String expected) {
        return new InvalidConfigException("invalid value '" + setting.value() + "' for " + setting.key()
                + " (from " + setting.source() + "): " + expected);
    }
}
