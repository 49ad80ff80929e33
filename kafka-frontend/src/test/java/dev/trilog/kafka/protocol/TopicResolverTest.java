package dev.trilog.kafka.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.log.Topic;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one lookup of a requested topic and partition, and the error Kafka answers for each miss. */
class TopicResolverTest {

    @TempDir
    Path dataDir;

    private LogEngine engine;
    private TopicResolver topics;
    private Topic orders;

    @BeforeEach
    void openEngine() throws Exception {
        engine = LogEngine.open(EngineSettings.of(dataDir));
        orders = engine.createTopic("orders", 2, Map.of());
        topics = new TopicResolver(engine);
    }

    @AfterEach
    void closeEngine() throws Exception {
        engine.close();
    }

    @Test
    void aKnownTopicByNameOrIdHasItsPartitionsAndNoOthers() {
        for (NamedTopic named : new NamedTopic[] {topics.byName("orders"), topics.byId(orders.id())}) {
            assertThat(named.check(0)).isEqualTo(Errors.NONE);
            assertThat(named.check(1)).isEqualTo(Errors.NONE);
            assertThat(named.partition(1)).isEqualTo(new TopicPartition("orders", 1));
            assertThat(named.check(2)).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(named.check(-1)).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
    }

    @Test
    void anUnknownIdIsUnknownTopicIdAndAnUnknownNameUnknownTopicOrPartition() {
        assertThat(topics.byId(Uuid.randomUuid()).check(0)).isEqualTo(Errors.UNKNOWN_TOPIC_ID);
        assertThat(topics.byName("nope").check(0)).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(topics.byName("nope").exists()).isFalse();
    }

    @Test
    void anEmptyNameMeansTheRequestNamedTheTopicById() {
        assertThat(topics.resolve("", orders.id()).byId()).isTrue();
        assertThat(topics.resolve(null, orders.id()).topic()).contains(orders);
        assertThat(topics.resolve("orders", Uuid.ZERO_UUID).byId()).isFalse();
        assertThat(topics.resolve(true, "orders", Uuid.ZERO_UUID).check(0)).isEqualTo(Errors.UNKNOWN_TOPIC_ID);
    }

    @Test
    void aPartitionThatFailedItsCheckHasNoName() {
        assertThatThrownBy(() -> topics.byName("orders").partition(2)).isInstanceOf(IllegalStateException.class);
    }
}
