package dev.trilog.kafka.protocol;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
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
        return Reply.of(body.getErrorResponse(0, cause));
    }
}
