package dev.trilog.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.frontend.ConfigKey;
import dev.trilog.frontend.Frontends;
import dev.trilog.gateway.config.KnownKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration table names every key the gateway and the frontends declare, so a
 * frontend's new key cannot go undocumented there (the engine's keys are Kafka's, summarised in one row).
 */
class ConfigurationDocTest {

    @Test
    void theReadmesSettingsTableNamesEveryDeclaredKey() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        String table = readme.substring(readme.indexOf("| key | default | meaning |"), readme.indexOf("## Durability"));

        List<String> missing = KnownKeys.of(Frontends.installed()).declared().stream().map(ConfigKey::name)
                .filter(key -> !table.contains("`" + key + "`")).toList();

        assertThat(missing).as("keys README.md's configuration table lacks").isEmpty();
    }
}
