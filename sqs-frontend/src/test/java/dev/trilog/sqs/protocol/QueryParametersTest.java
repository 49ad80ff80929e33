package dev.trilog.sqs.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
}
