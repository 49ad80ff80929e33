package dev.trilog.kafka.security;

import dev.trilog.frontend.auth.ScramMechanism;
import dev.trilog.frontend.auth.UserStore;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.security.plain.PlainAuthenticateCallback;
import org.apache.kafka.common.security.plain.internals.PlainSaslServer;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.ScramCredentialCallback;
import org.apache.kafka.common.security.scram.internals.ScramSaslServer;

/**
 * Kafka's own SASL servers — {@code PlainSaslServer} and {@code ScramSaslServer} from
 * kafka-clients, the ones a Kafka broker runs, so the exchange and its error messages are
 * Kafka's — fed from the {@link UserStore} through their callbacks. The one class here that
 * imports kafka-clients' {@code security.*.internals}, so an upgrade that moves them breaks here only.
 *
 * <p>A SCRAM login by an unknown user is handed a decoy credential ({@link UserStore#scramCredentialOrDecoy}):
 * Kafka's server would otherwise refuse it at the first message, and a wrong password only at
 * the second, telling a guesser which names exist.
 */
final class KafkaSaslServers {

    private KafkaSaslServers() {
    }

    /** A server for one exchange of {@code mechanism} (one of {@link SaslSettings#SUPPORTED}). */
    static SaslServer create(String mechanism, UserStore users) {
        if (mechanism.equals(PlainSaslServer.PLAIN_MECHANISM)) {
            return new PlainSaslServer(callbacks(users, null));
        }
        ScramMechanism ours = ScramMechanism.forName(mechanism)
                .orElseThrow(() -> new IllegalArgumentException("not a SASL mechanism Trilog offers: " + mechanism));
        try {
            return new ScramSaslServer(org.apache.kafka.common.security.scram.internals.ScramMechanism
                    .forMechanismName(mechanism), Map.of(), callbacks(users, ours));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(mechanism + "'s digest is in every JDK", e);
        }
    }

    private static CallbackHandler callbacks(UserStore users, ScramMechanism scram) {
        return callbacks -> {
            String name = null;
            for (Callback callback : callbacks) {
                if (callback instanceof NameCallback named) {
                    name = named.getDefaultName();
                } else if (callback instanceof PlainAuthenticateCallback plain) {
                    plain.authenticated(users.authenticatePlain(name, new String(plain.password())));
                } else if (callback instanceof ScramCredentialCallback credential && scram != null
                        && credential.getClass() == ScramCredentialCallback.class) {
                    var stored = users.scramCredentialOrDecoy(name, scram);
                    credential.scramCredential(new ScramCredential(stored.salt(), stored.storedKey(),
                            stored.serverKey(), stored.iterations()));
                } else {
                    // delegation tokens, among others: not offered
                    throw new UnsupportedCallbackException(callback);
                }
            }
        };
    }
}
