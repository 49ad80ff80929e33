package dev.trilog.compat.sqs;

import dev.trilog.compat.TrilogHarness;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * aws-sdk-java-v2 SQS clients pointed at an in-process gateway (the sync one at any endpoint too):
 * the sync client over Apache HTTP and the async client over Netty, with the SDK's defaults
 * otherwise — in particular its MD5 checks of bodies and attributes, which fail a call whose
 * digests are wrong. They speak AWS JSON 1.0; {@link SqsProtocol} has them and the Query-protocol
 * clients side by side.
 */
public final class SqsClients {

    static final String ACCESS_KEY = "AKIDTRILOGTEST";
    static final String SECRET_KEY = "trilog-test-secret";

    private SqsClients() {
    }

    public static SqsClient sync(TrilogHarness trilog) {
        return sync(trilog, ACCESS_KEY, SECRET_KEY);
    }

    /** The sync client for any SQS endpoint (one node of a cluster started as processes, say). */
    public static SqsClient sync(URI endpoint) {
        return sync(endpoint, ACCESS_KEY, SECRET_KEY);
    }

    static SqsClient sync(TrilogHarness trilog, String accessKey, String secretKey) {
        return sync(trilog.sqsEndpoint(), accessKey, secretKey);
    }

    private static SqsClient sync(URI endpoint, String accessKey, String secretKey) {
        return SqsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(30)))
                .build();
    }

    static SqsAsyncClient async(TrilogHarness trilog) {
        return SqsAsyncClient.builder()
                .endpointOverride(trilog.sqsEndpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().readTimeout(Duration.ofSeconds(30)))
                .build();
    }
}
