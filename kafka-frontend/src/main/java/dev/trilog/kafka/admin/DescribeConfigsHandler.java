package dev.trilog.kafka.admin;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import dev.trilog.log.LogEngine;
import dev.trilog.log.Topic;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse;

/**
 * DescribeConfigs for topics (every topic-level setting with its effective value and source)
 * and for this broker (resource name = this node's id, or empty for the cluster-wide defaults,
 * which on one node are the same), and for groups (share groups' own settings, {@link GroupConfigResources}).
 * Synonyms (v1+) and documentation (v3+) when asked for.
 */
final class DescribeConfigsHandler implements ApiHandler {

    private final KafkaContext context;
    private final ConfigDescriptions descriptions;
    private final GroupConfigResources groups;

    /** @param groups the GROUP config resources, or null when this listener has no share groups */
    DescribeConfigsHandler(KafkaContext context, GroupConfigResources groups) {
        this.context = context;
        this.descriptions = new ConfigDescriptions(context);
        this.groups = groups;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        DescribeConfigsRequestData data = ((DescribeConfigsRequest) request.body()).data();
        DescribeConfigsResponseData response = new DescribeConfigsResponseData();
        for (DescribeConfigsResource resource : data.resources()) {
            response.results().add(describe(resource, data.includeSynonyms(), data.includeDocumentation()));
        }
        return CompletableFuture.completedFuture(Reply.of(new DescribeConfigsResponse(response)));
    }

    private DescribeConfigsResult describe(DescribeConfigsResource resource, boolean synonyms, boolean documentation) {
        DescribeConfigsResult result = new DescribeConfigsResult().setResourceType(resource.resourceType())
                .setResourceName(resource.resourceName()).setErrorCode(Errors.NONE.code()).setErrorMessage(null);
        String name = resource.resourceName();
        List<DescribedConfig> configs;
        switch (ConfigResource.Type.forId(resource.resourceType())) {
            case TOPIC -> {
                Optional<Topic> topic = name.startsWith(LogEngine.RESERVED_PREFIX) ? Optional.empty()
                        : context.engine().topic(name);
                if (topic.isEmpty()) {
                    boolean valid = org.apache.kafka.common.internals.Topic.isValid(name);
                    return result.setErrorCode((valid ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.INVALID_TOPIC_EXCEPTION).code())
                            .setErrorMessage(valid ? "The topic '" + name + "' does not exist."
                                    : "Topic name '" + name + "' is illegal.");
                }
                configs = descriptions.topic(topic.get().configOverrides(), resource.configurationKeys(), documentation);
            }
            case BROKER -> {
                if (!name.isEmpty() && !name.equals(Integer.toString(context.nodeId()))) {
                    return result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Unexpected broker id, expected "
                            + context.nodeId() + " or empty string, but received " + name);
                }
                configs = descriptions.broker(resource.configurationKeys(), documentation);
            }
            case GROUP -> {
                if (groups == null) {
                    return result.setErrorCode(Errors.INVALID_REQUEST.code())
                            .setErrorMessage("Unsupported resource type: GROUP (this listener has no share groups)");
                }
                configs = ConfigDescriptions.group(groups, name, resource.configurationKeys(), documentation);
            }
            default -> {
                return result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Unsupported resource type: "
                        + ConfigResource.Type.forId(resource.resourceType()));
            }
        }
        configs.forEach(config -> result.configs().add(config.toDescribeResult(synonyms)));
        return result;
    }
}
