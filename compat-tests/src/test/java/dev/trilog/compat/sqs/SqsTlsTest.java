package dev.trilog.compat.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.compat.TrilogHarness;
import dev.trilog.testsupport.TestTls;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The SQS port over HTTPS ({@code sqs.tls.*}), with aws-sdk-java-v2 trusting the test CA as a
 * user's would trust theirs: every call works, queue URLs say {@code https}, and a client that
 * does not trust the certificate fails before sending anything.
 */
class SqsTlsTest {

    @TempDir
    Path dir;
    TrilogHarness trilog;

    @AfterEach
    void stop() {
        if (trilog != null) {
            trilog.close();
        }
    }

    private URI startHttps() {
        TestTls tls = TestTls.writeTo(dir.resolve("tls"));
        trilog = TrilogHarness.start(dir.resolve("data"), "sqs.tls.certificate", tls.certificate().toString(),
                "sqs.tls.private-key", tls.privateKey().toString());
        return URI.create("https://127.0.0.1:" + trilog.gateway().listener("sqs").boundAddress().getPort());
    }

    private SqsClient client(URI endpoint, TrustManagerFactory trust) {
        ApacheHttpClient.Builder http = ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(30));
        if (trust != null) {
            http.tlsTrustManagersProvider(trust::getTrustManagers);
        }
        return SqsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "secret")))
                .httpClientBuilder(http).build();
    }

    private TrustManagerFactory trusting(Path ca) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream in = Files.newInputStream(ca)) {
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        return trust;
    }

    @Test
    void theSdkSendsAndReceivesOverHttpsAndQueueUrlsSayHttps() throws Exception {
        URI endpoint = startHttps();
        try (SqsClient sqs = client(endpoint, trusting(dir.resolve("tls").resolve("ca.crt")))) {
            String url = sqs.createQueue(r -> r.queueName("secure")).queueUrl();
            assertThat(url).isEqualTo(endpoint + "/000000000000/secure");
            sqs.sendMessage(r -> r.queueUrl(url).messageBody("over tls"));
            Message received = sqs.receiveMessage(r -> r.queueUrl(url).waitTimeSeconds(10)).messages().get(0);
            assertThat(received.body()).isEqualTo("over tls");
            sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(received.receiptHandle()));
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateFailsTheHandshake() {
        URI endpoint = startHttps();
        try (SqsClient sqs = client(endpoint, null)) {
            assertThatThrownBy(() -> sqs.listQueues()).isInstanceOf(SdkClientException.class)
                    .hasRootCauseMessage("unable to find valid certification path to requested target");
        }
        assertThat(trilog.gateway().queueLayer().topology().queues()).isEmpty();
    }
}
