package dev.trilog.kafka.security;

import dev.trilog.frontend.auth.ScramCredential;
import dev.trilog.frontend.auth.ScramMechanism;
import dev.trilog.frontend.auth.User;
import dev.trilog.frontend.auth.UserStore;
import dev.trilog.kafka.protocol.ApiTable;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData.ScramCredentialDeletion;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData.ScramCredentialUpsertion;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData.AlterUserScramCredentialsResult;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData.CredentialInfo;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData.DescribeUserScramCredentialsResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterUserScramCredentialsRequest;
import org.apache.kafka.common.requests.AlterUserScramCredentialsResponse;
import org.apache.kafka.common.requests.DescribeUserScramCredentialsRequest;
import org.apache.kafka.common.requests.DescribeUserScramCredentialsResponse;

/**
 * DescribeUserScramCredentials and AlterUserScramCredentials (KIP-554) over the broker's
 * {@link UserStore} — what {@code kafka-configs --entity-type users --alter --add-config
 * 'SCRAM-SHA-256=[password=…]'} sends. The client salts and hashes the password itself; the
 * store keeps the stored and server keys derived from that salted password. Kafka's rules: a user
 * altered twice in one request, an unknown mechanism, too few or too many iterations, an empty
 * name or the deletion of a credential that does not exist fail that user's alterations (and
 * only that user's); a user's alterations all apply or none does.
 */
public final class ScramCredentialApis {

    private final UserStore users;
    /** With the authorizer on, it has already checked ALTER on the cluster ({@link RequestAuthorization}). */
    private final boolean authorized;

    private ScramCredentialApis(UserStore users, boolean authorized) {
        this.users = users;
        this.authorized = authorized;
    }

    /** @param authorized whether the authorizer decides who may alter credentials (else: SASL or loopback) */
    public static void register(ApiTable table, UserStore users, boolean authorized) {
        ScramCredentialApis apis = new ScramCredentialApis(users, authorized);
        table.register(ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, apis::describe)
                .register(ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, apis::alter);
    }

    private CompletableFuture<Reply> describe(KafkaRequest request) {
        DescribeUserScramCredentialsRequestData asked = ((DescribeUserScramCredentialsRequest) request.body()).data();
        DescribeUserScramCredentialsResponseData response = new DescribeUserScramCredentialsResponseData();
        if (asked.users() == null || asked.users().isEmpty()) {
            users.users().forEach(user -> response.results().add(described(user)));
        } else {
            Set<String> seen = new HashSet<>();
            for (var name : asked.users()) {
                DescribeUserScramCredentialsResult result = new DescribeUserScramCredentialsResult().setUser(name.name());
                Optional<User> user = users.user(name.name());
                if (!seen.add(name.name())) {
                    result.setErrorCode(Errors.DUPLICATE_RESOURCE.code())
                            .setErrorMessage("Cannot describe SCRAM credentials for the same user twice in a single request");
                } else if (user.isEmpty()) {
                    result.setErrorCode(Errors.RESOURCE_NOT_FOUND.code())
                            .setErrorMessage("Attempt to describe nonexistent user credentials");
                } else {
                    result = described(user.get());
                }
                response.results().add(result);
            }
        }
        return CompletableFuture.completedFuture(Reply.of(new DescribeUserScramCredentialsResponse(response)));
    }

    private static DescribeUserScramCredentialsResult described(User user) {
        List<CredentialInfo> infos = new ArrayList<>();
        user.credentials().values().forEach(c -> infos.add(new CredentialInfo().setMechanism(c.mechanism().type())
                .setIterations(c.iterations())));
        infos.sort(java.util.Comparator.comparing(CredentialInfo::mechanism));
        return new DescribeUserScramCredentialsResult().setUser(user.name()).setCredentialInfos(infos);
    }

    /** One user's alterations, checked together before any applies. */
    private static final class Alterations {
        final List<ScramCredentialUpsertion> upsertions = new ArrayList<>();
        final List<ScramCredentialDeletion> deletions = new ArrayList<>();
        final Set<Byte> mechanisms = new HashSet<>();
        boolean duplicate;

        void add(byte mechanism) {
            duplicate |= !mechanisms.add(mechanism);
        }
    }

    private CompletableFuture<Reply> alter(KafkaRequest request) {
        AlterUserScramCredentialsRequestData asked = ((AlterUserScramCredentialsRequest) request.body()).data();
        Map<String, Alterations> byUser = new LinkedHashMap<>();
        for (ScramCredentialDeletion deletion : asked.deletions()) {
            Alterations alterations = byUser.computeIfAbsent(deletion.name(), n -> new Alterations());
            alterations.deletions.add(deletion);
            alterations.add(deletion.mechanism());
        }
        for (ScramCredentialUpsertion upsertion : asked.upsertions()) {
            Alterations alterations = byUser.computeIfAbsent(upsertion.name(), n -> new Alterations());
            alterations.upsertions.add(upsertion);
            alterations.add(upsertion.mechanism());
        }
        AlterUserScramCredentialsResponseData response = new AlterUserScramCredentialsResponseData();
        if (!authorized && !mayAlterCredentials(request.context())) {
            byUser.keySet().forEach(name -> response.results().add(new AlterUserScramCredentialsResult().setUser(name)
                    .setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code())
                    .setErrorMessage("credentials are changed over a SASL-authenticated connection or from this"
                            + " host (trilog users add); this connection is neither")));
            return CompletableFuture.completedFuture(Reply.of(new AlterUserScramCredentialsResponse(response)));
        }
        byUser.forEach((name, alterations) -> response.results().add(apply(name, alterations)));
        return CompletableFuture.completedFuture(Reply.of(new AlterUserScramCredentialsResponse(response)));
    }

    /**
     * Kafka without an authorizer lets anyone change anyone's credentials. Here the store also holds
     * the AMQP logins (amqp.auth=users), so an unauthenticated Kafka client on another host could
     * otherwise set an AMQP user's password: without the authorizer, changes come over SASL (as a user
     * who logged in) or from loopback, where {@code trilog users} runs too.
     */
    private static boolean mayAlterCredentials(org.apache.kafka.common.requests.RequestContext context) {
        return context.securityProtocol == org.apache.kafka.common.security.auth.SecurityProtocol.SASL_PLAINTEXT
                || context.securityProtocol == org.apache.kafka.common.security.auth.SecurityProtocol.SASL_SSL
                || context.clientAddress.isLoopbackAddress();
    }

    private AlterUserScramCredentialsResult apply(String name, Alterations alterations) {
        AlterUserScramCredentialsResult result = new AlterUserScramCredentialsResult().setUser(name);
        Optional<Refusal> refusal = refusal(name, alterations);
        if (refusal.isPresent()) {
            return result.setErrorCode(refusal.get().error().code()).setErrorMessage(refusal.get().message());
        }
        try {
            for (ScramCredentialDeletion deletion : alterations.deletions) {
                users.removeCredential(name, ScramMechanism.forType(deletion.mechanism()).orElseThrow());
            }
            for (ScramCredentialUpsertion upsertion : alterations.upsertions) {
                ScramMechanism mechanism = ScramMechanism.forType(upsertion.mechanism()).orElseThrow();
                users.setCredential(name, ScramCredential.fromSaltedPassword(mechanism, upsertion.salt(),
                        upsertion.saltedPassword(), upsertion.iterations()));
            }
            return result.setErrorCode(Errors.NONE.code());
        } catch (IOException e) {
            return result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code())
                    .setErrorMessage("the user store could not be written: " + e.getMessage());
        }
    }

    private record Refusal(Errors error, String message) {

        static Optional<Refusal> of(Errors error, String message) {
            return Optional.of(new Refusal(error, message));
        }
    }

    /** Why {@code name}'s alterations may not apply (Kafka's errors and messages), if they may not. */
    private Optional<Refusal> refusal(String name, Alterations alterations) {
        if (name.isEmpty()) {
            return Refusal.of(Errors.UNACCEPTABLE_CREDENTIAL, "Username must not be empty");
        }
        for (byte mechanism : alterations.mechanisms) {
            if (ScramMechanism.forType(mechanism).isEmpty()) {
                return Refusal.of(Errors.UNSUPPORTED_SASL_MECHANISM, "Unknown SCRAM mechanism");
            }
        }
        if (alterations.duplicate) {
            return Refusal.of(Errors.DUPLICATE_RESOURCE, "A user credential cannot be altered twice in the same request");
        }
        for (ScramCredentialUpsertion upsertion : alterations.upsertions) {
            if (upsertion.iterations() < ScramMechanism.MIN_ITERATIONS) {
                return Refusal.of(Errors.UNACCEPTABLE_CREDENTIAL, "Too few iterations");
            }
            if (upsertion.iterations() > ScramMechanism.MAX_ITERATIONS) {
                return Refusal.of(Errors.UNACCEPTABLE_CREDENTIAL, "Too many iterations");
            }
            if (upsertion.salt().length == 0 || upsertion.saltedPassword().length == 0) {
                return Refusal.of(Errors.UNACCEPTABLE_CREDENTIAL, "Salt and salted password must not be empty");
            }
        }
        Optional<User> user = users.user(name);
        for (ScramCredentialDeletion deletion : alterations.deletions) {
            if (user.flatMap(u -> u.credential(ScramMechanism.forType(deletion.mechanism()).orElseThrow())).isEmpty()) {
                return Refusal.of(Errors.RESOURCE_NOT_FOUND, "Attempt to delete a user credential that does not exist");
            }
        }
        return Optional.empty();
    }
}
