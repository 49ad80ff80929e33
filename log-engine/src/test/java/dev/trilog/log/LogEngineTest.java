package dev.trilog.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.testsupport.TestClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogEngineTest {

    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dataDir;

    private LogEngine open() throws IOException {
        return LogEngine.open(EngineSettings.of(dataDir).withClock(TestClock.frozenAt(T0)));
    }

    @Test
    void topicsKeepTheirIdPartitionsConfigsAndDataAcrossRestarts() throws Exception {
        Uuid id;
        String clusterId;
        try (LogEngine engine = open()) {
            clusterId = engine.clusterId();
            id = engine.createTopic("orders", 3, Map.of("retention.ms", "1234")).id();
            engine.partition(new TopicPartition("orders", 2)).append(Batches.of(4, T0), true);
        }

        try (LogEngine engine = open()) {
            assertThat(engine.startedClean()).isTrue();
            assertThat(engine.clusterId()).isEqualTo(clusterId).isNotBlank();
            Topic topic = engine.topic("orders").orElseThrow();
            assertThat(topic.id()).isEqualTo(id);
            assertThat(topic.partitions()).isEqualTo(3);
            assertThat(engine.topicConfig("orders").orElseThrow().retentionMs()).isEqualTo(1234);
            assertThat(engine.partition(new TopicPartition("orders", 2)).logEndOffset()).isEqualTo(4);
            assertThat(engine.topicById(id)).map(Topic::name).contains("orders");
            engine.deleteTopic("orders");
            assertThat(engine.topicById(id)).isEmpty();
            Topic again = engine.createTopic("orders", 1, Map.of());
            assertThat(again.id()).isNotEqualTo(id);
            assertThat(engine.topicById(again.id())).contains(again);
        }
    }

    @Test
    void refusesDuplicateIllegalAndReservedTopicNamesAndBadConfigs() throws Exception {
        try (LogEngine engine = open()) {
            engine.createTopic("a", 1, Map.of());
            assertThatThrownBy(() -> engine.createTopic("a", 1, Map.of())).isInstanceOf(TopicExistsException.class);
            assertThatThrownBy(() -> engine.createTopic("bad/name", 1, Map.of()))
                    .isInstanceOf(InvalidTopicException.class);
            assertThatThrownBy(() -> engine.createTopic("__trilog_x", 1, Map.of()))
                    .isInstanceOf(InvalidTopicException.class);
            assertThatThrownBy(() -> engine.createTopic("b", 1, Map.of("retention.ms", "soon")))
                    .isInstanceOf(ConfigException.class);
            assertThatThrownBy(() -> engine.createTopic("b", 1, Map.of("no.such.config", "1")))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("no.such.config");
            assertThat(engine.topic("b")).isEmpty();
        }
    }

    @Test
    void deletedTopicsAreGoneWithTheirDataAndStayGoneAfterRestart() throws Exception {
        try (LogEngine engine = open()) {
            engine.createTopic("doomed", 2, Map.of());
            engine.partition(new TopicPartition("doomed", 0)).append(Batches.of(1, T0), true);
            engine.deleteTopic("doomed");
            assertThat(engine.partition(new TopicPartition("doomed", 0))).isNull();
            assertThat(Files.exists(dataDir.resolve("doomed-0"))).isFalse();
        }
        try (LogEngine engine = open()) {
            assertThat(engine.topic("doomed")).isEmpty();
            assertThatThrownBy(() -> engine.deleteTopic("doomed")).isInstanceOf(UnknownTopicException.class);
        }
    }

    @Test
    void partitionsGrowAndConfigsChangeDurably() throws Exception {
        try (LogEngine engine = open()) {
            engine.createTopic("t", 1, Map.of());
            engine.createPartitions("t", 4);
            engine.alterTopicConfig("t", Map.of("cleanup.policy", "compact"));
            assertThat(engine.partition(new TopicPartition("t", 3)).config().compact()).isTrue();
            assertThatThrownBy(() -> engine.createPartitions("t", 2)).isInstanceOf(IllegalArgumentException.class);
        }
        try (LogEngine engine = open()) {
            assertThat(engine.topic("t").orElseThrow().partitions()).isEqualTo(4);
            assertThat(engine.partition(new TopicPartition("t", 0)).config().compact()).isTrue();
        }
    }

    @Test
    void committedOffsetsSurviveARestartAndCanBeDeleted() throws Exception {
        TopicPartition tp0 = new TopicPartition("t", 0);
        TopicPartition tp1 = new TopicPartition("t", 1);
        try (LogEngine engine = open()) {
            engine.groupOffsets().commit("g", Map.of(tp0, new CommittedOffset(5, -1, "m", T0),
                    tp1, new CommittedOffset(7, 3, "", T0)));
            engine.groupOffsets().commit("g", Map.of(tp0, new CommittedOffset(9, -1, "later", T0 + 1)));
            engine.groupOffsets().commit("other", Map.of(tp0, new CommittedOffset(1, -1, "", T0)));
            engine.groupOffsets().deleteGroup("other");
        }
        try (LogEngine engine = open()) {
            GroupOffsetStore offsets = engine.groupOffsets();
            assertThat(offsets.fetch("g", tp0)).contains(new CommittedOffset(9, -1, "later", T0 + 1));
            assertThat(offsets.fetch("g", tp1)).contains(new CommittedOffset(7, 3, "", T0));
            assertThat(offsets.groups()).containsExactly("g");
            offsets.delete("g", java.util.List.of(tp1));
            assertThat(offsets.fetchAll("g")).containsOnlyKeys(tp0);
        }
    }

    @Test
    void producerIdsAreNeverReusedAcrossRestarts() throws Exception {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (int run = 0; run < 3; run++) {
            try (LogEngine engine = open()) {
                for (int i = 0; i < 5; i++) {
                    assertThat(seen.add(engine.allocateProducerId())).isTrue();
                }
            }
        }
    }

    @Test
    void aClusterNodesProducerIdsAreTheGrantedBlocksAboveItsOwnEarlierOnes() throws Exception {
        try (LogEngine engine = open()) {
            long own = engine.allocateProducerId();
            long ownEnd = engine.producerIdsOwnBlocksEnd();
            java.util.List<Integer> asked = new java.util.ArrayList<>();
            engine.takeProducerIdsFrom(size -> {
                asked.add(size);
                return java.util.concurrent.CompletableFuture.completedFuture(5_000_000L);
            });

            // an earlier build spread a cluster node's own ids as n * 16 + node, n below its reserved end
            assertThat(ownEnd).isGreaterThanOrEqualTo((own + 1) * 16);
            assertThat(engine.allocateProducerId()).isEqualTo(5_000_000L);
            assertThat(engine.producerId().join()).isEqualTo(5_000_001L);
            assertThat(asked).containsExactly(dev.trilog.log.producer.ProducerIdBlocks.BLOCK);
        }
    }

    @Test
    void durableMapsKeepTheirEntriesPerNamespaceAcrossRestarts() throws Exception {
        try (LogEngine engine = open()) {
            DurableMap exchanges = engine.durableMap("exchange");
            exchanges.put("orders", Batches.bytes("topic"));
            exchanges.put("gone", Batches.bytes("fanout"));
            exchanges.remove("gone");
            engine.durableMap("queue").put("orders", Batches.bytes("q"));
            assertThat(engine.durableMap("exchange")).isSameAs(exchanges);
        }
        try (LogEngine engine = open()) {
            assertThat(engine.durableMap("exchange").all()).containsOnlyKeys("orders");
            assertThat(engine.durableMap("exchange").get("orders")).hasValueSatisfying(
                    v -> assertThat(new String(v, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("topic"));
            assertThat(engine.durableMap("queue").all()).containsOnlyKeys("orders");
            assertThatThrownBy(() -> engine.durableMap("topic")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aSecondProcessCannotOpenTheSameDataDirectory() throws Exception {
        try (LogEngine engine = open()) {
            assertThatThrownBy(this::open).isInstanceOf(IOException.class).hasMessageContaining("in use");
        }
    }

    @Test
    void onlyACleanCloseLeavesTheMarker() throws Exception {
        LogEngine engine = open();
        assertThat(engine.startedClean()).as("a new, empty directory has nothing to recover").isTrue();
        engine.createTopic("t", 1, Map.of());
        assertThat(Files.exists(dataDir.resolve(LogEngine.CLEAN_SHUTDOWN_MARKER))).isFalse();
        engine.close();
        assertThat(Files.exists(dataDir.resolve(LogEngine.CLEAN_SHUTDOWN_MARKER))).isTrue();
        try (LogEngine reopened = open()) {
            assertThat(Files.exists(dataDir.resolve(LogEngine.CLEAN_SHUTDOWN_MARKER))).isFalse();
        }
    }

    @Test
    void theAppenderRefusesUnknownPartitions() throws Exception {
        try (LogEngine engine = open()) {
            assertThat(engine.appender().append(new TopicPartition("nope", 0), Batches.of(1, T0)))
                    .failsWithin(java.time.Duration.ofSeconds(1))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(UnknownTopicException.class);
        }
    }

    @Test
    void brokerLevelNamesSetTopicDefaultsAndBadValuesNameTheirKey() {
        LogConfig defaults = LogConfig.fromBrokerProperties(Map.of("log.retention.ms", "42", "unrelated", "x"));
        assertThat(defaults.retentionMs()).isEqualTo(42);
        assertThat(defaults.withOverrides(Map.of("retention.ms", "7")).retentionMs()).isEqualTo(7);
        assertThatThrownBy(() -> LogConfig.fromBrokerProperties(Map.of("log.segment.bytes", "tiny")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("log.segment.bytes");
        assertThatThrownBy(() -> EngineSettings.fromBrokerProperties(dataDir, Map.of("log.cleaner.backoff.ms", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("log.cleaner.backoff.ms");
    }

    @Test
    void createsBeyondThePartitionLimitAreRefusedWholeAndNothingIsMade() throws Exception {
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir).withMaxPartitions(5))) {
            engine.createTopic("three", 3, Map.of());
            assertThatThrownBy(() -> engine.createTopic("three-more", 3, Map.of()))
                    .isInstanceOf(PartitionLimitException.class).hasMessageContaining("log.max.partitions");
            assertThat(engine.topic("three-more")).isEmpty();
            assertThatThrownBy(() -> engine.validateNewTopic("three-more", 3, Map.of()))
                    .isInstanceOf(PartitionLimitException.class);
            assertThatThrownBy(() -> engine.createPartitions("three", 6)).isInstanceOf(PartitionLimitException.class);
            assertThat(engine.topic("three").orElseThrow().partitions()).isEqualTo(3);

            engine.createPartitions("three", 5); // up to the limit is fine
            engine.deleteTopic("three");
            engine.createTopic("five", 5, Map.of()); // a deletion makes room again
        }
        assertThatThrownBy(() -> EngineSettings.fromBrokerProperties(dataDir, Map.of("log.max.partitions", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("log.max.partitions");
        assertThat(EngineSettings.fromBrokerProperties(dataDir, Map.of("log.max.partitions", "7")).maxPartitions())
                .isEqualTo(7);
        assertThat(EngineSettings.defaultMaxPartitions()).isBetween(1, 10_000);
    }
}
