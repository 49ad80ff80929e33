package dev.trilog.kafka.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.kafka.KafkaTestApis;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.queue.QueuesSettings;
import dev.trilog.routing.topology.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/kafka.md is the Kafka frontend's coverage table: it must list every API the broker
 * advertises, with exactly the version range it advertises, so the page cannot drift.
 */
class KafkaProtocolDocTest {

    @TempDir
    Path dataDir;

    @Test
    void theCoveragePageListsEveryAdvertisedApiWithItsVersions() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "kafka.md"));
        List<String> missing = new ArrayList<>();
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            Topology topology = Topology.open(engine);
            try (Queues queues = Queues.open(engine, topology, QueuesSettings.defaults())) {
                for (ApiVersion version : KafkaTestApis.apis(engine, queues, topology).advertisedVersions()) {
                    ApiKeys key = ApiKeys.forId(version.apiKey());
                    String row = "| " + key.id + " | " + key.name + " | " + version.minVersion() + "–"
                            + version.maxVersion() + " |";
                    if (!doc.contains(row)) {
                        missing.add(row);
                    }
                }
            }
        }
        assertThat(missing).as("rows docs/kafka.md lacks or states differently").isEmpty();
    }
}
