package dev.trilog.kafka.admin;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import dev.trilog.log.LogConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;
import org.apache.kafka.common.requests.IncrementalAlterConfigsResponse;

/**
 * IncrementalAlterConfigs: SET and DELETE a topic's overrides one by one; APPEND and SUBTRACT
 * items of a list-typed setting such as {@code cleanup.policy}, starting from its effective
 * value. Each resource succeeds or fails as a whole.
 */
final class IncrementalAlterConfigsHandler implements ApiHandler {

    private final TopicConfigChanges changes;

    IncrementalAlterConfigsHandler(TopicConfigChanges changes) {
        this.changes = changes;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        IncrementalAlterConfigsRequestData data = ((IncrementalAlterConfigsRequest) request.body()).data();
        IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData();
        for (AlterConfigsResource resource : data.resources()) {
            List<String> names = resource.configs().stream().map(AlterableConfig::name).toList();
            ApiError error = changes.alter(resource.resourceType(), resource.resourceName(), names, data.validateOnly(),
                    (current, effective) -> apply(resource, current, effective));
            response.responses().add(new AlterConfigsResourceResponse().setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName()).setErrorCode(error.error().code())
                    .setErrorMessage(error.message()));
        }
        return CompletableFuture.completedFuture(Reply.of(new IncrementalAlterConfigsResponse(response)));
    }

    private static Map<String, String> apply(AlterConfigsResource resource, Map<String, String> current,
            LogConfig effective) {
        Map<String, String> next = new HashMap<>(current);
        Set<String> seen = new HashSet<>();
        for (AlterableConfig config : resource.configs()) {
            if (!seen.add(config.name())) {
                throw new InvalidRequestException("Error due to duplicate config keys");
            }
            OpType op = operation(config.configOperation());
            if (op != OpType.DELETE && config.value() == null) {
                throw new InvalidRequestException("Null value not supported for : " + config.name());
            }
            switch (op) {
                case SET -> next.put(config.name(), config.value());
                case DELETE -> next.remove(config.name());
                case APPEND, SUBTRACT -> next.put(config.name(), applyToList(op, config, next, effective));
                default -> throw new InvalidRequestException("Unknown operations type " + config.configOperation());
            }
        }
        return next;
    }

    private static String applyToList(OpType op, AlterableConfig config, Map<String, String> next, LogConfig effective) {
        ConfigDef.ConfigKey key = LogConfig.definitions().configKeys().get(config.name());
        if (key == null || key.type != ConfigDef.Type.LIST) {
            throw new InvalidConfigurationException("Can't " + op + " to key " + config.name()
                    + " because its type is not LIST.");
        }
        String base = next.containsKey(config.name()) ? next.get(config.name())
                : effective.effectiveValues().get(config.name());
        List<String> items = new ArrayList<>(split(base));
        for (String item : split(config.value())) {
            if (op == OpType.APPEND && !items.contains(item)) {
                items.add(item);
            } else if (op == OpType.SUBTRACT) {
                items.remove(item);
            }
        }
        return String.join(",", items);
    }

    private static List<String> split(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static OpType operation(byte id) {
        try {
            OpType op = OpType.forId(id);
            if (op != null) {
                return op;
            }
        } catch (IllegalArgumentException ignored) {
            // reported below
        }
        throw new InvalidRequestException("Unknown operations type " + id);
    }
}
