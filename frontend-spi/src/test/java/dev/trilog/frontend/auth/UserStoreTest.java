package dev.trilog.frontend.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserStoreTest {

    @TempDir
    Path dataDir;

    @Test
    void aPasswordSetIsCheckedByPlainAndSurvivesARestart() throws Exception {
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            UserStore users = UserStore.open(engine);
            users.setPassword("alice", "s3cret", EnumSet.allOf(ScramMechanism.class), 4096);
            assertThat(users.authenticatePlain("alice", "s3cret")).isTrue();
            assertThat(users.authenticatePlain("alice", "wrong")).isFalse();
        }
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            UserStore users = UserStore.open(engine);
            assertThat(users.users()).extracting(User::name).containsExactly("alice");
            assertThat(users.user("alice").orElseThrow().credentials()).containsOnlyKeys(ScramMechanism.values());
            assertThat(users.authenticatePlain("alice", "s3cret")).isTrue();
        }
    }

    @Test
    void nothingOfThePasswordIsStored() throws Exception {
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            UserStore users = UserStore.open(engine);
            User alice = users.setPassword("alice", "plain-text-password", Set.of(ScramMechanism.SCRAM_SHA_512), 8192);
            byte[] stored = UserCodec.encode(alice);
            assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("plain-text-password");
            assertThat(alice.credential(ScramMechanism.SCRAM_SHA_512).orElseThrow().iterations()).isEqualTo(8192);
            // PLAIN works from the SHA-512 credential when it is the only one
            assertThat(users.authenticatePlain("alice", "plain-text-password")).isTrue();
        }
    }

    @Test
    void anUnknownUserIsRefusedAndItsDecoyStaysTheSame() throws Exception {
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            UserStore users = UserStore.open(engine);
            assertThat(users.authenticatePlain("nobody", "")).isFalse();
            ScramCredential first = users.scramCredentialOrDecoy("nobody", ScramMechanism.SCRAM_SHA_256);
            ScramCredential second = users.scramCredentialOrDecoy("nobody", ScramMechanism.SCRAM_SHA_256);
            assertThat(first).isEqualTo(second);
            assertThat(first.iterations()).isEqualTo(ScramMechanism.MIN_ITERATIONS);
            assertThat(first.matches("")).isFalse();
        }
    }

    @Test
    void credentialsAreAddedAndRemovedOneMechanismAtATime() throws Exception {
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            UserStore users = UserStore.open(engine);
            users.setPassword("bob", "one", Set.of(ScramMechanism.SCRAM_SHA_256), 4096);
            users.setCredential("bob", ScramCredential.fromPassword(ScramMechanism.SCRAM_SHA_512, "two",
                    new byte[] {1, 2, 3}, 4096));
            assertThat(users.user("bob").orElseThrow().credentials()).hasSize(2);
            assertThat(users.removeCredential("bob", ScramMechanism.SCRAM_SHA_256)).isTrue();
            assertThat(users.authenticatePlain("bob", "two")).isTrue();
            assertThat(users.removeCredential("bob", ScramMechanism.SCRAM_SHA_256)).isFalse();
            assertThat(users.removeCredential("bob", ScramMechanism.SCRAM_SHA_512)).isTrue();
            assertThat(users.user("bob")).isEmpty();
            assertThat(users.remove("bob")).isFalse();
        }
    }

    @Test
    void settingAPasswordReplacesEveryOlderCredential() throws Exception {
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            UserStore users = UserStore.open(engine);
            users.setPassword("carol", "old", EnumSet.allOf(ScramMechanism.class), 4096);
            users.setPassword("carol", "new", Set.of(ScramMechanism.SCRAM_SHA_512), 4096);
            assertThat(users.user("carol").orElseThrow().credentials()).containsOnlyKeys(ScramMechanism.SCRAM_SHA_512);
            assertThat(users.authenticatePlain("carol", "old")).isFalse();
            assertThat(users.authenticatePlain("carol", "new")).isTrue();
        }
    }

    @Test
    void kafkasBoundsAreKept() throws Exception {
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            UserStore users = UserStore.open(engine);
            Set<ScramMechanism> sha256 = Set.of(ScramMechanism.SCRAM_SHA_256);
            assertThatThrownBy(() -> users.setPassword("", "x", sha256, 4096)).hasMessageContaining("empty");
            assertThatThrownBy(() -> users.setPassword("a", "x", sha256, 4095)).hasMessageContaining("Too few");
            assertThatThrownBy(() -> users.setPassword("a", "x", sha256, 16385)).hasMessageContaining("Too many");
            assertThat(users.users()).isEmpty();
        }
    }
}
