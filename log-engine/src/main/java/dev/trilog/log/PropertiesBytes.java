package dev.trilog.log;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A map of strings as the bytes of a {@code .properties} text, the encoding of the metadata log's
 * small settings entries (a topic's registry entry, a group's configs in a {@link DurableMap}).
 */
public final class PropertiesBytes {

    private PropertiesBytes() {
    }

    public static byte[] encode(Map<String, String> values) {
        Properties properties = new Properties();
        properties.putAll(values);
        StringWriter out = new StringWriter();
        try {
            properties.store(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static Map<String, String> decode(byte[] bytes) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> values = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> values.put(name, properties.getProperty(name)));
        return values;
    }
}
