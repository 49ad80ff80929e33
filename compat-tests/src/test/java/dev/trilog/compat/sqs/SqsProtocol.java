package dev.trilog.compat.sqs;

import dev.trilog.compat.TrilogHarness;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The two wire protocols SQS clients speak, each with a real client that speaks it behind the one
 * client interface the suites are written against; the suites run once per protocol
 * ({@code @ParameterizedClass @EnumSource(SqsProtocol.class)}), as ElasticMQ's run per SDK.
 */
enum SqsProtocol {

    /** AWS JSON 1.0: aws-sdk-java-v2, as every current SDK and the aws CLI v2 speak it. */
    JSON {
        @Override
        SqsClient sync(TrilogHarness trilog, String accessKey, String secretKey) {
            return SqsClients.sync(trilog, accessKey, secretKey);
        }

        @Override
        SqsAsyncClient async(TrilogHarness trilog) {
            return SqsClients.async(trilog);
        }
    },

    /** Query (form-encoded, XML answers): aws-java-sdk-sqs 1.12.583, as older SDKs and CLIs speak it. */
    QUERY {
        @Override
        SqsClient sync(TrilogHarness trilog, String accessKey, String secretKey) {
            return QuerySqsClient.create(trilog.sqsEndpoint(), accessKey, secretKey);
        }

        @Override
        SqsAsyncClient async(TrilogHarness trilog) {
            return new QuerySqsAsyncClient(QuerySqsClient.create(trilog.sqsEndpoint(), SqsClients.ACCESS_KEY,
                    SqsClients.SECRET_KEY));
        }
    };

    /** A sync client with the compat tests' credentials. */
    SqsClient sync(TrilogHarness trilog) {
        return sync(trilog, SqsClients.ACCESS_KEY, SqsClients.SECRET_KEY);
    }

    abstract SqsClient sync(TrilogHarness trilog, String accessKey, String secretKey);

    abstract SqsAsyncClient async(TrilogHarness trilog);
}
