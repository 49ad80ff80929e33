package dev.trilog.frontend.auth;

import dev.trilog.log.DurableMap;
import dev.trilog.log.LogEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The broker's users, one store for every protocol: a Kafka client (SASL PLAIN or SCRAM), an
 * AMQP client (PLAIN, AMQPLAIN) and the admin API see the same users and passwords.
 *
 * <p><b>Storage.</b> One entry per user in the engine's durable map {@value #NAMESPACE} (the
 * metadata log; format in {@link UserCodec}), fsynced before a change returns, and in a cluster
 * replicated with the rest of the metadata, so every node authenticates the same users. Only
 * SCRAM credentials are kept (salted, hashed: {@link ScramCredential}); never a password.
 *
 * <p><b>No information leak.</b> An unknown user costs the same work and fails the same way as a
 * wrong password: {@link #authenticatePlain} derives a key from a decoy credential, and
 * {@link #scramCredentialOrDecoy} hands a SCRAM server a decoy whose salt is fixed per name
 * (for this process), so the exchange runs to its end and fails at the proof as a wrong password does.
 *
 * <p><b>Threads.</b> Reads are from memory and take no lock; changes are serialized on this object.
 */
public final class UserStore {

    static final String NAMESPACE = "users";
    /** The longest user name accepted: Kafka sets none; this keeps a stored key reasonable. */
    public static final int MAX_NAME_LENGTH = 256;

    private static final int SALT_BYTES = 32;

    private final DurableMap map;
    private final SecureRandom random = new SecureRandom();
    /** Keys the decoy credentials of unknown users; per process, never stored. */
    private final byte[] decoySecret = new byte[32];

    UserStore(DurableMap map) {
        this.map = map;
        random.nextBytes(decoySecret);
    }

    /** The users kept in {@code engine}. */
    public static UserStore open(LogEngine engine) throws IOException {
        return new UserStore(engine.durableMap(NAMESPACE));
    }

    public Optional<User> user(String name) {
        return map.get(name).map(bytes -> decode(name, bytes));
    }

    /** Every user, by name. */
    public List<User> users() {
        List<User> users = new ArrayList<>();
        map.all().forEach((name, bytes) -> users.add(decode(name, bytes)));
        users.sort(Comparator.comparing(User::name));
        return users;
    }

    /**
     * Sets {@code name}'s one password, kept for each of {@code mechanisms} (a fresh salt each),
     * adding the user if new; credentials for other mechanisms (an older password) are dropped.
     *
     * @throws IllegalArgumentException for an empty or over-long name, no mechanism, or iterations out of Kafka's bounds
     */
    public synchronized User setPassword(String name, String password, Set<ScramMechanism> mechanisms, int iterations)
            throws IOException {
        if (mechanisms.isEmpty()) {
            throw new IllegalArgumentException("name at least one SCRAM mechanism to keep the password for");
        }
        checkIterations(iterations);
        Map<ScramMechanism, ScramCredential> credentials = new EnumMap<>(ScramMechanism.class);
        for (ScramMechanism mechanism : mechanisms) {
            byte[] salt = new byte[SALT_BYTES];
            random.nextBytes(salt);
            credentials.put(mechanism, ScramCredential.fromPassword(mechanism, password, salt, iterations));
        }
        return put(name, credentials, false);
    }

    /** Sets one credential of {@code name} (Kafka's AlterUserScramCredentials upsertion), adding the user if new. */
    public synchronized User setCredential(String name, ScramCredential credential) throws IOException {
        checkIterations(credential.iterations());
        return put(name, Map.of(credential.mechanism(), credential), true);
    }

    /** Drops one credential of {@code name}; the last one dropped removes the user. False when there was none. */
    public synchronized boolean removeCredential(String name, ScramMechanism mechanism) throws IOException {
        Optional<User> user = user(name);
        if (user.isEmpty() || user.get().credential(mechanism).isEmpty()) {
            return false;
        }
        Map<ScramMechanism, ScramCredential> left = new EnumMap<>(ScramMechanism.class);
        left.putAll(user.get().credentials());
        left.remove(mechanism);
        if (left.isEmpty()) {
            map.remove(name);
        } else {
            map.put(name, UserCodec.encode(new User(name, left)));
        }
        return true;
    }

    /** Removes {@code name} with all its credentials; false when there was no such user. */
    public synchronized boolean remove(String name) throws IOException {
        if (map.get(name).isEmpty()) {
            return false;
        }
        map.remove(name);
        return true;
    }

    /**
     * Whether {@code password} is {@code name}'s (checked against its SCRAM-SHA-256 credential, else
     * its SCRAM-SHA-512 one). An unknown user takes the same time as a wrong password. Costs one
     * PBKDF2 derivation (milliseconds): callers on an event loop should run it elsewhere.
     */
    public boolean authenticatePlain(String name, String password) {
        Optional<ScramCredential> known = user(name).flatMap(User::anyCredential);
        ScramCredential credential = known.orElseGet(() -> decoy(name, ScramMechanism.SCRAM_SHA_256));
        boolean matches = credential.matches(password);
        return known.isPresent() && matches;
    }

    /**
     * {@code name}'s credential for {@code mechanism}, or, for a user without one, a decoy no
     * password matches — with a salt that stays the same for the name, so an unknown user cannot be
     * told from a known one by asking twice.
     */
    public ScramCredential scramCredentialOrDecoy(String name, ScramMechanism mechanism) {
        return user(name).flatMap(u -> u.credential(mechanism)).orElseGet(() -> decoy(name, mechanism));
    }

    private ScramCredential decoy(String name, ScramMechanism mechanism) {
        byte[] key = ScramCredential.hmac(mechanism, decoySecret, mechanism.mechanismName() + "\0" + name);
        byte[] salt = java.util.Arrays.copyOf(ScramCredential.hmac(mechanism, key, "salt"), SALT_BYTES);
        return new ScramCredential(mechanism, salt, ScramCredential.hmac(mechanism, key, "stored"),
                ScramCredential.hmac(mechanism, key, "server"), ScramMechanism.MIN_ITERATIONS);
    }

    private User put(String name, Map<ScramMechanism, ScramCredential> credentials, boolean keepOthers)
            throws IOException {
        checkName(name);
        Map<ScramMechanism, ScramCredential> merged = new EnumMap<>(ScramMechanism.class);
        if (keepOthers) {
            user(name).ifPresent(u -> merged.putAll(u.credentials()));
        }
        merged.putAll(credentials);
        User user = new User(name, merged);
        map.put(name, UserCodec.encode(user));
        return user;
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("Username must not be empty");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("Username must be at most " + MAX_NAME_LENGTH + " bytes");
        }
    }

    private static void checkIterations(int iterations) {
        if (iterations < ScramMechanism.MIN_ITERATIONS) {
            throw new IllegalArgumentException("Too few iterations: at least " + ScramMechanism.MIN_ITERATIONS);
        }
        if (iterations > ScramMechanism.MAX_ITERATIONS) {
            throw new IllegalArgumentException("Too many iterations: at most " + ScramMechanism.MAX_ITERATIONS);
        }
    }

    private static User decode(String name, byte[] bytes) {
        try {
            return UserCodec.decode(name, bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
