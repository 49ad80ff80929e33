package dev.trilog.sqs.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryParametersTest {

    @Test
    void flattenedListsMapsAndEntriesBecomeTheJsonShape() throws Exception {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("QueueUrl", "http://h/000000000000/q");
        query.put("AttributeName.2", "VisibilityTimeout");
        query.put("AttributeName.1", "All");
        query.put("Attribute.1.Name", "DelaySeconds");
        query.put("Attribute.1.Value", "5");
        query.put("SendMessageBatchRequestEntry.1.Id", "a");
        query.put("SendMessageBatchRequestEntry.1.MessageAttribute.1.Name", "n");
        query.put("SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue", "v");
        query.put("SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType", "String");
        query.put("SendMessageBatchRequestEntry.10.Id", "j");
        query.put("SendMessageBatchRequestEntry.2.Id", "b");
        query.put("Tag.1.Key", "team");
        query.put("Tag.1.Value", "x");
        assertThat(QueryParameters.toRequest(query)).isEqualTo(json("{\"AttributeNames\":[\"All\",\"VisibilityTimeout\"],\"Attributes\":{\"DelaySeconds\":\"5\"},"
                + "\"QueueUrl\":\"http://h/000000000000/q\",\"Entries\":[{\"Id\":\"a\",\"MessageAttributes\":"
                + "{\"n\":{\"DataType\":\"String\",\"StringValue\":\"v\"}}},{\"Id\":\"b\"},{\"Id\":\"j\"}],"
                + "\"Tags\":{\"team\":\"x\"}}"));
    }

    @Test
    void tagsFlattenedAsTheJavaSdkV1SendsThemToTagQueueAreAMapToo() throws Exception {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("QueueUrl", "http://h/000000000000/q");
        query.put("Tags.1.Key", "env");
        query.put("Tags.1.Value", "test");
        query.put("Tags.2.Key", "team");
        query.put("Tags.2.Value", "a");
        assertThat(QueryParameters.toRequest(query)).isEqualTo(json("{\"QueueUrl\":\"http://h/000000000000/q\","
                + "\"Tags\":{\"env\":\"test\",\"team\":\"a\"}}"));
    }

    /** botocore and aws-sdk-go send an empty list as its name with an empty value. */
    @Test
    void aFlattenedMemberWithAnEmptyValueIsEmpty() throws Exception {
        assertThat(QueryParameters.toRequest(Map.of("DeleteMessageBatchRequestEntry", "", "AttributeName", "",
                "MessageAttribute", ""))).isEqualTo(json("{\"Entries\":[],\"AttributeNames\":[],"
                + "\"MessageAttributes\":{}}"));
        assertThatThrownBy(() -> QueryParameters.toRequest(Map.of("AttributeName", "All")))
                .isInstanceOfSatisfying(SqsException.class,
                        e -> assertThat(e.error()).isEqualTo(SqsError.MALFORMED_QUERY_STRING));
    }

    private static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }

    @Test
    void aClashingNameIsMalformed() {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("AttributeName", "All");
        query.put("AttributeName.1", "All");
        assertThatThrownBy(() -> QueryParameters.toRequest(query)).isInstanceOfSatisfying(SqsException.class,
                e -> assertThat(e.error()).isEqualTo(SqsError.MALFORMED_QUERY_STRING));
    }

    @Test
    void aMapEntryWithoutItsNameIsAMissingParameter() {
        assertThatThrownBy(() -> QueryParameters.toRequest(Map.of("Attribute.1.Value", "5")))
                .isInstanceOfSatisfying(SqsException.class,
                        e -> assertThat(e.error()).isEqualTo(SqsError.MISSING_PARAMETER));
    }

    @Test
    void formFieldsAreTheBytesTheirEscapesEncode() {
        Map<String, byte[]> fields = new LinkedHashMap<>();
        QueryParameters.parseForm("a=1+2%2B3&&b=%C3%A9%F0%9F%98%80&flag&c=&a=last&d=%ff%C0%AF"
                .getBytes(StandardCharsets.US_ASCII), fields);
        assertThat(fields.keySet()).containsExactly("a", "b", "flag", "c", "d");
        assertThat(fields.get("a")).isEqualTo("last".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(fields.get("b"), StandardCharsets.UTF_8)).isEqualTo("é😀");
        assertThat(fields.get("flag")).isEmpty();
        assertThat(fields.get("c")).isEmpty();
        // not decoded yet: the caller refuses these bytes rather than reading them as other text
        assertThat(fields.get("d")).containsExactly(0xFF, 0xC0, 0xAF);

        Map<String, byte[]> plus = new LinkedHashMap<>();
        QueryParameters.parseForm("a=1+2%2B3".getBytes(StandardCharsets.US_ASCII), plus);
        assertThat(new String(plus.get("a"), StandardCharsets.US_ASCII)).isEqualTo("1 2+3");
    }

    @Test
    void badEscapesAndNamesThatAreNotTextAreMalformed() {
        for (String form : new String[] {"a=%", "a=%4", "a=%G1", "a=1&b%=2", "%FF=1", "%C0%AF=1"}) {
            assertThatThrownBy(() -> QueryParameters.parseForm(form.getBytes(StandardCharsets.US_ASCII),
                    new LinkedHashMap<>())).as(form).isInstanceOfSatisfying(SqsException.class,
                            e -> assertThat(e.error()).isEqualTo(SqsError.MALFORMED_QUERY_STRING));
        }
    }
}
