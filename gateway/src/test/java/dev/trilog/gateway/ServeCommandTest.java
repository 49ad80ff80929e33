package dev.trilog.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.frontend.ConfigValue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ServeCommandTest {

    @Test
    void dedicatedFlagsComeAfterSetSoTheyWinWhateverTheOrderTyped() {
        ServeCommand serve = new ServeCommand(Map.of(), List.of());

        new CommandLine(serve).parseArgs("--admin-port", "2", "--set", "admin.port=1", "--set", "log.retention.ms=5");

        assertThat(serve.commandLineSettings()).containsExactly(
                new ConfigValue("admin.port", "1", "--set"),
                new ConfigValue("log.retention.ms", "5", "--set"),
                new ConfigValue("admin.port", "2", "--admin-port"));
    }

    @Test
    void flagsNotGivenSetNothing() {
        ServeCommand serve = new ServeCommand(Map.of(), List.of());

        new CommandLine(serve).parseArgs();

        assertThat(serve.commandLineSettings()).isEmpty();
    }
}
