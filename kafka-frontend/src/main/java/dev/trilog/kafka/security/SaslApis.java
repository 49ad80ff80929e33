package dev.trilog.kafka.security;

import dev.trilog.kafka.protocol.ApiTable;
import dev.trilog.kafka.protocol.Reply;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.SaslAuthenticateResponse;
import org.apache.kafka.common.requests.SaslHandshakeResponse;

/**
 * SaslHandshake and SaslAuthenticate as the API table answers them: only when no
 * {@link SaslSession} takes them — on a listener without SASL, or a SaslAuthenticate after the
 * login — with {@code ILLEGAL_SASL_STATE}, as Kafka's request handler does. Registered so
 * ApiVersions advertises them, as every Kafka broker does.
 */
public final class SaslApis {

    private SaslApis() {
    }

    public static void register(ApiTable table) {
        table.register(ApiKeys.SASL_HANDSHAKE, request -> CompletableFuture.completedFuture(Reply.of(
                        new SaslHandshakeResponse(new SaslHandshakeResponseData()
                                .setErrorCode(Errors.ILLEGAL_SASL_STATE.code())))))
                .register(ApiKeys.SASL_AUTHENTICATE, request -> CompletableFuture.completedFuture(Reply.of(
                        new SaslAuthenticateResponse(new SaslAuthenticateResponseData()
                                .setErrorCode(Errors.ILLEGAL_SASL_STATE.code())
                                .setErrorMessage("SaslAuthenticate request received after successful authentication")))));
    }
}
