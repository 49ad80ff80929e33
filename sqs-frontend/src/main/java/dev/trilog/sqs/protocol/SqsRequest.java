package dev.trilog.sqs.protocol;

import java.util.Objects;

/**
 * One decoded SQS request, whichever wire protocol carried it.
 *
 * @param action    what is asked
 * @param params    the request members in the JSON request shape
 * @param host      the host (and port) queue URLs in the answer name: the client's {@code Host} header
 *                  unless the server is configured with a fixed one
 * @param requestId the id the answer carries ({@code x-amzn-RequestId}, {@code ResponseMetadata/RequestId})
 */
public record SqsRequest(SqsAction action, SqsParams params, String host, String requestId) {

    public SqsRequest {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(host, "host");
    }
}
