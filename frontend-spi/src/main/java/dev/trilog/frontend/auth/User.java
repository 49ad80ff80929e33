package dev.trilog.frontend.auth;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A user of the broker: a name and its password kept as one SCRAM credential per mechanism (one at least). */
public record User(String name, Map<ScramMechanism, ScramCredential> credentials) {

    public User {
        Objects.requireNonNull(name, "name");
        credentials = credentials.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(credentials));
    }

    public Optional<ScramCredential> credential(ScramMechanism mechanism) {
        return Optional.ofNullable(credentials.get(mechanism));
    }

    /** The credential PLAIN logins are checked against: SCRAM-SHA-256's if kept, else SCRAM-SHA-512's. */
    Optional<ScramCredential> anyCredential() {
        return credential(ScramMechanism.SCRAM_SHA_256).or(() -> credential(ScramMechanism.SCRAM_SHA_512));
    }
}
