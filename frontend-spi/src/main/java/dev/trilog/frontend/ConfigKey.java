package dev.trilog.frontend;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One configuration key that a frontend (or the gateway itself) owns: the name users write in a
 * properties file, as a {@code TRILOG_*} variable or with {@code --set}; the value used when no
 * source sets it; and the sentence {@code trilog serve --help} shows for it.
 *
 * <p>Declaring a key is what makes the gateway accept it: a key no frontend declares is an error
 * that names it and where it was set. The value is checked by the frontend
 * ({@link Frontend#validate}), not here.
 *
 * @param name         lower case, words separated by {@code .}, {@code -} or {@code _}: {@code kafka.port}
 * @param defaultValue the text used when no source sets the key; may be empty
 * @param doc          one sentence for {@code --help}
 * @param secret       true when the value must never be logged (access keys)
 */
public record ConfigKey(String name, String defaultValue, String doc, boolean secret) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]+([._-][a-z0-9]+)*");

    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(doc, "doc");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a config key name: '" + name + "'");
        }
    }

    /** A key whose value may be shown in logs. */
    public static ConfigKey of(String name, String defaultValue, String doc) {
        return new ConfigKey(name, defaultValue, doc, false);
    }

    /** A key whose value the gateway never logs. */
    public static ConfigKey secret(String name, String defaultValue, String doc) {
        return new ConfigKey(name, defaultValue, doc, true);
    }
}
