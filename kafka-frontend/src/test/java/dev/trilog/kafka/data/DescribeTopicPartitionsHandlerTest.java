package dev.trilog.kafka.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.kafka.KafkaTestApis;
import dev.trilog.kafka.protocol.ApiTable;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.log.Topic;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;
import org.apache.kafka.common.requests.DescribeTopicPartitionsResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DescribeTopicPartitions as Kafka answers it: name order, paging by cursor, errors for what is missing. */
class DescribeTopicPartitionsHandlerTest {

    @TempDir
    Path dataDir;

    private LogEngine engine;
    private ApiTable apis;
    private Topic alpha;

    @BeforeEach
    void openEngine() throws Exception {
        engine = LogEngine.open(EngineSettings.of(dataDir));
        alpha = engine.createTopic("alpha", 3, Map.of());
        engine.createTopic("beta", 2, Map.of());
        engine.createTopic("gamma", 1, Map.of());
        apis = KafkaTestApis.apis(engine);
    }

    @AfterEach
    void closeEngine() throws Exception {
        engine.close();
    }

    @Test
    void pagesThroughTheNamedTopicsInNameOrderWithTheCursor() {
        List<String> asked = List.of("gamma", "alpha", "beta");

        DescribeTopicPartitionsResponseData first = describe(asked, 2, null);
        assertThat(pages(first)).containsExactly("alpha:0", "alpha:1");
        assertThat(first.nextCursor().topicName()).isEqualTo("alpha");
        assertThat(first.nextCursor().partitionIndex()).isEqualTo(2);

        DescribeTopicPartitionsResponseData second = describe(asked, 2, first.nextCursor());
        assertThat(pages(second)).containsExactly("alpha:2", "beta:0");
        assertThat(second.nextCursor().topicName()).isEqualTo("beta");
        assertThat(second.nextCursor().partitionIndex()).isEqualTo(1);

        DescribeTopicPartitionsResponseData last = describe(asked, 2, second.nextCursor());
        assertThat(pages(last)).containsExactly("beta:1", "gamma:0");
        assertThat(last.nextCursor()).as("nothing left").isNull();
    }

    @Test
    void describesAllTopicsWhenNoneIsNamedAndPointsTheCursorAtTheFirstTopicNotReached() {
        DescribeTopicPartitionsResponseData first = describe(List.of(), 3, null);
        assertThat(pages(first)).containsExactly("alpha:0", "alpha:1", "alpha:2");
        assertThat(first.nextCursor().topicName()).isEqualTo("beta");
        assertThat(first.nextCursor().partitionIndex()).isZero();

        DescribeTopicPartitionsResponseData rest = describe(List.of(), 2000, first.nextCursor());
        assertThat(pages(rest)).containsExactly("beta:0", "beta:1", "gamma:0");
        assertThat(rest.nextCursor()).isNull();
    }

    @Test
    void eachPartitionHasItsLeaderEpochReplicasAndIsrAndNoEligibleLeaderReplicas() {
        DescribeTopicPartitionsResponseTopic topic = describe(List.of("alpha"), 2000, null).topics().find("alpha");

        assertThat(topic.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(topic.topicId()).isEqualTo(alpha.id());
        assertThat(topic.isInternal()).isFalse();
        assertThat(topic.partitions()).extracting(DescribeTopicPartitionsResponsePartition::partitionIndex)
                .containsExactly(0, 1, 2);
        assertThat(topic.partitions()).allSatisfy(p -> {
            assertThat(p.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(p.leaderId()).isZero(); // node.id 0, alone
            assertThat(p.leaderEpoch()).isZero();
            assertThat(p.replicaNodes()).containsExactly(0);
            assertThat(p.isrNodes()).containsExactly(0);
            assertThat(p.eligibleLeaderReplicas()).isEmpty();
            assertThat(p.lastKnownElr()).isEmpty();
            assertThat(p.offlineReplicas()).isEmpty();
        });
    }

    @Test
    void aMissingTopicNamedInTheRequestGetsKafkasErrorAndNoId() {
        DescribeTopicPartitionsResponseData response = describe(List.of("nowhere", "alpha", "no/such", "__trilog-x"),
                2000, null);

        assertThat(response.topics().find("nowhere").errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(response.topics().find("nowhere").topicId()).isEqualTo(Uuid.ZERO_UUID);
        assertThat(response.topics().find("nowhere").partitions()).isEmpty();
        assertThat(response.topics().find("no/such").errorCode()).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION.code());
        assertThat(response.topics().find("__trilog-x").errorCode())
                .as("the engine's own logs are not topics").isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(response.topics().find("alpha").partitions()).hasSize(3);
        assertThat(response.nextCursor()).isNull();
    }

    @Test
    void aCursorOnATopicNotAskedForOrOnANegativePartitionIsAnInvalidRequest() {
        DescribeTopicPartitionsResponseData notListed = describe(List.of("alpha"), 10,
                new DescribeTopicPartitionsResponseData.Cursor().setTopicName("beta").setPartitionIndex(0));
        assertThat(notListed.topics()).allSatisfy(t -> assertThat(t.errorCode())
                .isEqualTo(Errors.INVALID_REQUEST.code()));

        DescribeTopicPartitionsResponseData negative = describe(List.of("alpha"), 10,
                new DescribeTopicPartitionsResponseData.Cursor().setTopicName("alpha").setPartitionIndex(-1));
        assertThat(negative.topics().find("alpha").errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
    }

    @Test
    void aLimitBelowOneStillDescribesOnePartition() {
        assertThat(pages(describe(List.of("alpha"), 0, null))).containsExactly("alpha:0");
    }

    private DescribeTopicPartitionsResponseData describe(List<String> topics, int limit,
            DescribeTopicPartitionsResponseData.Cursor cursor) {
        DescribeTopicPartitionsRequestData data = new DescribeTopicPartitionsRequestData()
                .setResponsePartitionLimit(limit);
        topics.forEach(t -> data.topics().add(new DescribeTopicPartitionsRequestData.TopicRequest().setName(t)));
        if (cursor != null) {
            data.setCursor(new DescribeTopicPartitionsRequestData.Cursor().setTopicName(cursor.topicName())
                    .setPartitionIndex(cursor.partitionIndex()));
        }
        DescribeTopicPartitionsRequest request = new DescribeTopicPartitionsRequest.Builder(data).build((short) 0);
        return ((DescribeTopicPartitionsResponse) apis.dispatch(KafkaTestApis.request(request)).join().response()).data();
    }

    /** "topic:partition" for every partition described, in response order. */
    private static List<String> pages(DescribeTopicPartitionsResponseData response) {
        return response.topics().stream().flatMap(t -> t.partitions().stream().map(p -> t.name() + ":" + p.partitionIndex()))
                .toList();
    }
}
