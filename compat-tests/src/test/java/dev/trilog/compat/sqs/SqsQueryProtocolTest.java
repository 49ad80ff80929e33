package dev.trilog.compat.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.TrilogHarness;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * The Query protocol as older SDKs and the aws CLI before JSON speak it: form-encoded POSTs to
 * {@code /} or to the queue URL, flattened lists and maps, XML answers and legacy error codes.
 * The SDK suites run over Query too ({@link SqsProtocol#QUERY}, aws-java-sdk-sqs v1); this test
 * pins what an SDK does not check, with requests written by hand in the shape botocore's query
 * serializer sends: the XML's exact elements, its content type, a GET with the parameters in
 * the query string.
 */
class SqsQueryProtocolTest {

    @TempDir
    static Path dataDir;
    static TrilogHarness trilog;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        trilog = TrilogHarness.start(dataDir);
    }

    @AfterAll
    static void stop() {
        trilog.close();
    }

    private static HttpResponse<String> post(String path, Map<String, String> parameters) throws Exception {
        Map<String, String> form = new LinkedHashMap<>(parameters);
        form.put("Version", "2012-11-05");
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return HTTP.send(HttpRequest.newBuilder(URI.create(trilog.sqsEndpoint() + path))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Document xml(HttpResponse<String> response) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(response.body().getBytes(
                StandardCharsets.UTF_8)));
    }

    private static String text(Document doc, String xpath) throws Exception {
        return XPathFactory.newInstance().newXPath().evaluate(xpath, doc);
    }

    private static int count(Document doc, String xpath) throws Exception {
        return ((NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, doc, XPathConstants.NODESET))
                .getLength();
    }

    @Test
    void aQueueAndItsMessagesThroughTheQueryProtocol() throws Exception {
        HttpResponse<String> created = post("/", Map.of("Action", "CreateQueue", "QueueName", "query-q",
                "Attribute.1.Name", "VisibilityTimeout", "Attribute.1.Value", "40"));
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(created.headers().firstValue("Content-Type")).hasValue("text/xml");
        Document doc = xml(created);
        String url = text(doc, "/CreateQueueResponse/CreateQueueResult/QueueUrl");
        assertThat(url).isEqualTo(trilog.sqsEndpoint() + "/000000000000/query-q");
        assertThat(text(doc, "/CreateQueueResponse/ResponseMetadata/RequestId")).isNotEmpty();

        Map<String, String> send = new LinkedHashMap<>();
        send.put("Action", "SendMessage");
        send.put("MessageBody", "hi & <bye>");
        send.put("MessageAttribute.1.Name", "colour");
        send.put("MessageAttribute.1.Value.DataType", "String");
        send.put("MessageAttribute.1.Value.StringValue", "blue");
        Document sent = xml(post("/000000000000/query-q", send));
        assertThat(text(sent, "/SendMessageResponse/SendMessageResult/MD5OfMessageBody"))
                .isEqualTo(md5("hi & <bye>"));
        assertThat(text(sent, "/SendMessageResponse/SendMessageResult/MD5OfMessageAttributes")).hasSize(32);
        String messageId = text(sent, "/SendMessageResponse/SendMessageResult/MessageId");

        Document attrs = xml(post("/", Map.of("Action", "GetQueueAttributes", "QueueUrl", url, "AttributeName.1",
                "VisibilityTimeout", "AttributeName.2", "ApproximateNumberOfMessages")));
        assertThat(text(attrs, "//Attribute[Name='VisibilityTimeout']/Value")).isEqualTo("40");
        assertThat(text(attrs, "//Attribute[Name='ApproximateNumberOfMessages']/Value")).isEqualTo("1");

        Document received = xml(post("/000000000000/query-q", Map.of("Action", "ReceiveMessage",
                "MaxNumberOfMessages", "10", "AttributeName.1", "All", "MessageAttributeName.1", "All")));
        assertThat(count(received, "/ReceiveMessageResponse/ReceiveMessageResult/Message")).isEqualTo(1);
        assertThat(text(received, "//Message/MessageId")).isEqualTo(messageId);
        assertThat(text(received, "//Message/Body")).isEqualTo("hi & <bye>");
        assertThat(text(received, "//Message/MD5OfBody")).isEqualTo(md5("hi & <bye>"));
        assertThat(text(received, "//Message/Attribute[Name='ApproximateReceiveCount']/Value")).isEqualTo("1");
        assertThat(text(received, "//Message/MessageAttribute[Name='colour']/Value/StringValue")).isEqualTo("blue");
        assertThat(text(received, "//Message/MessageAttribute[Name='colour']/Value/DataType")).isEqualTo("String");
        String handle = text(received, "//Message/ReceiptHandle");

        HttpResponse<String> deleted = post("/000000000000/query-q", Map.of("Action", "DeleteMessage",
                "ReceiptHandle", handle));
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(deleted.body()).contains("<DeleteMessageResponse").doesNotContain("DeleteMessageResult");

        Document batch = xml(post("/000000000000/query-q", Map.of("Action", "SendMessageBatch",
                "SendMessageBatchRequestEntry.1.Id", "a", "SendMessageBatchRequestEntry.1.MessageBody", "one",
                "SendMessageBatchRequestEntry.2.Id", "b", "SendMessageBatchRequestEntry.2.MessageBody", "")));
        assertThat(text(batch, "//SendMessageBatchResultEntry/Id")).isEqualTo("a");
        assertThat(text(batch, "//BatchResultErrorEntry/Id")).isEqualTo("b");
        assertThat(text(batch, "//BatchResultErrorEntry/SenderFault")).isEqualTo("true");

        Document listed = xml(post("/", Map.of("Action", "ListQueues", "QueueNamePrefix", "query")));
        assertThat(text(listed, "/ListQueuesResponse/ListQueuesResult/QueueUrl")).isEqualTo(url);
    }

    @Test
    void aGetWithTheParametersInTheQueryStringWorksToo() throws Exception {
        post("/", Map.of("Action", "CreateQueue", "QueueName", "query-get"));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(trilog.sqsEndpoint()
                + "/000000000000/query-get?Action=GetQueueAttributes&Version=2012-11-05&AttributeName.1=QueueArn"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(text(xml(response), "//Attribute[Name='QueueArn']/Value"))
                .isEqualTo("arn:aws:sqs:us-east-1:000000000000:query-get");
    }

    @Test
    void errorsUseTheLegacyCodesInAnErrorResponse() throws Exception {
        HttpResponse<String> missing = post("/", Map.of("Action", "GetQueueUrl", "QueueName", "nope"));
        assertThat(missing.statusCode()).isEqualTo(400);
        Document doc = xml(missing);
        assertThat(text(doc, "/ErrorResponse/Error/Type")).isEqualTo("Sender");
        assertThat(text(doc, "/ErrorResponse/Error/Code")).isEqualTo("AWS.SimpleQueueService.NonExistentQueue");
        assertThat(text(doc, "/ErrorResponse/Error/Message")).isEqualTo("The specified queue does not exist.");
        assertThat(text(doc, "/ErrorResponse/RequestId")).isNotEmpty();

        post("/", Map.of("Action", "CreateQueue", "QueueName", "query-errors"));
        assertThat(text(xml(post("/000000000000/query-errors", Map.of("Action", "ReceiveMessage",
                "MaxNumberOfMessages", "11"))), "//Error/Code")).isEqualTo("InvalidParameterValue");
        assertThat(text(xml(post("/", Map.of("Action", "CreateQueue", "QueueName", "query-errors",
                "Attribute.1.Name", "DelaySeconds", "Attribute.1.Value", "3"))), "//Error/Code"))
                .isEqualTo("QueueAlreadyExists");
        assertThat(text(xml(post("/", Map.of("Action", "Frobnicate"))), "//Error/Code")).isEqualTo("InvalidAction");
    }

    /**
     * Every batch action's request errors, in the shape botocore's and aws-sdk-go's Query
     * serializers send: an empty list is its name with an empty value.
     */
    @Test
    void everyBatchActionAnswersItsRequestErrors() throws Exception {
        post("/", Map.of("Action", "CreateQueue", "QueueName", "batches-over-query"));
        Map<String, String> entryNames = Map.of("SendMessageBatch", "SendMessageBatchRequestEntry",
                "DeleteMessageBatch", "DeleteMessageBatchRequestEntry",
                "ChangeMessageVisibilityBatch", "ChangeMessageVisibilityBatchRequestEntry");
        for (Map.Entry<String, String> action : entryNames.entrySet()) {
            String entry = action.getValue();
            assertThat(batchError(action.getKey(), Map.of(entry, "")))
                    .as(action.getKey() + " with an empty list").isEqualTo("AWS.SimpleQueueService.EmptyBatchRequest");
            assertThat(batchError(action.getKey(), Map.of()))
                    .as(action.getKey() + " without entries").isEqualTo("AWS.SimpleQueueService.EmptyBatchRequest");
            Map<String, String> eleven = new LinkedHashMap<>();
            for (int i = 1; i <= 11; i++) {
                eleven.putAll(batchEntry(entry, i, "e" + i));
            }
            assertThat(batchError(action.getKey(), eleven)).as(action.getKey() + " with 11 entries")
                    .isEqualTo("AWS.SimpleQueueService.TooManyEntriesInBatchRequest");
            Map<String, String> twice = new LinkedHashMap<>(batchEntry(entry, 1, "same"));
            twice.putAll(batchEntry(entry, 2, "same"));
            assertThat(batchError(action.getKey(), twice)).as(action.getKey() + " with a repeated id")
                    .isEqualTo("AWS.SimpleQueueService.BatchEntryIdsNotDistinct");
            assertThat(batchError(action.getKey(), batchEntry(entry, 1, "not valid!")))
                    .as(action.getKey() + " with an invalid id").isEqualTo("AWS.SimpleQueueService.InvalidBatchEntryId");
        }
    }

    private static String batchError(String action, Map<String, String> entries) throws Exception {
        Map<String, String> parameters = new LinkedHashMap<>(entries);
        parameters.put("Action", action);
        HttpResponse<String> response = post("/000000000000/batches-over-query", parameters);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        return text(xml(response), "/ErrorResponse/Error/Code");
    }

    /** The members of entry {@code index} that every batch action's entries have. */
    private static Map<String, String> batchEntry(String entryName, int index, String id) {
        String prefix = entryName + "." + index + ".";
        return Map.of(prefix + "Id", id, prefix + "MessageBody", "m", prefix + "ReceiptHandle", "h",
                prefix + "VisibilityTimeout", "5");
    }

    @Test
    void aReservedNameIsAnInvalidParameterValueAndNamesNoQueue() throws Exception {
        HttpResponse<String> created = post("/", Map.of("Action", "CreateQueue", "QueueName", "__trilog_metadata"));
        assertThat(created.statusCode()).isEqualTo(400);
        assertThat(text(xml(created), "/ErrorResponse/Error/Code")).isEqualTo("InvalidParameterValue");
        assertThat(text(xml(created), "/ErrorResponse/Error/Message")).contains("reserved");
        assertThat(text(xml(post("/", Map.of("Action", "GetQueueUrl", "QueueName", "__trilog_metadata"))),
                "//Error/Code")).isEqualTo("AWS.SimpleQueueService.NonExistentQueue");
        assertThat(text(xml(post("/000000000000/__trilog_metadata", Map.of("Action", "SendMessage", "MessageBody",
                "x"))), "//Error/Code")).isEqualTo("AWS.SimpleQueueService.NonExistentQueue");
    }

    private static String md5(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
