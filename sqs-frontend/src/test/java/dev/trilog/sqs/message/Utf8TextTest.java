package dev.trilog.sqs.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8TextTest {

    /** As the SQS handler writes its answers. */
    private final ObjectMapper json = JsonMapper.builder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();

    @Test
    void writesTheSameJsonAsTheDecodedText() throws Exception {
        String[] texts = {"", "plain", "quote \" backslash \\ slash /", "tab\tnewline\ncr\r", "\u0001\u001f\u007f",
                "é ü ß", "€ ✓ \u2028\u2029", "emoji 😀 and 𝄞", "x".repeat(5000) + "\"" + "y".repeat(3000)};
        for (String text : texts) {
            ObjectNode fromText = JsonNodeFactory.instance.objectNode().put("Body", text);
            ObjectNode fromBytes = JsonNodeFactory.instance.objectNode()
                    .putPOJO("Body", new Utf8Text(text.getBytes(StandardCharsets.UTF_8)));
            assertThat(json.writeValueAsBytes(fromBytes)).as(text).isEqualTo(json.writeValueAsBytes(fromText));
            assertThat(json.readTree(json.writeValueAsBytes(fromBytes)).get("Body").textValue()).isEqualTo(text);
        }
    }

    @Test
    void readsAsItsTextInATree() {
        ObjectNode node = JsonNodeFactory.instance.objectNode()
                .putPOJO("Body", new Utf8Text("a <b> & é".getBytes(StandardCharsets.UTF_8)));
        assertThat(node.get("Body").asText()).isEqualTo("a <b> & é"); // what the Query protocol's XML writes
    }
}
