package dev.trilog.sqs.protocol;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * One decoded SQS request, whichever wire protocol carried it.
 *
 * @param action    what is asked
 * @param params    the request members in the JSON request shape
 * @param host      the host (and port) queue URLs in the answer name: the client's {@code Host} header
 *                  unless the server is configured with a fixed one
 * @param requestId the id the answer carries ({@code x-amzn-RequestId}, {@code ResponseMetadata/RequestId})
 * @param answerOn  where an answer that has to wait (a long poll) is put together once it is ready:
 *                  the connection's I/O thread, which then writes it without another hand-off
 * @param caller    the access key id whose signature the request carries (verified when access keys
 *                  are configured), or null for an unsigned request: who queue policies judge
 */
public record SqsRequest(SqsAction action, SqsParams params, String host, String requestId, Executor answerOn,
                         String caller) {

    public SqsRequest {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(answerOn, "answerOn");
    }

    public SqsRequest(SqsAction action, SqsParams params, String host, String requestId, Executor answerOn) {
        this(action, params, host, requestId, answerOn, null);
    }

    /** A request with no connection of its own (tests, internal callers): later answers on the common pool. */
    public SqsRequest(SqsAction action, SqsParams params, String host, String requestId) {
        this(action, params, host, requestId, ForkJoinPool.commonPool());
    }

    /** The same request, sent by {@code accessKeyId}. */
    public SqsRequest withCaller(String accessKeyId) {
        return new SqsRequest(action, params, host, requestId, answerOn, accessKeyId);
    }
}
