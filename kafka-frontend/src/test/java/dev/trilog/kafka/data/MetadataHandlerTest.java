package dev.trilog.kafka.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.kafka.KafkaTestApis;
import dev.trilog.kafka.protocol.ApiTable;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataHandlerTest {

    @TempDir
    Path dataDir;

    @Test
    void aTopicAskedForWithNeitherNameNorIdIsAnUnknownTopicId() throws Exception {
        // found-metadata-topic-without-name-or-id (KafkaApisFuzzTest): a null name and the zero ID
        // threw NullPointerException, and the whole request was answered UNKNOWN_SERVER_ERROR
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            engine.createTopic("named", 1, Map.of());
            ApiTable apis = KafkaTestApis.apis(engine);
            MetadataRequest request = new MetadataRequest.Builder(new MetadataRequestData().setTopics(List.of(
                    new MetadataRequestData.MetadataRequestTopic().setName(null).setTopicId(Uuid.ZERO_UUID),
                    new MetadataRequestData.MetadataRequestTopic().setName("named")))).build((short) 12);

            MetadataResponse response = (MetadataResponse) apis.dispatch(KafkaTestApis.request(request)).get().response();

            List<MetadataResponseTopic> topics = List.copyOf(response.data().topics());
            assertThat(topics).hasSize(2);
            assertThat(topics.get(0).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_ID.code());
            assertThat(topics.get(0).name()).isNull();
            assertThat(topics.get(1).errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(topics.get(1).name()).isEqualTo("named");
        }
    }
}
