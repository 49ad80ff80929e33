package dev.trilog.sqs.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.routing.message.Utf8;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * An SQS request from the parts of the HTTP request that carry it, in either wire protocol: where
 * the client's bytes become an {@link SqsRequest}. Apart from the HTTP server so that it can be
 * fed any bytes (the fuzz target {@code SqsRequestFuzzTest}); whatever they are, the answer is a
 * request or an {@link SqsException} in the protocol's own words.
 *
 * <p>The protocol is picked per request (ElasticMQ's rule): a {@code x-amz-json} content type is
 * AWS JSON 1.0 with the action in {@code X-Amz-Target}; anything else is Query with
 * {@code Action=} in the form body or the query string. Text is decoded strictly as UTF-8. Query
 * requests may be sent to the queue URL ({@code /<account>/<queue>}); that path then supplies
 * {@code QueueUrl} when the parameters do not.
 */
final class SqsRequestDecoder {

    static final String TARGET_PREFIX = "AmazonSQS.";

    private final ObjectMapper json;

    /** @param json the mapper that reads JSON request bodies */
    SqsRequestDecoder(ObjectMapper json) {
        this.json = json;
    }

    /** True when the {@code Content-Type} (possibly null) names AWS JSON 1.0. */
    static boolean isJson(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).contains("x-amz-json");
    }

    /**
     * @param target   the {@code X-Amz-Target} header, possibly null
     * @param host     the host queue URLs in the answer name
     * @param answerOn where an answer that has to wait is put together ({@link SqsRequest#answerOn})
     */
    SqsRequest decodeJson(String target, byte[] body, String host, String requestId, Executor answerOn) {
        if (target == null || !target.startsWith(TARGET_PREFIX)) {
            throw new SqsException(SqsError.INVALID_ACTION, "The X-Amz-Target header must name an AmazonSQS action.");
        }
        SqsAction action = action(target.substring(TARGET_PREFIX.length()));
        ObjectNode members;
        if (body.length == 0) {
            members = JsonNodeFactory.instance.objectNode();
        } else {
            try {
                JsonNode node;
                if (PlainAscii.is(body)) {
                    node = json.readTree(body); // read from the bytes: no String of the body and no chars of it
                } else {
                    String text = Utf8.decodeOrNull(body);
                    if (text == null) {
                        throw notUtf8(action, true, "the request body");
                    }
                    node = json.readTree(text);
                }
                if (!(node instanceof ObjectNode object)) {
                    throw new SqsException(SqsError.SERIALIZATION_EXCEPTION, "The request body is not a JSON object.");
                }
                members = object;
            } catch (IOException e) {
                throw new SqsException(SqsError.SERIALIZATION_EXCEPTION, "The request body is not valid JSON.");
            }
        }
        return new SqsRequest(action, new SqsParams(members), host, requestId, answerOn);
    }

    /**
     * @param queryString the query string as sent (without {@code ?}), or empty
     * @param post        true for a POST, whose body is a form too
     * @param path        the request path, which may be a queue URL's
     * @param host        the host queue URLs in the answer name
     * @param answerOn    where an answer that has to wait is put together ({@link SqsRequest#answerOn})
     */
    SqsRequest decodeQuery(String queryString, boolean post, byte[] body, String path, String host, String requestId,
                           Executor answerOn) {
        Map<String, byte[]> fields = new LinkedHashMap<>();
        QueryParameters.parseForm(queryString.getBytes(StandardCharsets.UTF_8), fields);
        if (post) {
            QueryParameters.parseForm(body, fields);
        }
        byte[] actionName = fields.remove("Action");
        fields.remove("Version");
        if (actionName == null || actionName.length == 0) {
            throw new SqsException(SqsError.MISSING_ACTION, "The request must contain the parameter Action.");
        }
        SqsAction action = action(new String(actionName, StandardCharsets.ISO_8859_1));
        // SigV2/SigV4 query-string signing parameters are not request members
        fields.keySet().removeIf(name -> name.startsWith("X-Amz-") || name.equals("AWSAccessKeyId")
                || name.equals("Signature") || name.equals("SignatureMethod") || name.equals("SignatureVersion")
                || name.equals("Timestamp") || name.equals("Expires"));
        Map<String, String> parameters = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> field : fields.entrySet()) {
            String value = Utf8.decodeOrNull(field.getValue());
            if (value == null) {
                throw notUtf8(action, false, "the value of " + field.getKey());
            }
            parameters.put(field.getKey(), value);
        }
        if (!parameters.containsKey("QueueUrl") && path.length() > 1 && path.indexOf('/', 1) > 0) {
            parameters.put("QueueUrl", "http://" + host + path);
        }
        return new SqsRequest(action, new SqsParams(QueryParameters.toRequest(parameters)), host, requestId,
                answerOn);
    }

    /**
     * Text that is not well-formed UTF-8 (an overlong form, a surrogate, a cut-off sequence, a byte
     * no sequence starts with) is refused rather than decoded into other text: a lenient decoder
     * would store an overlong {@code C0 AF} as {@code /} and {@code %FF} as U+FFFD. In the actions
     * that carry messages it is {@code InvalidMessageContents}, as AWS answers characters a message
     * may not hold; elsewhere the request is malformed.
     */
    private static SqsException notUtf8(SqsAction action, boolean jsonProtocol, String what) {
        if (action.carriesMessages()) {
            return new SqsException(SqsError.INVALID_MESSAGE_CONTENTS, "Invalid binary character found: " + what
                    + " is not well-formed UTF-8. Message bodies and attribute values are Unicode text.");
        }
        return new SqsException(jsonProtocol ? SqsError.SERIALIZATION_EXCEPTION : SqsError.MALFORMED_QUERY_STRING,
                "The request is not well-formed UTF-8: " + what + ".");
    }

    private static SqsAction action(String name) {
        return SqsAction.forName(name).orElseThrow(() -> new SqsException(SqsError.INVALID_ACTION,
                "The action " + name + " is not valid for this web service."));
    }
}
