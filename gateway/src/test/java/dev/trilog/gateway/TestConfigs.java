package dev.trilog.gateway;

import dev.trilog.frontend.ConfigValue;
import dev.trilog.gateway.config.GatewayConfig;
import dev.trilog.gateway.config.GatewayConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Configurations for in-process gateways: a temp data directory and ephemeral ports only. */
final class TestConfigs {

    private TestConfigs() {
    }

    /** Every port 0, data in {@code dataDir}, plus {@code key, value} pairs. */
    static GatewayConfig ephemeral(Path dataDir, String... pairs) {
        List<ConfigValue> values = new ArrayList<>(List.of(
                new ConfigValue("data.dir", dataDir.toString(), "test"),
                new ConfigValue("kafka.port", "0", "test"),
                new ConfigValue("amqp.port", "0", "test"),
                new ConfigValue("sqs.port", "0", "test"),
                new ConfigValue("admin.port", "0", "test")));
        for (int i = 0; i < pairs.length; i += 2) {
            values.add(new ConfigValue(pairs[i], pairs[i + 1], "test"));
        }
        return new GatewayConfigLoader(Map.of()).load(Optional.empty(), values);
    }
}
