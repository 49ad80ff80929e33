package dev.trilog.compare.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** Writes {@code results.json}: durations as {@code "20s"}, everything else as Jackson writes records. */
public final class ResultsJson {

    private ResultsJson() {
    }

    public static ObjectMapper mapper() {
        SimpleModule durations = new SimpleModule("durations");
        durations.addSerializer(Duration.class, new StdSerializer<>(Duration.class) {
            private static final long serialVersionUID = 1L;

            @Override
            public void serialize(Duration value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                long millis = value.toMillis();
                gen.writeString(millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms");
            }
        });
        return new ObjectMapper().registerModule(durations).enable(SerializationFeature.INDENT_OUTPUT);
    }

    public static void write(Results results, Path file) throws IOException {
        mapper().writeValue(file.toFile(), results);
    }
}
