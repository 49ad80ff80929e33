package dev.trilog.kafka.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.frontend.auth.ScramMechanism;
import dev.trilog.frontend.auth.UserStore;
import dev.trilog.kafka.KafkaTestApis;
import dev.trilog.kafka.protocol.ApiTable;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData.ScramCredentialDeletion;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData.ScramCredentialUpsertion;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData.AlterUserScramCredentialsResult;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData.UserName;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterUserScramCredentialsRequest;
import org.apache.kafka.common.requests.AlterUserScramCredentialsResponse;
import org.apache.kafka.common.requests.DescribeUserScramCredentialsRequest;
import org.apache.kafka.common.requests.DescribeUserScramCredentialsResponse;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SCRAM credential APIs' rules, request by request, against Kafka's own credential formatter. */
class ScramCredentialApisTest {

    @TempDir
    Path dataDir;

    private static ScramCredentialUpsertion upsertion(String user, ScramMechanism mechanism, int iterations,
            String password) throws Exception {
        byte[] salt = "0123456789abcdef".getBytes();
        byte[] salted = new ScramFormatter(org.apache.kafka.common.security.scram.internals.ScramMechanism
                .forMechanismName(mechanism.mechanismName())).saltedPassword(password, salt, iterations);
        return new ScramCredentialUpsertion().setName(user).setMechanism(mechanism.type()).setIterations(iterations)
                .setSalt(salt).setSaltedPassword(salted);
    }

    private static Map<String, Short> alter(ApiTable apis, AlterUserScramCredentialsRequestData data) throws Exception {
        AlterUserScramCredentialsResponse response = (AlterUserScramCredentialsResponse) apis.dispatch(
                KafkaTestApis.request(new AlterUserScramCredentialsRequest.Builder(data).build())).get().response();
        return response.data().results().stream().collect(Collectors.toMap(AlterUserScramCredentialsResult::user,
                AlterUserScramCredentialsResult::errorCode));
    }

    /**
     * An unauthenticated client on another host may not change credentials (the store holds the
     * AMQP logins too); one that logged in over SASL may, from anywhere.
     */
    @Test
    void credentialsChangeOnlyOverSaslOrFromLoopback() throws Exception {
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            ApiTable apis = KafkaTestApis.apis(engine, null, null);
            UserStore users = UserStore.open(engine);
            java.net.InetAddress elsewhere = java.net.InetAddress.getByAddress(new byte[] {10, 1, 2, 3});
            var data = new AlterUserScramCredentialsRequestData().setUpsertions(
                    List.of(upsertion("mallory", ScramMechanism.SCRAM_SHA_256, 4096, "mine-now")));
            AlterUserScramCredentialsResponse refused = (AlterUserScramCredentialsResponse) apis.dispatch(
                    from(elsewhere, org.apache.kafka.common.security.auth.SecurityProtocol.PLAINTEXT,
                            new AlterUserScramCredentialsRequest.Builder(data).build())).get().response();
            assertThat(refused.data().results()).singleElement().satisfies(r -> assertThat(r.errorCode())
                    .isEqualTo(Errors.CLUSTER_AUTHORIZATION_FAILED.code()));
            assertThat(users.user("mallory")).isEmpty();

            AlterUserScramCredentialsResponse allowed = (AlterUserScramCredentialsResponse) apis.dispatch(
                    from(elsewhere, org.apache.kafka.common.security.auth.SecurityProtocol.SASL_SSL,
                            new AlterUserScramCredentialsRequest.Builder(data).build())).get().response();
            assertThat(allowed.data().results()).singleElement().satisfies(r -> assertThat(r.errorCode())
                    .isEqualTo(Errors.NONE.code()));
            assertThat(users.authenticatePlain("mallory", "mine-now")).isTrue();
        }
    }

    private static dev.trilog.kafka.protocol.KafkaRequest from(java.net.InetAddress client,
            org.apache.kafka.common.security.auth.SecurityProtocol protocol,
            org.apache.kafka.common.requests.AbstractRequest body) {
        var header = new org.apache.kafka.common.requests.RequestHeader(body.apiKey(), body.version(), "test-client", 7);
        var context = new org.apache.kafka.common.requests.RequestContext(header, "conn", client,
                java.util.Optional.empty(), org.apache.kafka.common.security.auth.KafkaPrincipal.ANONYMOUS,
                org.apache.kafka.common.network.ListenerName.forSecurityProtocol(protocol), protocol,
                org.apache.kafka.common.network.ClientInformation.EMPTY, false);
        return new dev.trilog.kafka.protocol.KafkaRequest(context, body);
    }

    @Test
    void eachUsersAlterationsApplyTogetherOrNotAtAll() throws Exception {
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            ApiTable apis = KafkaTestApis.apis(engine, null, null);
            UserStore users = UserStore.open(engine);
            Map<String, Short> results = alter(apis, new AlterUserScramCredentialsRequestData()
                    .setUpsertions(List.of(upsertion("alice", ScramMechanism.SCRAM_SHA_256, 4096, "a-secret"),
                            upsertion("bob", ScramMechanism.SCRAM_SHA_512, 100, "weak"),
                            upsertion("carol", ScramMechanism.SCRAM_SHA_256, 4096, "c"),
                            upsertion("carol", ScramMechanism.SCRAM_SHA_256, 8192, "c2"),
                            upsertion("", ScramMechanism.SCRAM_SHA_256, 4096, "x")))
                    .setDeletions(List.of(new ScramCredentialDeletion().setName("dave")
                            .setMechanism(ScramMechanism.SCRAM_SHA_256.type()))));
            assertThat(results).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "alice", Errors.NONE.code(),
                    "bob", Errors.UNACCEPTABLE_CREDENTIAL.code(),
                    "carol", Errors.DUPLICATE_RESOURCE.code(),
                    "", Errors.UNACCEPTABLE_CREDENTIAL.code(),
                    "dave", Errors.RESOURCE_NOT_FOUND.code()));
            // a credential from Kafka's formatter checks the password it was made from
            assertThat(users.authenticatePlain("alice", "a-secret")).isTrue();
            assertThat(users.users()).extracting(u -> u.name()).containsExactly("alice");

            DescribeUserScramCredentialsResponse described = (DescribeUserScramCredentialsResponse) apis.dispatch(
                    KafkaTestApis.request(new DescribeUserScramCredentialsRequest.Builder(
                            new DescribeUserScramCredentialsRequestData().setUsers(List.of(
                                    new UserName().setName("alice"), new UserName().setName("zed")))).build()))
                    .get().response();
            var byUser = described.data().results();
            assertThat(byUser.get(0).errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(byUser.get(0).credentialInfos()).singleElement()
                    .satisfies(info -> assertThat(info.iterations()).isEqualTo(4096));
            assertThat(byUser.get(1).errorCode()).isEqualTo(Errors.RESOURCE_NOT_FOUND.code());
        }
    }
}
