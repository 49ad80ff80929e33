package dev.trilog.frontend;

/**
 * The configuration cannot be used. The message is one sentence for the user: it names the key
 * (or variable, or file) and where the bad value came from, and it is printed without a stack
 * trace. The gateway throws it for its own keys and a frontend for the keys it owns (through
 * {@link FrontendConfig}), so every configuration error reads the same and ends {@code trilog}
 * with the same exit status.
 */
public final class InvalidConfigException extends RuntimeException {

    public InvalidConfigException(String message) {
        super(message);
    }

    public static InvalidConfigException unknownKey(ConfigValue setting) {
        return new InvalidConfigException("unknown config key '" + setting.key() + "' (from " + setting.source() + ")");
    }

    /** {@link #unknownKey(ConfigValue)}, naming what Trilog calls it (a Kafka broker key, say). */
    public static InvalidConfigException unknownKey(ConfigValue setting, String trilogsKey) {
        return new InvalidConfigException("unknown config key '" + setting.key() + "' (from " + setting.source()
                + "); Trilog's is " + trilogsKey);
    }

    public static InvalidConfigException badValue(ConfigValue setting, String expected) {
        return new InvalidConfigException("invalid value '" + setting.value() + "' for " + setting.key()
                + " (from " + setting.source() + "): " + expected);
    }
}
