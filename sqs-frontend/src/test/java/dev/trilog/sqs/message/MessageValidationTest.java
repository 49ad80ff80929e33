package dev.trilog.sqs.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.sqs.protocol.SqsError;
import dev.trilog.sqs.protocol.SqsException;
import dev.trilog.sqs.protocol.SqsParams;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageValidationTest {

    private static SqsParams request(String json) throws Exception {
        return new SqsParams((ObjectNode) new ObjectMapper().readTree(json));
    }

    private static void assertError(Runnable call, SqsError expected) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(SqsException.class,
                e -> assertThat(e.error()).isEqualTo(expected));
    }

    @Test
    void bodiesOutsideSqsCharacterSetAreInvalidMessageContents() {
        MessageValidation.checkBody("tab\tnew\nline\r ok \uD83D\uDE00 \uE000");
        assertError(() -> MessageValidation.checkBody("nul \u0000"), SqsError.INVALID_MESSAGE_CONTENTS);
        assertError(() -> MessageValidation.checkBody("\uFFFE"), SqsError.INVALID_MESSAGE_CONTENTS);
        assertError(() -> MessageValidation.checkBody("lone \uD800 surrogate"), SqsError.INVALID_MESSAGE_CONTENTS);
        assertError(() -> MessageValidation.checkBody("lone low \uDC00"), SqsError.INVALID_MESSAGE_CONTENTS);
        assertError(() -> MessageValidation.checkBody("high at the end \uD83D"), SqsError.INVALID_MESSAGE_CONTENTS);
        assertError(() -> MessageValidation.checkBody("two highs \uD83D\uD83D"), SqsError.INVALID_MESSAGE_CONTENTS);
        assertError(() -> MessageValidation.checkBody("escape \u001B"), SqsError.INVALID_MESSAGE_CONTENTS);
        MessageValidation.checkBody("edges \u0020\uD7FF\uFFFD\uDBFF\uDFFF");
        assertError(() -> MessageValidation.checkBody(""), SqsError.MISSING_PARAMETER);
    }

    @Test
    void attributesAreReadAndChecked() throws Exception {
        Map<String, MessageAttribute> read = MessageValidation.attributes(request("{\"MessageAttributes\":{"
                + "\"s\":{\"DataType\":\"String.x\",\"StringValue\":\"v\"},"
                + "\"n\":{\"DataType\":\"Number\",\"StringValue\":\"1e5\"},"
                + "\"b\":{\"DataType\":\"Binary\",\"BinaryValue\":\"AAEC\"}}}"), "MessageAttributes");
        assertThat(read.get("s")).isEqualTo(MessageAttribute.ofString("String.x", "v"));
        assertThat(read.get("b").binaryValue()).containsExactly(0, 1, 2);
        for (String bad : new String[] {
            "{\"AWS.x\":{\"DataType\":\"String\",\"StringValue\":\"v\"}}",
            "{\"a..b\":{\"DataType\":\"String\",\"StringValue\":\"v\"}}",
            "{\"a\":{\"DataType\":\"Integer\",\"StringValue\":\"1\"}}",
            "{\"a\":{\"DataType\":\"Number\",\"StringValue\":\"one\"}}",
            "{\"a\":{\"DataType\":\"Number\",\"StringValue\":\"1e200\"}}",
            "{\"a\":{\"DataType\":\"String\",\"StringValue\":\"\"}}",
            "{\"a\":{\"DataType\":\"Binary\",\"StringValue\":\"x\"}}",
            "{\"a\":{\"StringValue\":\"x\"}}"}) {
            SqsParams params = request("{\"MessageAttributes\":" + bad + "}");
            assertError(() -> MessageValidation.attributes(params, "MessageAttributes"), SqsError.INVALID_PARAMETER_VALUE);
        }
    }

    @Test
    void bodyAndAttributesCountTowardTheSize() {
        Map<String, MessageAttribute> attributes = Map.of("ab", MessageAttribute.ofString("String", "xyz"));
        assertThat(MessageValidation.size(1013, attributes)).isEqualTo(1024);
        MessageValidation.checkSize(MessageValidation.size(1013, attributes), 1024);
        assertError(() -> MessageValidation.checkSize(MessageValidation.size(1014, attributes), 1024),
                SqsError.INVALID_PARAMETER_VALUE);
    }

    @Test
    void attributesBecomeTypedHeadersAndComeBackTheSame() {
        Map<String, MessageAttribute> attributes = Map.of(
                "s", MessageAttribute.ofString("String", "v"),
                "n", MessageAttribute.ofString("Number.float", "1.50"),
                "b", MessageAttribute.ofBinary("Binary.png", new byte[] {1}));
        Map<String, HeaderValue> headers = AttributeMapping.toHeaders(attributes);
        assertThat(headers.get("n")).isEqualTo(HeaderValue.ofDecimal("1.50").withCustomType("float"));
        assertThat(AttributeMapping.fromHeaders(headers)).isEqualTo(attributes);
        assertThat(AttributeMapping.fromHeaders(Map.of("i", HeaderValue.ofInt(3), "t", HeaderValue.ofBoolean(true),
                "z", HeaderValue.nullValue()))).containsOnly(Map.entry("i", MessageAttribute.ofString("Number", "3")),
                Map.entry("t", MessageAttribute.ofString("String", "true")));
    }
}
