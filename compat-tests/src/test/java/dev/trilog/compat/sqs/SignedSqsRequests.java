package dev.trilog.compat.sqs;

import dev.trilog.compat.TrilogHarness;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * SendMessage requests on the wire, signed by aws-sdk-java-v2's own SigV4 signer and sent with the
 * JDK's HTTP client, so a test can alter them after signing, sign them at another time, or read
 * the raw answer (status, body, headers) the SDKs interpret.
 */
final class SignedSqsRequests {

    private SignedSqsRequests() {
    }

    /** The SendMessage body in the protocol's own form. */
    static String sendMessageBody(SqsProtocol protocol, String queueUrl, String messageBody) {
        return protocol == SqsProtocol.JSON
                ? "{\"QueueUrl\":\"" + queueUrl + "\",\"MessageBody\":\"" + messageBody + "\"}"
                : "Action=SendMessage&Version=2012-11-05&QueueUrl=" + URLEncoder.encode(queueUrl, StandardCharsets.UTF_8)
                        + "&MessageBody=" + URLEncoder.encode(messageBody, StandardCharsets.UTF_8);
    }

    /** A SendMessage as the SDK signs it with this key, at the time {@code clock} says. */
    static SignedRequest sign(TrilogHarness trilog, SqsProtocol protocol, String body, String accessKey,
                              String secretKey, Clock clock) {
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.POST)
                .uri(trilog.sqsEndpoint().resolve("/"));
        if (protocol == SqsProtocol.JSON) {
            request.putHeader("Content-Type", "application/x-amz-json-1.0")
                    .putHeader("X-Amz-Target", "AmazonSQS.SendMessage");
        } else {
            request.putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
        }
        return AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(accessKey, secretKey))
                .request(request.build())
                .payload(ContentStreamProvider.fromUtf8String(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sqs")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(HttpSigner.SIGNING_CLOCK, clock));
    }

    /** The signed request's headers with {@code body}, which may not be the body that was signed. */
    static HttpResponse<String> send(TrilogHarness trilog, SignedRequest signed, String body) throws Exception {
        HttpRequest.Builder http = HttpRequest.newBuilder(URI.create(trilog.sqsEndpoint() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        signed.request().forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(value -> http.header(name, value));
            }
        });
        return HttpClient.newHttpClient().send(http.build(), HttpResponse.BodyHandlers.ofString());
    }
}
