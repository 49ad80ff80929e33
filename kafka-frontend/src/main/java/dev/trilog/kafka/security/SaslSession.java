package dev.trilog.kafka.security;

import dev.trilog.frontend.auth.UserStore;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslAuthenticateResponse;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.requests.SaslHandshakeResponse;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * The SASL state of one connection on a {@code SASL_PLAINTEXT} or {@code SASL_SSL} listener, as
 * Kafka's {@code SaslServerAuthenticator} keeps it:
 *
 * <pre>
 *   HANDSHAKE ─SaslHandshake(offered mechanism)─▶ AUTHENTICATE ─SaslAuthenticate…(complete)─▶ AUTHENTICATED
 *       │ ApiVersions: answered                       │ refused: SASL_AUTHENTICATION_FAILED, then closed
 *       │ anything else: closed                       │ anything else: closed
 *   AUTHENTICATED ─SaslHandshake(same mechanism)─▶ REAUTHENTICATE ─complete, same principal─▶ AUTHENTICATED
 *       │ every API served while the session lasts (connections.max.reauth.ms); after it, anything
 *       │ but SaslHandshake closes the connection (KIP-368)
 * </pre>
 *
 * After a SaslHandshake v0 (clients before Kafka 1.0) the exchange goes on in raw SASL tokens,
 * each a size-prefixed frame without a Kafka header ({@link #expectsRawToken}, {@link #handleRaw}),
 * and a refusal closes the connection without an answer, as Kafka does; such a client cannot
 * re-authenticate, so its connection is closed when the session ends. Touched only on the
 * connection's event loop; the SASL evaluation itself (a PBKDF2 derivation for PLAIN) runs on
 * {@code evaluator}, off the loop.
 */
public final class SaslSession {

    /** What to do with a request in the session's state. */
    public enum Admission {
        /** Serve it through the API table. */
        SERVE,
        /** It is this session's: {@link #handle}. */
        AUTHENTICATION,
        /** Close the connection unanswered, as Kafka does. */
        CLOSE
    }

    private enum State { HANDSHAKE, AUTHENTICATE, AUTHENTICATED, REAUTHENTICATE, FAILED }

    /** A SASL request's answer, and whether the connection closes once it is written. */
    public record Answer(Reply reply, boolean close) {
    }

    /** The answer to a raw token: the challenge to send (none when refused), and whether the connection closes. */
    public record RawAnswer(byte[] challenge, boolean close) {
    }

    private final SaslSettings settings;
    private final UserStore users;
    private final Executor evaluator;
    private final LongSupplier nanoClock;
    /** Told each login's mechanism and outcome (for the metrics). */
    private final BiConsumer<String, Boolean> outcomes;
    private State state = State.HANDSHAKE;
    private String mechanism;
    private SaslServer server;
    private KafkaPrincipal principal = KafkaPrincipal.ANONYMOUS;
    /** When the session ends (System.nanoTime), or 0 for never. */
    private long expiresAtNanos;
    /** The handshake was v0: the tokens come raw, without Kafka headers. */
    private boolean rawTokens;

    /** @param outcomes told each completed or refused login's mechanism and whether it was accepted */
    public SaslSession(SaslSettings settings, UserStore users, Executor evaluator, LongSupplier nanoClock,
            BiConsumer<String, Boolean> outcomes) {
        this.outcomes = outcomes;
        this.settings = settings;
        this.users = users;
        this.evaluator = evaluator;
        this.nanoClock = nanoClock;
    }

    /** Who the client is: {@code User:name} once authenticated, ANONYMOUS before. */
    public KafkaPrincipal principal() {
        return principal;
    }

    /** Whether the next frame is a raw SASL token (after a SaslHandshake v0), not a Kafka request. */
    public boolean expectsRawToken() {
        return rawTokens && state == State.AUTHENTICATE;
    }

    /** Whether a request of {@code key} is served, handled here, or closes the connection. */
    public Admission admit(ApiKeys key) {
        return switch (state) {
            case HANDSHAKE -> key == ApiKeys.API_VERSIONS ? Admission.SERVE
                    : key == ApiKeys.SASL_HANDSHAKE ? Admission.AUTHENTICATION : Admission.CLOSE;
            case AUTHENTICATE, REAUTHENTICATE -> key == ApiKeys.SASL_AUTHENTICATE ? Admission.AUTHENTICATION
                    : Admission.CLOSE;
            case AUTHENTICATED -> key == ApiKeys.SASL_HANDSHAKE ? Admission.AUTHENTICATION
                    : expired() ? Admission.CLOSE : Admission.SERVE;
            case FAILED -> Admission.CLOSE;
        };
    }

    /** Whether the session's lifetime is over: the client should have re-authenticated. */
    public boolean expired() {
        return expiresAtNanos != 0 && nanoClock.getAsLong() - expiresAtNanos > 0;
    }

    /**
     * Answers a SaslHandshake or SaslAuthenticate admitted as {@link Admission#AUTHENTICATION};
     * the future completes on {@code loop}, where the session's state changes.
     */
    public CompletableFuture<Answer> handle(KafkaRequest request, Executor loop) {
        if (request.apiKey() == ApiKeys.SASL_HANDSHAKE) {
            return delayedIfRefused(handshake((SaslHandshakeRequest) request.body(), request.version()), loop);
        }
        SaslServer exchange = server;
        byte[] token = ((SaslAuthenticateRequest) request.body()).data().authBytes();
        String during = state == State.REAUTHENTICATE ? "re-authentication" : "authentication";
        return CompletableFuture.supplyAsync(() -> evaluate(exchange, token, during), evaluator)
                .thenApplyAsync(this::conclude, loop).thenCompose(answer -> delayedIfRefused(answer, loop));
    }

    /** A refusal is answered after connection.failed.authentication.delay.ms, as Kafka does, to slow a guesser. */
    private CompletableFuture<Answer> delayedIfRefused(Answer answer, Executor loop) {
        int delayMs = settings.failedAuthenticationDelayMs();
        if (!answer.close() || delayMs == 0) {
            return CompletableFuture.completedFuture(answer);
        }
        return CompletableFuture.supplyAsync(() -> answer,
                CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS, loop));
    }

    private Answer handshake(SaslHandshakeRequest request, short version) {
        String asked = request.data().mechanism();
        SaslHandshakeResponseData data = new SaslHandshakeResponseData().setMechanisms(settings.mechanisms());
        boolean reauthenticating = state == State.AUTHENTICATED;
        if (version < 1 && reauthenticating) {
            // re-authentication is SaslAuthenticate v1+ only (KIP-368)
            state = State.FAILED;
            return new Answer(Reply.of(new SaslHandshakeResponse(data.setErrorCode(Errors.ILLEGAL_SASL_STATE.code()))),
                    true);
        }
        rawTokens = version < 1;
        if (!settings.mechanisms().contains(asked) || (reauthenticating && !asked.equals(mechanism))) {
            // a re-authentication may not switch mechanisms (Kafka's rule); either way the connection ends
            state = State.FAILED;
            return new Answer(Reply.of(new SaslHandshakeResponse(
                    data.setErrorCode(Errors.UNSUPPORTED_SASL_MECHANISM.code()))), true);
        }
        mechanism = asked;
        server = KafkaSaslServers.create(asked, users);
        state = reauthenticating ? State.REAUTHENTICATE : State.AUTHENTICATE;
        return new Answer(Reply.of(new SaslHandshakeResponse(data.setErrorCode(Errors.NONE.code()))), false);
    }

    /**
     * One raw token of an exchange begun with SaslHandshake v0; the future completes on
     * {@code loop}. A refusal has no answer: the connection closes, after the failed-login delay.
     */
    public CompletableFuture<RawAnswer> handleRaw(byte[] token, Executor loop) {
        SaslServer exchange = server;
        return CompletableFuture.supplyAsync(() -> evaluate(exchange, token, "authentication"), evaluator)
                .thenApplyAsync(this::conclude, loop)
                .thenCompose(answer -> delayedIfRefused(answer, loop))
                .thenApply(answer -> answer.close() ? new RawAnswer(null, true)
                        : new RawAnswer(((SaslAuthenticateResponse) answer.reply().response()).data().authBytes(), false));
    }

    /** One step of the exchange, off the event loop: its challenge, or why it failed. */
    private Step evaluate(SaslServer exchange, byte[] token, String during) {
        try {
            byte[] challenge = exchange.evaluateResponse(token);
            return new Step(challenge == null ? new byte[0] : challenge, exchange.isComplete()
                    ? exchange.getAuthorizationID() : null, null);
        } catch (SaslAuthenticationException e) {
            return new Step(null, null, e.getMessage()); // worded for the client by Kafka's server
        } catch (SaslException | RuntimeException e) {
            // never the cause's text: it may say whether the user exists
            return new Step(null, null, "Authentication failed during " + during
                    + " due to invalid credentials with SASL mechanism " + exchange.getMechanismName());
        }
    }

    private record Step(byte[] challenge, String authorizationId, String failure) {
    }

    private Answer conclude(Step step) {
        if (step.failure == null && step.authorizationId != null && state == State.REAUTHENTICATE
                && !step.authorizationId.equals(principal.getName())) {
            outcomes.accept(mechanism, false);
            return refuse("Cannot change principals during re-authentication from " + principal + ": "
                    + new KafkaPrincipal(KafkaPrincipal.USER_TYPE, step.authorizationId));
        }
        if (step.failure != null) {
            outcomes.accept(mechanism, false);
            return refuse(step.failure);
        }
        long lifetimeMs = 0;
        if (step.authorizationId != null) {
            outcomes.accept(mechanism, true);
            principal = new KafkaPrincipal(KafkaPrincipal.USER_TYPE, step.authorizationId);
            state = State.AUTHENTICATED;
            server = null;
            lifetimeMs = settings.maxReauthMs();
            expiresAtNanos = lifetimeMs == 0 ? 0 : nanoClock.getAsLong() + TimeUnit.MILLISECONDS.toNanos(lifetimeMs);
        }
        return new Answer(Reply.of(new SaslAuthenticateResponse(new SaslAuthenticateResponseData()
                .setErrorCode(Errors.NONE.code()).setAuthBytes(step.challenge).setSessionLifetimeMs(lifetimeMs))), false);
    }

    private Answer refuse(String message) {
        state = State.FAILED;
        server = null;
        principal = KafkaPrincipal.ANONYMOUS;
        return new Answer(Reply.of(new SaslAuthenticateResponse(new SaslAuthenticateResponseData()
                .setErrorCode(Errors.SASL_AUTHENTICATION_FAILED.code()).setErrorMessage(message))), true);
    }
}
