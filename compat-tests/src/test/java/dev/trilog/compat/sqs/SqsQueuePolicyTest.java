package dev.trilog.compat.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.TrilogHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Queue policies enforced for the access key that signed each request, over each wire protocol:
 * three keys, of which OWNER is the owner key ({@code sqs.owner-keys}); KEYA and KEYB need an
 * Allow on a queue that has a Policy. A refusal is {@code AccessDenied} (403) and changes nothing.
 */
@ParameterizedClass
@EnumSource(SqsProtocol.class)
class SqsQueuePolicyTest {

    private static final String ACCOUNT = "000000000000";

    @Parameter
    SqsProtocol protocol;

    @TempDir
    static Path dataDir;
    static TrilogHarness trilog;
    static SqsClient owner;
    static SqsClient keyA;
    static SqsClient keyB;

    @BeforeParameterizedClassInvocation
    static void start(SqsProtocol protocol) throws IOException {
        trilog = TrilogHarness.start(Files.createDirectories(dataDir.resolve(protocol.name())),
                "sqs.access-keys", "OWNER:owner-secret,KEYA:a-secret,KEYB:b-secret", "sqs.owner-keys", "OWNER");
        owner = protocol.sync(trilog, "OWNER", "owner-secret");
        keyA = protocol.sync(trilog, "KEYA", "a-secret");
        keyB = protocol.sync(trilog, "KEYB", "b-secret");
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        owner.close();
        keyA.close();
        keyB.close();
        trilog.close();
    }

    private static String arn(String queue) {
        return "arn:aws:sqs:us-east-1:" + ACCOUNT + ":" + queue;
    }

    private static String statement(String effect, String principal, String actions, String queue) {
        return "{\"Effect\":\"" + effect + "\",\"Principal\":{\"AWS\":" + principal + "},\"Action\":" + actions
                + ",\"Resource\":\"" + arn(queue) + "\"}";
    }

    private static String queueWithPolicy(String name, String... statements) {
        String url = owner.createQueue(b -> b.queueName(name)).queueUrl();
        owner.setQueueAttributes(b -> b.queueUrl(url).attributesWithStrings(Map.of("Policy",
                "{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}")));
        return url;
    }

    private static long messages(String url) {
        return Long.parseLong(owner.getQueueAttributes(b -> b.queueUrl(url)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributesAsStrings()
                .get("ApproximateNumberOfMessages"));
    }

    /** The call fails as SQS refuses it: AccessDenied, HTTP 403. */
    private static void assertDenied(SqsClient client, Consumer<SqsClient> call) {
        try {
            call.accept(client);
        } catch (AwsServiceException e) {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
            assertThat(e.statusCode()).isEqualTo(403);
            return;
        }
        throw new AssertionError("the call succeeded");
    }

    @Test
    void aPolicyAllowingKeyALetsItSendAndKeyBIsDeniedWithNothingSent() {
        String url = queueWithPolicy("allow-a", statement("Allow", "\"KEYA\"",
                "[\"sqs:SendMessage\",\"sqs:ReceiveMessage\"]", "allow-a"));
        keyA.sendMessage(b -> b.queueUrl(url).messageBody("from A"));
        assertDenied(keyB, c -> c.sendMessage(b -> b.queueUrl(url).messageBody("from B")));
        assertDenied(keyB, c -> c.sendMessageBatch(b -> b.queueUrl(url).entries(e -> e.id("1").messageBody("batch B"))));
        assertDenied(keyB, c -> c.receiveMessage(b -> b.queueUrl(url)));
        assertDenied(keyB, c -> c.purgeQueue(b -> b.queueUrl(url)));
        assertDenied(keyB, c -> c.deleteQueue(b -> b.queueUrl(url)));
        assertDenied(keyB, c -> c.setQueueAttributes(b -> b.queueUrl(url)
                .attributesWithStrings(Map.of("Policy", ""))));
        assertDenied(keyA, c -> c.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL)));

        assertThat(messages(url)).as("B's messages were not sent").isEqualTo(1);
        var received = keyA.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)).messages();
        assertThat(received).extracting(m -> m.body()).containsExactly("from A");
        assertDenied(keyA, c -> c.deleteMessage(b -> b.queueUrl(url).receiptHandle(received.get(0).receiptHandle())));
        owner.deleteMessage(b -> b.queueUrl(url).receiptHandle(received.get(0).receiptHandle()));
        assertThat(owner.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.POLICY))
                .attributesAsStrings().get("Policy")).contains("KEYA");
    }

    /** The refusal on the wire, as SQS sends it in each protocol (what the SDKs above turned into AccessDenied). */
    @Test
    void theRefusalIsSqsOwnAccessDeniedOnTheWire() throws Exception {
        String url = queueWithPolicy("wire", statement("Allow", "\"KEYA\"", "\"sqs:SendMessage\"", "wire"));
        String body = SignedSqsRequests.sendMessageBody(protocol, url, "from B");
        HttpResponse<String> refused = SignedSqsRequests.send(trilog,
                SignedSqsRequests.sign(trilog, protocol, body, "KEYB", "b-secret", Clock.systemUTC()), body);
        assertThat(refused.statusCode()).isEqualTo(403);
        String message = "Access to the resource " + url + " is denied.";
        if (protocol == SqsProtocol.JSON) {
            assertThat(refused.body()).contains("\"__type\":\"com.amazon.coral.service#AccessDeniedException\"", message);
            assertThat(refused.headers().firstValue("x-amzn-query-error")).hasValue("AccessDenied;Sender");
        } else {
            assertThat(refused.body()).contains("<Type>Sender</Type><Code>AccessDenied</Code><Message>" + message);
        }
        assertThat(messages(url)).isZero();
    }

    @Test
    void anExplicitDenyWinsOverAnAllow() {
        String url = queueWithPolicy("deny-wins", statement("Allow", "\"*\"", "\"sqs:*\"", "deny-wins"),
                statement("Deny", "[\"arn:aws:iam::000000000000:user/KEYB\"]", "\"sqs:Send*\"", "deny-wins"));
        keyA.sendMessage(b -> b.queueUrl(url).messageBody("from A"));
        assertDenied(keyB, c -> c.sendMessage(b -> b.queueUrl(url).messageBody("from B")));
        assertThat(keyB.receiveMessage(b -> b.queueUrl(url)).messages()).extracting(m -> m.body())
                .containsExactly("from A");
    }

    @Test
    void addPermissionGrantsAndRemovePermissionTakesAway() {
        String url = owner.createQueue(b -> b.queueName("granted")).queueUrl();
        keyA.sendMessage(b -> b.queueUrl(url).messageBody("no policy: every key may"));
        owner.addPermission(b -> b.queueUrl(url).label("b-sends").awsAccountIds("KEYB").actions("SendMessage"));
        keyB.sendMessage(b -> b.queueUrl(url).messageBody("granted to B"));
        assertDenied(keyA, c -> c.sendMessage(b -> b.queueUrl(url).messageBody("A is not granted")));
        String policy = owner.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.POLICY))
                .attributesAsStrings().get("Policy");
        assertThat(policy).contains("\"Sid\":\"b-sends\"", "\"SQS:SendMessage\"", "KEYB", arn("granted"));

        owner.removePermission(b -> b.queueUrl(url).label("b-sends"));
        assertDenied(keyB, c -> c.sendMessage(b -> b.queueUrl(url).messageBody("taken away")));
        assertThat(messages(url)).isEqualTo(2);
    }

    @Test
    void aPolicyTrilogCannotEnforceIsRefusedAndTheQueueKeepsItsOwn() {
        String url = queueWithPolicy("kept", statement("Allow", "\"KEYA\"", "\"sqs:*\"", "kept"));
        try {
            owner.setQueueAttributes(b -> b.queueUrl(url).attributesWithStrings(Map.of("Policy",
                    "{\"Statement\":[{\"Effect\":\"Allow\",\"NotPrincipal\":{\"AWS\":\"KEYB\"},\"Action\":\"sqs:*\"}]}")));
            throw new AssertionError("the call succeeded");
        } catch (AwsServiceException e) {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidAttributeValue");
        }
        assertDenied(keyB, c -> c.sendMessage(b -> b.queueUrl(url).messageBody("still not B")));
        keyA.sendMessage(b -> b.queueUrl(url).messageBody("still A"));
    }
}
