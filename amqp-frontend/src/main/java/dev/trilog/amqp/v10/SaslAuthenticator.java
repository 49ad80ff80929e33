package dev.trilog.amqp.v10;

import java.nio.charset.StandardCharsets;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.SaslListener;
import org.apache.qpid.proton.engine.Transport;

/**
 * The server side of the SASL layer: offers {@link #MECHANISMS} and, until security lands,
 * accepts any PLAIN credentials and ANONYMOUS; the user name is kept for logs. A mechanism not
 * offered fails the negotiation with {@code auth} (the client reports an authentication failure).
 */
final class SaslAuthenticator implements SaslListener {

    /** What is offered, in the order clients should prefer; a later security issue checks them. */
    static final String[] MECHANISMS = {"PLAIN", "ANONYMOUS"};

    private String user;

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
                user = plainUser(response);
                sasl.done(Sasl.SaslOutcome.PN_SASL_OK);
            }
            case "ANONYMOUS" -> {
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
