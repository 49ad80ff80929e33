package dev.trilog.sqs.message;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A JSON string member kept as its well-formed UTF-8 bytes (a received message's body), written
 * into the answer from them: Jackson escapes the bytes as they are
 * ({@link JsonGenerator#writeUTF8String}), where a {@code String} member was first decoded from
 * the bytes and then escaped char by char, 5 % of the receive+delete phase (bench/sqs/RESULTS.md,
 * sqs27). The JSON is the same as the decoded text's. Put into a tree with
 * {@code ObjectNode.putPOJO}; {@code asText()} (the Query protocol's XML) gives the text.
 */
public final class Utf8Text implements JsonSerializable {

    private final byte[] utf8;

    /** @param utf8 well-formed UTF-8, not changed afterwards */
    public Utf8Text(byte[] utf8) {
        this.utf8 = utf8;
    }

    @Override
    public void serialize(JsonGenerator gen, SerializerProvider serializers) throws IOException {
        gen.writeUTF8String(utf8, 0, utf8.length);
    }

    @Override
    public void serializeWithType(JsonGenerator gen, SerializerProvider serializers, TypeSerializer typeSer)
            throws IOException {
        serialize(gen, serializers);
    }

    /** The text itself. */
    @Override
    public String toString() {
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
