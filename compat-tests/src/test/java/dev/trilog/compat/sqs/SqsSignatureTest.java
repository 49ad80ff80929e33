package dev.trilog.compat.sqs;

import static dev.trilog.compat.sqs.SqsQueueActionsTest.errorCode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.TrilogHarness;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.sqs.SqsClient;

/** With access keys configured, requests are verified with Signature V4, over each wire protocol. */
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
}
