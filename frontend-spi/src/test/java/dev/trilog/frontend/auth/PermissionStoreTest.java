package dev.trilog.frontend.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PermissionStoreTest {

    @TempDir
    Path dataDir;

    @Test
    void permissionsSetSurviveARestartAndAreTakenAwayWithTheirUser() throws Exception {
        VhostPermissions bobs = new VhostPermissions("^bob\\.", "^(amq\\.default|bob\\..*)$", "");
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            PermissionStore permissions = PermissionStore.open(engine);
            assertThat(permissions.permissions("bob", "/")).isEmpty();
            permissions.set("bob", "/", bobs);
            permissions.set("alice", "/", VhostPermissions.ALL);
        }
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            PermissionStore permissions = PermissionStore.open(engine);
            assertThat(permissions.permissions("bob", "/")).contains(bobs);
            assertThat(permissions.of("alice")).containsExactly(java.util.Map.entry("/", VhostPermissions.ALL));
            permissions.clearAll("bob");
            assertThat(permissions.permissions("bob", "/")).isEmpty();
            assertThat(permissions.clear("bob", "/")).isFalse();
            assertThat(permissions.clear("alice", "/")).isTrue();
            assertThat(permissions.of("alice")).isEmpty();
        }
    }

    @Test
    void permissionsAreGrantedInVhostsThatExistAndGoWithTheirVhost() throws Exception {
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            PermissionStore permissions = PermissionStore.open(engine);
            assertThatThrownBy(() -> permissions.set("bob", "staging", VhostPermissions.ALL))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("no vhost 'staging' (trilog vhosts add makes one)");
            VhostStore.open(engine).add("staging");
            permissions.set("bob", "staging", VhostPermissions.ALL);
            permissions.set("bob", "/", VhostPermissions.ALL);
            permissions.set("alice", "staging", VhostPermissions.ALL);
            permissions.clearVhost("staging");
            assertThat(permissions.of("bob")).containsOnlyKeys("/");
            assertThat(permissions.of("alice")).isEmpty();
        }
    }

    @Test
    void expressionsMatchAsRabbitMqsDo() {
        VhostPermissions p = new VhostPermissions("^bob\\.", "orders", "");
        assertThat(p.allows(Permission.CONFIGURE, "bob.q")).isTrue();
        assertThat(p.allows(Permission.CONFIGURE, "other.bob.q")).isFalse();
        // unanchored: a match anywhere in the name, as re:run
        assertThat(p.allows(Permission.WRITE, "eu.orders.new")).isTrue();
        assertThat(p.allows(Permission.WRITE, "payments")).isFalse();
        // the empty expression allows nothing (RabbitMQ: a synonym of "^$", which no resource name matches)
        assertThat(p.allows(Permission.READ, "")).isFalse();
        assertThat(p.allows(Permission.READ, "anything")).isFalse();
        assertThat(VhostPermissions.ALL.allows(Permission.READ, "anything")).isTrue();
        assertThatThrownBy(() -> new VhostPermissions(".*", "(unclosed", ".*"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the write permission is not a regular expression");
    }
}
