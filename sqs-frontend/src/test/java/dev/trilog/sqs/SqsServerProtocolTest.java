package dev.trilog.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.sqs.protocol.SqsError;
import dev.trilog.sqs.protocol.SqsException;
import dev.trilog.sqs.protocol.SqsRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Both wire protocols over real HTTP, against an action table that echoes what it was given. */
class SqsServerProtocolTest {

    private final List<SqsRequest> received = new CopyOnWriteArrayList<>();
    /** Answers of requests on queue {@code /later}, completed by the test on its own thread. */
    private final BlockingQueue<CompletableFuture<ObjectNode>> later = new LinkedBlockingQueue<>();
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
            if (request.params().string("QueueUrl").orElse("").endsWith("/later")) {
                CompletableFuture<ObjectNode> answer = new CompletableFuture<>();
                later.add(answer);
                return answer;
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

    /**
     * Outside messages (which the compat tests cover), text that is not well-formed UTF-8 makes the
     * request malformed in either protocol, in a body or in a query string; it never reaches an
     * action decoded as something else.
     */
    @Test
    void textThatIsNotUtf8IsAMalformedRequest() throws Exception {
        byte[] overlong = {'{', '"', 'Q', 'u', 'e', 'u', 'e', 'N', 'a', 'm', 'e', 'P', 'r', 'e', 'f', 'i', 'x', '"', ':',
            '"', 'a', (byte) 0xC0, (byte) 0xAF, '"', '}'};
        HttpResponse<String> json = http.send(HttpRequest.newBuilder(URI.create(endpoint + "/"))
                .header("Content-Type", "application/x-amz-json-1.0").header("X-Amz-Target", "AmazonSQS.ListQueues")
                .POST(HttpRequest.BodyPublishers.ofByteArray(overlong)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(json.statusCode()).isEqualTo(400);
        assertThat(json.headers().firstValue("x-amzn-query-error")).hasValue("SerializationException;Sender");

        HttpResponse<String> form = query("/", "Action=ListQueues&QueueNamePrefix=a%FF");
        assertThat(form.statusCode()).isEqualTo(400);
        assertThat(form.body()).contains("<Code>MalformedQueryString</Code>").contains("QueueNamePrefix");
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(endpoint
                + "/?Action=ListQueues&QueueNamePrefix=%C0%AF")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(400);
        assertThat(get.body()).contains("<Code>MalformedQueryString</Code>");
        assertThat(received).isEmpty();

        HttpResponse<String> emoji = http.send(HttpRequest.newBuilder(URI.create(endpoint
                + "/?Action=ListQueues&QueueNamePrefix=%F0%9F%98%80+%C3%A9%2B")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(emoji.statusCode()).isEqualTo(200);
        assertThat(received.get(0).params().string("QueueNamePrefix")).hasValue("😀 é+");
    }

    /**
     * A body past the server's limit, chunked or not, in either protocol: the size error in that
     * protocol once the body has been read (and dropped), the connection still usable after it and
     * other clients served while it is being sent. Nothing reaches the actions.
     */
    @ParameterizedTest(name = "{0}, chunked: {1}")
    @CsvSource({"json, true", "json, false", "query, true", "query, false"})
    void anOversizedRequestIsAnsweredWithTheSizeErrorAndTheConnectionStaysUsable(String protocol, boolean chunked)
            throws Exception {
        boolean json = protocol.equals("json");
        long size = 20L << 20;
        byte[] prefix = (json ? "{\"QueueNamePrefix\":\"" : "Action=ListQueues&QueueNamePrefix=")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] filler = new byte[64 * 1024];
        Arrays.fill(filler, (byte) 'a');
        try (RawHttpConnection connection = new RawHttpConnection(server.boundAddress().getPort())) {
            connection.start("/", headers(json, "ListQueues"), chunked ? null : size);
            connection.write(prefix, prefix.length);
            for (long sent = prefix.length; sent < size; sent += filler.length) {
                connection.write(filler, (int) Math.min(filler.length, size - sent));
                if (sent - prefix.length == 12L << 20) {
                    assertThat(json("AmazonSQS.ListQueues", "{}").statusCode()).isEqualTo(200);
                }
            }
            RawHttpConnection.Response response = connection.finish();
            assertThat(response.status()).isEqualTo(413);
            String message = "HTTP content length exceeded " + SqsServer.MAX_ENTITY_BYTES + " bytes.";
            if (json) {
                assertThat(response.headers()).containsEntry("content-type", "application/x-amz-json-1.0")
                        .containsEntry("x-amzn-query-error", "RequestEntityTooLarge;Sender");
                JsonNode body = new ObjectMapper().readTree(response.body());
                assertThat(body.get("__type").asText()).isEqualTo("com.amazonaws.sqs#RequestEntityTooLarge");
                assertThat(body.get("message").asText()).isEqualTo(message);
            } else {
                assertThat(response.text()).contains("<Error><Type>Sender</Type><Code>RequestEntityTooLarge</Code>"
                        + "<Message>" + message + "</Message>");
            }
            assertThat(received).hasSize(1);

            RawHttpConnection.Response next = connection.post("/", headers(json, "ListQueues"),
                    (json ? "{\"QueueNamePrefix\":\"b\"}" : "Action=ListQueues&QueueNamePrefix=b")
                            .getBytes(StandardCharsets.US_ASCII));
            assertThat(next.status()).isEqualTo(200);
            assertThat(received).hasSize(2);
            assertThat(received.get(1).params().string("QueueNamePrefix")).hasValue("b");
        }
    }

    /** What is read and dropped of an oversized body is bounded too: past that the connection is closed. */
    @Test
    void pastWhatIsReadAndDroppedTheConnectionIsClosedAndOthersAreStillServed() throws Exception {
        long size = 2 * SqsServer.MAX_DISCARDED_BYTES;
        byte[] filler = new byte[64 * 1024];
        long sent = 0;
        try (RawHttpConnection connection = new RawHttpConnection(server.boundAddress().getPort())) {
            connection.start("/", headers(true, "ListQueues"), null);
            for (; sent < size; sent += filler.length) {
                connection.write(filler, filler.length);
            }
            connection.finish();
        } catch (IOException expected) {
            // the server stopped reading and closed the connection
        }
        assertThat(sent).isLessThan(size);
        assertThat(json("AmazonSQS.ListQueues", "{}").statusCode()).isEqualTo(200);
        assertThat(received).hasSize(1);
    }

    @Test
    void aChunkedBodyUpToTheLimitArrivesWhole() throws Exception {
        int length = SqsServer.MAX_ENTITY_BYTES - 100;
        byte[] filler = new byte[100_000];
        Arrays.fill(filler, (byte) 'x');
        try (RawHttpConnection connection = new RawHttpConnection(server.boundAddress().getPort())) {
            connection.start("/", headers(true, "ListQueues"), null);
            byte[] prefix = "{\"QueueNamePrefix\":\"".getBytes(StandardCharsets.US_ASCII);
            connection.write(prefix, prefix.length);
            for (int sent = 0; sent < length; sent += filler.length) {
                connection.write(filler, Math.min(filler.length, length - sent));
            }
            connection.write(new byte[] {'"', '}'}, 2);
            assertThat(connection.finish().status()).isEqualTo(200);
        }
        assertThat(received.get(0).params().string("QueueNamePrefix").orElseThrow()).hasSize(length)
                .matches("x+");
    }

    /**
     * SendMessage is served on the connection's I/O thread, ReceiveMessage on a worker: either
     * answer comes after the action has returned, from another thread (here the test's, as the
     * facade's append thread completes a send), and reaches the client — whether the body came
     * with the head or in later reads (chunked) — and the connection serves the next request after it.
     */
    @ParameterizedTest(name = "{0}, chunked: {1}")
    @CsvSource({"SendMessage, false", "SendMessage, true", "ReceiveMessage, false", "ReceiveMessage, true"})
    void answersCompletedLaterOnAnotherThreadAreWritten(String action, boolean chunked) throws Exception {
        byte[] body = "{\"QueueUrl\":\"http://127.0.0.1/000000000000/later\"}"
                .getBytes(StandardCharsets.US_ASCII);
        ExecutorService client = Executors.newSingleThreadExecutor();
        try (RawHttpConnection connection = new RawHttpConnection(server.boundAddress().getPort())) {
            connection.start("/", headers(true, action), chunked ? null : (long) body.length);
            int half = body.length / 2;
            connection.write(Arrays.copyOfRange(body, 0, half), half);
            connection.write(Arrays.copyOfRange(body, half, body.length), body.length - half);
            Future<RawHttpConnection.Response> response = client.submit(connection::finish);
            CompletableFuture<ObjectNode> answer = later.poll(30, TimeUnit.SECONDS);
            assertThat(answer).as("the action was called").isNotNull();
            answer.complete(JsonNodeFactory.instance.objectNode().put("MessageId", "m-1"));
            RawHttpConnection.Response answered = response.get(30, TimeUnit.SECONDS);
            assertThat(answered.status()).isEqualTo(200);
            assertThat(new ObjectMapper().readTree(answered.body()).get("MessageId").asText()).isEqualTo("m-1");

            RawHttpConnection.Response next = connection.post("/", headers(true, "ListQueues"),
                    "{\"QueueNamePrefix\":\"b\"}".getBytes(StandardCharsets.US_ASCII));
            assertThat(next.status()).isEqualTo(200);
            assertThat(received).hasSize(2);
            assertThat(received.get(0).action().apiName()).isEqualTo(action);
        } finally {
            client.shutdownNow();
        }
    }

    private static Map<String, String> headers(boolean json, String action) {
        return json ? Map.of("Content-Type", "application/x-amz-json-1.0", "X-Amz-Target", "AmazonSQS." + action)
                : Map.of("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    }

    @Test
    void actionsWithoutOutputHaveNoResultElement() throws Exception {
        HttpResponse<String> response = query("/", "Action=DeleteQueue&QueueUrl=http%3A%2F%2Fx%2F000000000000%2Fq");
        assertThat(response.body()).contains("<DeleteQueueResponse").doesNotContain("DeleteQueueResult");
    }
}
