package dev.trilog.compat.sqs;

import static dev.trilog.compat.sqs.SqsQueueActionsTest.errorCode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.TrilogHarness;
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
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
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
            String body = SignedSqsRequests.sendMessageBody(protocol, url, "pay 10");

            HttpResponse<String> genuine = send(trilog, signed(trilog, body, Clock.systemUTC()), body);
            assertThat(genuine.statusCode()).as(genuine.body()).isEqualTo(200);

            HttpResponse<String> forged = send(trilog, signed(trilog, body, Clock.systemUTC()), body.replace("10", "99"));
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

    private SignedRequest signed(TrilogHarness trilog, String body, Clock clock) {
        return SignedSqsRequests.sign(trilog, protocol, body, SqsClients.ACCESS_KEY, SqsClients.SECRET_KEY, clock);
    }

    private static HttpResponse<String> send(TrilogHarness trilog, SignedRequest signed, String body) throws Exception {
        return SignedSqsRequests.send(trilog, signed, body);
    }
}
