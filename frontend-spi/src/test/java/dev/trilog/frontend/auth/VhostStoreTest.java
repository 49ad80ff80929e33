package dev.trilog.frontend.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VhostStoreTest {

    @TempDir
    Path dataDir;

    @Test
    void vhostsAddedSurviveARestartAndSlashAlwaysExists() throws Exception {
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            VhostStore vhosts = VhostStore.open(engine);
            assertThat(vhosts.list()).containsExactly("/");
            assertThat(vhosts.exists("/")).isTrue();
            assertThat(vhosts.exists("dev")).isFalse();
            assertThat(vhosts.add("dev")).isTrue();
            assertThat(vhosts.add("dev")).isFalse();
            assertThat(vhosts.add("team.eu")).isTrue();
            assertThat(vhosts.add("/")).isFalse();
        }
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            VhostStore vhosts = VhostStore.open(engine);
            assertThat(vhosts.list()).containsExactly("/", "dev", "team.eu");
            assertThat(vhosts.exists("dev")).isTrue();
        }
    }

    @Test
    void deletingTellsTheListenersAndSlashCannotBeDeleted() throws Exception {
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            VhostStore vhosts = VhostStore.open(engine);
            List<String> told = new ArrayList<>();
            vhosts.onDeleted(told::add);
            vhosts.add("dev");
            assertThat(vhosts.delete("dev")).isTrue();
            assertThat(vhosts.exists("dev")).isFalse();
            assertThat(vhosts.delete("dev")).isFalse();
            assertThat(told).containsExactly("dev");
            assertThatThrownBy(() -> vhosts.delete("/")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("vhost '/' cannot be deleted");
        }
    }

    @Test
    void namesThatCannotBeVhostsAreRefused() throws Exception {
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            VhostStore vhosts = VhostStore.open(engine);
            assertThatThrownBy(() -> vhosts.add("")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> vhosts.add("x".repeat(101))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("too long");
        }
    }
}
