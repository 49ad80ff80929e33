package dev.trilog.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.sqs.protocol.SqsError;
import dev.trilog.sqs.protocol.SqsException;
import dev.trilog.sqs.protocol.SqsRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Both wire protocols over real HTTP, against an action table that echoes what it was given. */
class SqsServerProtocolTest {

    private final List<SqsRequest> received = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private SqsServer server;
    private String endpoint;

    @BeforeEach
    void start() throws Exception {
        server = new SqsServer(SqsSettings.local(), request -> {
            received.add(request);
            if (request.params().string("QueueUrl").orElse("").endsWith("/missing")) {
                return CompletableFuture.failedFuture(SqsException.nonExistentQueue());
            }
            ObjectNode result = JsonNodeFactory.instance.objectNode();
            result.putArray("QueueUrls").add("http://" + request.host() + "/000000000000/a").add("u2");
            result.putObject("Attributes").put("DelaySeconds", "5");
            result.put("NextToken", "t<&>");
            return CompletableFuture.completedFuture(result);
        });
        endpoint = "http://127.0.0.1:" + server.start().getPort();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> json(String target, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(endpoint + "/"))
                .header("Content-Type", "application/x-amz-json-1.0").header("X-Amz-Target", target)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> query(String path, String form) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(endpoint + path))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void jsonRequestsAreAnsweredInJsonWithQueueUrlsNamingTheHostHeader() throws Exception {
        HttpResponse<String> response = json("AmazonSQS.ListQueues", "{\"QueueNamePrefix\":\"a\"}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-amz-json-1.0");
        assertThat(response.headers().firstValue("x-amzn-RequestId")).isPresent();
        JsonNode body = new ObjectMapper().readTree(response.body());
        assertThat(body.get("QueueUrls").get(0).asText()).isEqualTo(endpoint + "/000000000000/a");
        assertThat(received.get(0).params().string("QueueNamePrefix")).hasValue("a");
    }

    @Test
    void jsonErrorsCarryTheShapeAndTheQueryCode() throws Exception {
        HttpResponse<String> response = json("AmazonSQS.GetQueueAttributes",
                "{\"QueueUrl\":\"http://x/000000000000/missing\"}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("x-amzn-query-error"))
                .hasValue("AWS.SimpleQueueService.NonExistentQueue;Sender");
        JsonNode body = new ObjectMapper().readTree(response.body());
        assertThat(body.get("__type").asText()).isEqualTo("com.amazonaws.sqs#QueueDoesNotExist");
        assertThat(body.get("message").asText()).isEqualTo("The specified queue does not exist.");
    }

    @Test
    void anUnknownTargetAndBadJsonAreRefused() throws Exception {
        assertThat(json("AmazonSQS.Frobnicate", "{}").headers().firstValue("x-amzn-query-error"))
                .hasValue(SqsError.INVALID_ACTION.queryErrorHeader());
        HttpResponse<String> bad = json("AmazonSQS.ListQueues", "{not json");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("SerializationException");
        assertThat(received).isEmpty();
    }

    @Test
    void queryRequestsAreAnsweredInXmlAndTheQueueUrlPathSuppliesQueueUrl() throws Exception {
        HttpResponse<String> response = query("/000000000000/q1",
                "Action=GetQueueAttributes&Version=2012-11-05&AttributeName.1=All");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("<GetQueueAttributesResponse xmlns=\"http://queue.amazonaws.com/doc/"
                + "2012-11-05/\"><GetQueueAttributesResult><QueueUrl>" + endpoint + "/000000000000/a</QueueUrl>"
                + "<QueueUrl>u2</QueueUrl><Attribute><Name>DelaySeconds</Name><Value>5</Value></Attribute>"
                + "<NextToken>t&lt;&amp;&gt;</NextToken></GetQueueAttributesResult><ResponseMetadata><RequestId>");
        SqsRequest request = received.get(0);
        assertThat(request.params().string("QueueUrl")).hasValue(endpoint + "/000000000000/q1");
        assertThat(request.params().stringList("AttributeNames")).containsExactly("All");
    }

    @Test
    void queryErrorsUseTheLegacyCodes() throws Exception {
        HttpResponse<String> response = query("/", "Action=DeleteQueue&QueueUrl=http%3A%2F%2Fx%2F000000000000%2Fmissing");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("<ErrorResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
                + "<Error><Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>The"
                + " specified queue does not exist.</Message><Detail/></Error><RequestId>");
    }

    @Test
    void aQueryRequestWithoutAnActionIsMissingAction() throws Exception {
        for (String form : List.of("Version=2012-11-05", "Action=&Version=2012-11-05")) {
            HttpResponse<String> response = query("/", form);
            assertThat(response.statusCode()).as(form).isEqualTo(400);
            assertThat(response.body()).as(form).contains("<Type>Sender</Type><Code>MissingAction</Code>");
        }
        assertThat(received).isEmpty();
    }

    @Test
    void actionsWithoutOutputHaveNoResultElement() throws Exception {
        HttpResponse<String> response = query("/", "Action=DeleteQueue&QueueUrl=http%3A%2F%2Fx%2F000000000000%2Fq");
        assertThat(response.body()).contains("<DeleteQueueResponse").doesNotContain("DeleteQueueResult");
    }
}
