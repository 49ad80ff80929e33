package dev.trilog.kafka.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Set;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decisions of Kafka's StandardAuthorizer, rule by rule, over ACLs kept in a real engine. */
class AclAuthorizerTest {

    private static final KafkaPrincipal ALICE = new KafkaPrincipal(KafkaPrincipal.USER_TYPE, "alice");
    private static final KafkaPrincipal BOB = new KafkaPrincipal(KafkaPrincipal.USER_TYPE, "bob");
    private static final KafkaPrincipal ADMIN = new KafkaPrincipal(KafkaPrincipal.USER_TYPE, "admin");
    private static final AclSettings SETTINGS = new AclSettings(true, Set.of("User:admin"), false);

    @TempDir
    Path dataDir;

    private static InetAddress host(int last) throws Exception {
        return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last});
    }

    private static AclBinding acl(ResourceType type, String name, PatternType pattern, String principal, String host,
            AclOperation operation, AclPermissionType permission) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, host, operation, permission));
    }

    private static AclBinding allowTopic(String name, PatternType pattern, String principal, AclOperation operation) {
        return acl(ResourceType.TOPIC, name, pattern, principal, "*", operation, AclPermissionType.ALLOW);
    }

    @Test
    void denyWinsImpliedOperationsAllowAndSuperUsersNeedNoAcl() throws Exception {
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            AclStore store = AclStore.open(engine);
            AclAuthorizer authorizer = new AclAuthorizer(SETTINGS, store);
            InetAddress anywhere = host(1);
            store.add(allowTopic("orders", PatternType.LITERAL, "User:alice", AclOperation.READ));
            store.add(allowTopic("logs-", PatternType.PREFIXED, "User:*", AclOperation.WRITE));
            store.add(acl(ResourceType.TOPIC, "logs-secret", PatternType.LITERAL, "User:bob", "*", AclOperation.WRITE,
                    AclPermissionType.DENY));
            store.add(allowTopic("configs", PatternType.LITERAL, "User:alice", AclOperation.ALTER_CONFIGS));

            assertThat(authorizer.authorize(ALICE, anywhere, AclOperation.READ, ResourceType.TOPIC, "orders")).isTrue();
            assertThat(authorizer.authorize(ALICE, anywhere, AclOperation.DESCRIBE, ResourceType.TOPIC, "orders"))
                    .as("READ implies DESCRIBE").isTrue();
            assertThat(authorizer.authorize(ALICE, anywhere, AclOperation.WRITE, ResourceType.TOPIC, "orders")).isFalse();
            assertThat(authorizer.authorize(BOB, anywhere, AclOperation.READ, ResourceType.TOPIC, "orders")).isFalse();
            assertThat(authorizer.authorize(ALICE, anywhere, AclOperation.DESCRIBE_CONFIGS, ResourceType.TOPIC, "configs"))
                    .as("ALTER_CONFIGS implies DESCRIBE_CONFIGS").isTrue();

            assertThat(authorizer.authorize(BOB, anywhere, AclOperation.WRITE, ResourceType.TOPIC, "logs-app")).isTrue();
            assertThat(authorizer.authorize(BOB, anywhere, AclOperation.WRITE, ResourceType.TOPIC, "logs-secret"))
                    .as("a DENY wins over an ALLOW").isFalse();
            assertThat(authorizer.authorize(ALICE, anywhere, AclOperation.WRITE, ResourceType.TOPIC, "logs-secret")).isTrue();
            assertThat(authorizer.authorize(BOB, anywhere, AclOperation.WRITE, ResourceType.TOPIC, "logs")).isFalse();
            assertThat(authorizer.authorize(BOB, anywhere, AclOperation.WRITE, ResourceType.GROUP, "logs-app"))
                    .as("a topic ACL says nothing of a group of the same name").isFalse();

            assertThat(authorizer.authorize(ADMIN, anywhere, AclOperation.ALTER, ResourceType.CLUSTER, "kafka-cluster"))
                    .isTrue();
            assertThat(authorizer.authorize(ADMIN, anywhere, AclOperation.WRITE, ResourceType.TOPIC, "logs-secret")).isTrue();
        }
    }

    @Test
    void hostsAndAllowEveryoneIfNoAclFound() throws Exception {
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            AclStore store = AclStore.open(engine);
            store.add(acl(ResourceType.GROUP, "g", PatternType.LITERAL, "User:alice", "10.0.0.1", AclOperation.READ,
                    AclPermissionType.ALLOW));
            AclAuthorizer strict = new AclAuthorizer(SETTINGS, store);
            AclAuthorizer open = new AclAuthorizer(new AclSettings(true, Set.of(), true), store);

            assertThat(strict.authorize(ALICE, host(1), AclOperation.READ, ResourceType.GROUP, "g")).isTrue();
            assertThat(strict.authorize(ALICE, host(2), AclOperation.READ, ResourceType.GROUP, "g")).isFalse();
            assertThat(strict.authorize(ALICE, host(1), AclOperation.READ, ResourceType.GROUP, "unnamed")).isFalse();
            assertThat(open.authorize(BOB, host(2), AclOperation.READ, ResourceType.GROUP, "unnamed"))
                    .as("no ACL names the group").isTrue();
            assertThat(open.authorize(BOB, host(2), AclOperation.READ, ResourceType.GROUP, "g"))
                    .as("an ACL names the group, for someone else").isFalse();
        }
    }

    @Test
    void writingSomeTopicIsFoundUnlessADenyCoversIt() throws Exception {
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            AclStore store = AclStore.open(engine);
            AclAuthorizer authorizer = new AclAuthorizer(SETTINGS, store);
            InetAddress anywhere = host(1);
            assertThat(authorizer.authorizeAny(ALICE, anywhere, AclOperation.WRITE, ResourceType.TOPIC)).isFalse();
            store.add(allowTopic("app-", PatternType.PREFIXED, "User:alice", AclOperation.WRITE));
            assertThat(authorizer.authorizeAny(ALICE, anywhere, AclOperation.WRITE, ResourceType.TOPIC)).isTrue();
            store.add(acl(ResourceType.TOPIC, "app", PatternType.PREFIXED, "User:alice", "*", AclOperation.WRITE,
                    AclPermissionType.DENY));
            assertThat(authorizer.authorizeAny(ALICE, anywhere, AclOperation.WRITE, ResourceType.TOPIC)).isFalse();
            assertThat(authorizer.authorizeAny(ADMIN, anywhere, AclOperation.WRITE, ResourceType.TOPIC)).isTrue();
        }
    }

    @Test
    void aclsAreKeptOnceAndSurviveARestart() throws Exception {
        AclBinding binding = allowTopic("orders", PatternType.LITERAL, "User:alice", AclOperation.READ);
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            AclStore store = AclStore.open(engine);
            store.add(binding);
            store.add(binding);
            store.add(allowTopic("other", PatternType.LITERAL, "User:alice", AclOperation.READ));
            assertThat(store.bindings()).hasSize(2).contains(binding);
            assertThat(store.remove(new AclBindingFilter(binding.pattern().toFilter(),
                    binding.entry().toFilter()))).containsExactly(binding);
            store.add(binding);
        }
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            assertThat(AclStore.open(engine).bindings()).hasSize(2).contains(binding);
        }
    }
}
