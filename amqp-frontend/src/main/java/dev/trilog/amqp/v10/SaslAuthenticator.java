package dev.trilog.amqp.v10;

import dev.trilog.frontend.auth.PasswordLogins;
import java.nio.charset.StandardCharsets;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.SaslListener;
import org.apache.qpid.proton.engine.Transport;

/**
 * The server side of the SASL layer. With logins checked ({@code amqp.auth=users}) it offers
 * PLAIN only and checks the name and password against the user store — a wrong password or an
 * unknown user gets the outcome {@code auth}, which clients report as an authentication failure.
 * Otherwise it offers PLAIN and ANONYMOUS and accepts any credentials. A mechanism not offered
 * fails with {@code auth} too.
 *
 * <p>The check (a PBKDF2 derivation, milliseconds) runs on the event loop, inside proton's
 * processing of sasl-init: a client may send its AMQP header right behind sasl-init, and proton
 * hands those bytes on only once the outcome is set.
 */
final class SaslAuthenticator implements SaslListener {

    /** What is offered when any credentials are accepted, in the order clients should prefer. */
    static final String[] MECHANISMS = {"PLAIN", "ANONYMOUS"};
    /** What is offered when logins are checked. */
    static final String[] CHECKED_MECHANISMS = {"PLAIN"};

    private final PasswordLogins logins;
    /** Told whether each checked login was accepted (the metrics). */
    private final java.util.function.Consumer<Boolean> outcomes;
    private String user;

    SaslAuthenticator(PasswordLogins logins, java.util.function.Consumer<Boolean> outcomes) {
        this.logins = logins;
        this.outcomes = outcomes;
    }

    String[] mechanisms() {
        return logins.required() ? CHECKED_MECHANISMS : MECHANISMS;
    }

    /** The authenticated user, or null before the outcome (and for ANONYMOUS: {@code anonymous}). */
    String user() {
        return user;
    }

    @Override
    public void onSaslInit(Sasl sasl, Transport transport) {
        String[] mechanisms = sasl.getRemoteMechanisms();
        String mechanism = mechanisms.length == 0 ? "" : mechanisms[0];
        byte[] response = new byte[Math.max(0, sasl.pending())];
        if (response.length > 0) {
            sasl.recv(response, 0, response.length);
        }
        switch (mechanism) {
            case "PLAIN" -> {
                String name = plainUser(response);
                boolean accepted = logins.check(name, plainPassword(response));
                if (logins.required()) {
                    outcomes.accept(accepted);
                }
                if (accepted) {
                    user = name;
                    sasl.done(Sasl.SaslOutcome.PN_SASL_OK);
                } else {
                    sasl.done(Sasl.SaslOutcome.PN_SASL_AUTH);
                }
            }
            case "ANONYMOUS" -> {
                if (logins.required()) {
                    sasl.done(Sasl.SaslOutcome.PN_SASL_AUTH);
                    return;
                }
                user = "anonymous";
                sasl.done(Sasl.SaslOutcome.PN_SASL_OK);
            }
            default -> sasl.done(Sasl.SaslOutcome.PN_SASL_AUTH);
        }
    }

    /** PLAIN's response is {@code authzid NUL authcid NUL password}; the user is the authcid. */
    static String plainUser(byte[] response) {
        int first = indexOf(response, 0);
        int second = first < 0 ? -1 : indexOf(response, first + 1);
        if (second < 0) {
            return "";
        }
        return new String(response, first + 1, second - first - 1, StandardCharsets.UTF_8);
    }

    /** PLAIN's password: what follows the second NUL. */
    static String plainPassword(byte[] response) {
        int first = indexOf(response, 0);
        int second = first < 0 ? -1 : indexOf(response, first + 1);
        return second < 0 ? "" : new String(response, second + 1, response.length - second - 1, StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void onSaslResponse(Sasl sasl, Transport transport) {
        sasl.done(Sasl.SaslOutcome.PN_SASL_AUTH); // no mechanism offered needs a second round
    }

    @Override
    public void onSaslMechanisms(Sasl sasl, Transport transport) {
    }

    @Override
    public void onSaslChallenge(Sasl sasl, Transport transport) {
    }

    @Override
    public void onSaslOutcome(Sasl sasl, Transport transport) {
    }
}
