package dev.trilog.compat.sqs;

import static dev.trilog.compat.sqs.SqsQueueActionsTest.errorCode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.TrilogHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * With access keys configured, requests are verified with Signature V4, over each wire protocol;
 * a request signed by the SDK's own signer and then altered, or signed more than five minutes ago
 * (captured and replayed), is refused and sends nothing.
 */
@ParameterizedClass
@EnumSource(SqsProtocol.class)
class SqsSignatureTest {

    @Parameter
    SqsProtocol protocol;

    @TempDir
    Path dataDir;

    @Test
    void onlyTheConfiguredKeysWithTheirSecretsGetIn() {
        try (TrilogHarness trilog = TrilogHarness.start(dataDir, "sqs.access-keys",
                SqsClients.ACCESS_KEY + ":" + SqsClients.SECRET_KEY + ",OTHERKEY:other-secret")) {
            try (SqsClient good = protocol.sync(trilog)) {
                assertThat(good.createQueue(b -> b.queueName("signed")).queueUrl()).endsWith("/signed");
                good.sendMessage(b -> b.queueUrl(trilog.sqsEndpoint() + "/000000000000/signed").messageBody("é & ü"));
            }
            try (SqsClient wrongSecret = protocol.sync(trilog, SqsClients.ACCESS_KEY, "not-the-secret")) {
                assertThat(errorCode(() -> wrongSecret.listQueues())).isEqualTo("SignatureDoesNotMatch");
            }
            try (SqsClient unknown = protocol.sync(trilog, "AKIDUNKNOWN", "whatever")) {
                assertThat(errorCode(() -> unknown.listQueues())).isEqualTo("InvalidClientTokenId");
            }
        }
    }

    @Test
    void aForgedOrReplayedRequestIsRefusedAndSendsNothing() throws Exception {
        try (TrilogHarness trilog = TrilogHarness.start(dataDir, "sqs.access-keys",
                SqsClients.ACCESS_KEY + ":" + SqsClients.SECRET_KEY);
                SqsClient sqs = protocol.sync(trilog)) {
            String url = sqs.createQueue(b -> b.queueName("guarded")).queueUrl();
            Clock now = Clock.systemUTC();
            String body = protocol == SqsProtocol.JSON
                    ? "{\"QueueUrl\":\"" + url + "\",\"MessageBody\":\"pay 10\"}"
                    : "Action=SendMessage&Version=2012-11-05&QueueUrl=" + java.net.URLEncoder.encode(url,
                            java.nio.charset.StandardCharsets.UTF_8) + "&MessageBody=pay+10";

            HttpResponse<String> genuine = send(trilog, signed(trilog, body, now), body);
            assertThat(genuine.statusCode()).as(genuine.body()).isEqualTo(200);

            HttpResponse<String> forged = send(trilog, signed(trilog, body, now), body.replace("10", "99"));
            assertThat(forged.statusCode()).isEqualTo(403);
            assertThat(forged.body()).contains("SignatureDoesNotMatch");

            Clock sixMinutesAgo = Clock.fixed(Instant.now().minus(Duration.ofMinutes(6)), ZoneOffset.UTC);
            HttpResponse<String> replayed = send(trilog, signed(trilog, body, sixMinutesAgo), body);
            assertThat(replayed.statusCode()).isEqualTo(403);
            assertThat(replayed.body()).contains("SignatureDoesNotMatch", "Signature expired");

            assertThat(sqs.getQueueAttributes(b -> b.queueUrl(url)
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributesAsStrings()
                    .get("ApproximateNumberOfMessages")).as("only the genuine request sent").isEqualTo("1");
        }
    }

    /** A SendMessage as the SDK signs it (aws-sdk-java-v2's SigV4 signer), at the time {@code clock} says. */
    private SignedRequest signed(TrilogHarness trilog, String body, Clock clock) {
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.POST)
                .uri(trilog.sqsEndpoint().resolve("/"));
        if (protocol == SqsProtocol.JSON) {
            request.putHeader("Content-Type", "application/x-amz-json-1.0")
                    .putHeader("X-Amz-Target", "AmazonSQS.SendMessage");
        } else {
            request.putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
        }
        return AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(SqsClients.ACCESS_KEY, SqsClients.SECRET_KEY))
                .request(request.build())
                .payload(ContentStreamProvider.fromUtf8String(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sqs")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(HttpSigner.SIGNING_CLOCK, clock));
    }

    /** The signed request's headers with {@code body}, which may not be the body that was signed. */
    private static HttpResponse<String> send(TrilogHarness trilog, SignedRequest signed, String body) throws Exception {
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
