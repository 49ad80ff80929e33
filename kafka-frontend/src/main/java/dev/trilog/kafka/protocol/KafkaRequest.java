package dev.trilog.kafka.protocol;

import java.util.List;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.DescribeUserScramCredentialsRequest;
import org.apache.kafka.common.requests.RequestContext;

/**
 * One decoded request: its context (header, client address, client software) and body.
 *
 * @param context the kafka-clients request context, which also builds the response bytes
 * @param body    the request, as kafka-clients' generated classes read it
 */
public record KafkaRequest(RequestContext context, AbstractRequest body) {

    public ApiKeys apiKey() {
        return context.header.apiKey();
    }

    public short version() {
        return context.header.apiVersion();
    }

    public String clientId() {
        return context.header.clientId();
    }

    /** The request's own error answer, for a failure that is not the handler's to word. */
    public Reply error(Throwable cause) {
        return Reply.of(answerable().getErrorResponse(0, cause));
    }

    /**
     * The body as kafka-clients' {@code getErrorResponse} can answer it. A DescribeUserScramCredentials
     * for every user (null users, as the protocol allows) made it throw NullPointerException — a
     * refusal then never reached the client, and the connection's later answers waited behind it
     * (a fuzz run found it); with no users named, the error is the response's own, with no results.
     */
    private AbstractRequest answerable() {
        if (body instanceof DescribeUserScramCredentialsRequest describe && describe.data().users() == null) {
            return new DescribeUserScramCredentialsRequest.Builder(describe.data().duplicate().setUsers(List.of()))
                    .build(version());
        }
        return body;
    }
}
