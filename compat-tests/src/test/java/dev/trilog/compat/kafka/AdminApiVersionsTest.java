package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.TrilogHarness;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every admin API is advertised with kafka-clients' full version range, and every one of those
 * versions gets a response the client can read — the generated classes refuse to write a field
 * a version lacks, so this catches a handler filling one in.
 */
class AdminApiVersionsTest {

    private static final List<ApiKeys> ADMIN_APIS = List.of(ApiKeys.CREATE_TOPICS, ApiKeys.DELETE_TOPICS,
            ApiKeys.CREATE_PARTITIONS, ApiKeys.DESCRIBE_CONFIGS, ApiKeys.ALTER_CONFIGS,
            ApiKeys.INCREMENTAL_ALTER_CONFIGS, ApiKeys.DESCRIBE_LOG_DIRS, ApiKeys.DELETE_RECORDS,
            ApiKeys.DESCRIBE_CLUSTER, ApiKeys.OFFSET_FOR_LEADER_EPOCH, ApiKeys.ELECT_LEADERS,
            ApiKeys.ALTER_PARTITION_REASSIGNMENTS, ApiKeys.LIST_PARTITION_REASSIGNMENTS);

    @TempDir
    Path dataDir;

    @Test
    void everyVersionOfEveryAdminApiIsAdvertisedAndAnswered() throws Exception {
        try (TrilogHarness trilog = TrilogHarness.start(dataDir);
                RawKafkaClient raw = new RawKafkaClient(trilog.kafkaBootstrap())) {
            ApiVersionsResponse versions = raw.send(new ApiVersionsRequest.Builder(), ApiKeys.API_VERSIONS.latestVersion());
            for (ApiKeys key : ADMIN_APIS) {
                ApiVersion advertised = versions.data().apiKeys().find(key.id);
                assertThat(advertised).as("%s advertised", key).isNotNull();
                assertThat(advertised.minVersion()).isEqualTo(key.oldestVersion());
                assertThat(advertised.maxVersion()).isEqualTo(key.latestVersion());
                for (short v = key.oldestVersion(); v <= key.latestVersion(); v++) {
                    AbstractResponse response = raw.send(emptyRequest(key, v));
                    assertThat(response.apiKey()).isEqualTo(key);
                    assertThat(response.errorCounts()).as("%s v%d", key, v)
                            .doesNotContainKeys(Errors.UNSUPPORTED_VERSION, Errors.UNKNOWN_SERVER_ERROR);
                }
            }
        }
    }

    /** The request with every field at its default, as kafka-clients reads it at {@code version}. */
    private static AbstractRequest emptyRequest(ApiKeys key, short version) {
        ApiMessage data = ApiMessageType.fromApiKey(key.id).newRequest();
        ByteBuffer bytes = MessageUtil.toByteBufferAccessor(data, version).buffer(); // written and flipped
        return AbstractRequest.parseRequest(key, version, new ByteBufferAccessor(bytes)).request;
    }
}
