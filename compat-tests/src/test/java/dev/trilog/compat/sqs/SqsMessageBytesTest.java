package dev.trilog.compat.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trilog.compat.TrilogHarness;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * Message bodies and attribute values byte for byte, over both wire protocols with requests
 * written by hand (the SDKs never send malformed UTF-8): text that is not well-formed UTF-8 is
 * refused with {@code InvalidMessageContents} and nothing is stored, where a lenient decoder
 * would store it altered (an overlong {@code C0 AF} read as {@code /}, a Query {@code %FF} as
 * U+FFFD); well-formed text of every length of UTF-8 sequence comes back exactly as sent.
 */
class SqsMessageBytesTest {

    /** One, two, three and four bytes per character, a noncharacter-free mix SQS allows. */
    private static final String TEXT = "a-é-ß-€-中-\uFFFD-😀-𝄞-\uD83C\uDDEB\uD83C\uDDF7-end";

    @TempDir
    static Path dataDir;
    static TrilogHarness trilog;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() {
        trilog = TrilogHarness.start(dataDir);
    }

    @AfterAll
    static void stop() {
        trilog.close();
    }

    @Test
    void malformedUtf8InABodyOrAnAttributeValueIsRefusedAndNothingIsStored() throws Exception {
        String url = createQueue("bytes-refused");
        byte[][] malformed = {
            {(byte) 0xC0, (byte) 0xAF},                           // overlong '/'
            {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},              // overlong '/' in three bytes
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80},              // a surrogate, which UTF-8 cannot hold
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // past U+10FFFF
            {(byte) 0xFF},
            {(byte) 0xE2, (byte) 0x82},                           // a sequence cut short
        };
        for (byte[] bad : malformed) {
            String hex = HexFormat.of().formatHex(bad);
            assertRefusedJson(hex, "SendMessage", concat("{\"QueueUrl\":\"" + url + "\",\"MessageBody\":\"a", bad,
                    "b\"}"));
            assertRefusedJson(hex, "SendMessage", concat("{\"QueueUrl\":\"" + url + "\",\"MessageBody\":\"ok\","
                    + "\"MessageAttributes\":{\"k\":{\"DataType\":\"String\",\"StringValue\":\"", bad, "\"}}}"));
            assertRefusedJson(hex, "SendMessageBatch", concat("{\"QueueUrl\":\"" + url + "\",\"Entries\":["
                    + "{\"Id\":\"1\",\"MessageBody\":\"fine\"},{\"Id\":\"2\",\"MessageBody\":\"", bad, "\"}]}"));

            String encoded = percent(bad);
            assertRefusedQuery(hex, post(url, "Action=SendMessage&MessageBody=a" + encoded + "b"));
            assertRefusedQuery(hex, post(url, "Action=SendMessage&MessageBody=ok&MessageAttribute.1.Name=k"
                    + "&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=" + encoded));
            assertRefusedQuery(hex, post(url, "Action=SendMessageBatch"
                    + "&SendMessageBatchRequestEntry.1.Id=1&SendMessageBatchRequestEntry.1.MessageBody=fine"
                    + "&SendMessageBatchRequestEntry.2.Id=2&SendMessageBatchRequestEntry.2.MessageBody=" + encoded));
            assertRefusedQuery(hex, HTTP.send(HttpRequest.newBuilder(URI.create(url
                    + "?Action=SendMessage&Version=2012-11-05&MessageBody=" + encoded)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray()));
        }
        HttpResponse<byte[]> received = json("ReceiveMessage", ("{\"QueueUrl\":\"" + url
                + "\",\"MaxNumberOfMessages\":10}").getBytes(StandardCharsets.UTF_8));
        assertThat(JSON.readTree(received.body()).path("Messages")).isEmpty();
        HttpResponse<byte[]> counts = json("GetQueueAttributes", ("{\"QueueUrl\":\"" + url + "\",\"AttributeNames\":"
                + "[\"ApproximateNumberOfMessages\"]}").getBytes(StandardCharsets.UTF_8));
        assertThat(JSON.readTree(counts.body()).path("Attributes").path("ApproximateNumberOfMessages").asText())
                .isEqualTo("0");
    }

    @Test
    void wellFormedUtf8ComesBackByteForByteWhicheverProtocolSentOrReceivesIt() throws Exception {
        String url = createQueue("bytes-kept");
        byte[] utf8 = TEXT.getBytes(StandardCharsets.UTF_8);
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(utf8));

        HttpResponse<byte[]> sentJson = json("SendMessage", concat("{\"QueueUrl\":\"" + url + "\",\"MessageBody\":\"",
                utf8, "\",\"MessageAttributes\":{\"k\":{\"DataType\":\"String\",\"StringValue\":\"" + TEXT + "\"}}}"));
        assertThat(sentJson.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(sentJson.body()).get("MD5OfMessageBody").asText()).isEqualTo(md5);
        String encoded = percent(utf8);
        HttpResponse<byte[]> sentQuery = post(url, "Action=SendMessage&MessageBody=" + encoded
                + "&MessageAttribute.1.Name=k&MessageAttribute.1.Value.DataType=String"
                + "&MessageAttribute.1.Value.StringValue=" + encoded);
        assertThat(sentQuery.statusCode()).isEqualTo(200);
        assertThat(xpath(sentQuery, "//MD5OfMessageBody")).isEqualTo(md5);

        // one message received over each protocol: each carries the bytes as they were sent
        HttpResponse<byte[]> overJson = json("ReceiveMessage", ("{\"QueueUrl\":\"" + url + "\",\"MessageAttributeNames\":"
                + "[\"All\"]}").getBytes(StandardCharsets.UTF_8));
        JsonNode message = JSON.readTree(overJson.body()).get("Messages").get(0);
        assertThat(message.get("Body").asText()).isEqualTo(TEXT);
        assertThat(message.get("MD5OfBody").asText()).isEqualTo(md5);
        assertThat(message.get("MessageAttributes").get("k").get("StringValue").asText()).isEqualTo(TEXT);
        assertThat(indexOf(overJson.body(), utf8)).isPositive();

        HttpResponse<byte[]> overQuery = post(url, "Action=ReceiveMessage&MessageAttributeName.1=All");
        assertThat(xpath(overQuery, "//Message/Body")).isEqualTo(TEXT);
        assertThat(xpath(overQuery, "//Message/MD5OfBody")).isEqualTo(md5);
        assertThat(xpath(overQuery, "//Message/MessageAttribute[Name='k']/Value/StringValue")).isEqualTo(TEXT);
        assertThat(indexOf(overQuery.body(), utf8)).isPositive();
    }

    private static void assertRefusedJson(String what, String action, byte[] body) throws Exception {
        HttpResponse<byte[]> response = json(action, body);
        assertThat(response.statusCode()).as(what).isEqualTo(400);
        assertThat(response.headers().firstValue("x-amzn-query-error")).as(what)
                .hasValue("InvalidMessageContents;Sender");
        assertThat(JSON.readTree(response.body()).get("__type").asText()).as(what)
                .isEqualTo("com.amazonaws.sqs#InvalidMessageContents");
    }

    private static void assertRefusedQuery(String what, HttpResponse<byte[]> response) throws Exception {
        assertThat(response.statusCode()).as(what).isEqualTo(400);
        assertThat(xpath(response, "/ErrorResponse/Error/Code")).as(what).isEqualTo("InvalidMessageContents");
    }

    private static String createQueue(String name) throws Exception {
        return JSON.readTree(json("CreateQueue", ("{\"QueueName\":\"" + name + "\"}").getBytes(StandardCharsets.UTF_8))
                .body()).get("QueueUrl").asText();
    }

    private static HttpResponse<byte[]> json(String action, byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(trilog.sqsEndpoint() + "/"))
                .header("Content-Type", "application/x-amz-json-1.0").header("X-Amz-Target", "AmazonSQS." + action)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A Query POST of an already encoded form to a queue URL. */
    private static HttpResponse<byte[]> post(String url, String form) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(form + "&Version=2012-11-05")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String xpath(HttpResponse<byte[]> response, String path) throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(response.body()));
        return XPathFactory.newInstance().newXPath().evaluate(path, doc);
    }

    /** Every byte percent-encoded, as a form encoder does for bytes outside ASCII. */
    private static String percent(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            out.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
        }
        return out.toString();
    }

    private static byte[] concat(String before, byte[] middle, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(middle);
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
