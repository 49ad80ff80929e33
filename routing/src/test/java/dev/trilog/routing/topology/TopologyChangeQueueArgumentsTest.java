package dev.trilog.routing.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.HeaderValue;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Changing a queue's policies in place (SQS SetQueueAttributes), durably; FIFO and partitions stay fixed. */
class TopologyChangeQueueArgumentsTest {

    @TempDir
    Path dataDir;

    @Test
    void argumentsChangeDurablyButFifoAndPartitionsCannot() throws Exception {
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            Topology topology = Topology.open(engine);
            topology.declareQueue(QueueSpec.durable("q").withArguments(Map.of(
                    QueueSpec.MESSAGE_TTL, HeaderValue.ofLong(1000))));
            assertThat(topology.changeQueueArguments("q", Map.of(QueueSpec.DELIVERY_LIMIT, HeaderValue.ofLong(3))))
                    .isTrue();
            assertThat(topology.queue("q").orElseThrow().maxDeliveryCount()).isEqualTo(3);
            assertThat(topology.queue("q").orElseThrow().messageTtlMs()).isEmpty();
            assertThat(topology.changeQueueArguments("missing", Map.of())).isFalse();
            assertThatThrownBy(() -> topology.changeQueueArguments("q", Map.of(QueueSpec.FIFO,
                    HeaderValue.ofBoolean(true)))).isInstanceOf(TopologyException.class);
        }
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            assertThat(Topology.open(engine).queue("q").orElseThrow().maxDeliveryCount()).isEqualTo(3);
        }
    }
}
