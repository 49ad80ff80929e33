package dev.trilog.kafka.admin;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.apache.kafka.common.requests.ApiError;

/**
 * The legacy AlterConfigs: the given configs replace the topic's overrides entirely (a config
 * left out goes back to the broker default).
 */
final class AlterConfigsHandler implements ApiHandler {

    private final TopicConfigChanges changes;

    AlterConfigsHandler(TopicConfigChanges changes) {
        this.changes = changes;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        AlterConfigsRequestData data = ((AlterConfigsRequest) request.body()).data();
        AlterConfigsResponseData response = new AlterConfigsResponseData();
        for (AlterConfigsResource resource : data.resources()) {
            List<String> names = resource.configs().stream().map(AlterableConfig::name).toList();
            ApiError error = changes.alter(resource.resourceType(), resource.resourceName(), names, data.validateOnly(),
                    (current, effective) -> replacement(resource));
            response.responses().add(new AlterConfigsResourceResponse().setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName()).setErrorCode(error.error().code())
                    .setErrorMessage(error.message()));
        }
        return CompletableFuture.completedFuture(Reply.of(new AlterConfigsResponse(response)));
    }

    private static Map<String, String> replacement(AlterConfigsResource resource) {
        Map<String, String> overrides = new HashMap<>();
        for (AlterableConfig config : resource.configs()) {
            if (config.value() == null) {
                throw new InvalidRequestException("Null value not supported for : " + config.name());
            }
            overrides.put(config.name(), config.value());
        }
        return overrides;
    }
}
