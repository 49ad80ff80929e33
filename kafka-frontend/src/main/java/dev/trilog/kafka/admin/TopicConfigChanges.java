package dev.trilog.kafka.admin;

import dev.trilog.kafka.protocol.ErrorMapping;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.log.LogConfig;
import dev.trilog.log.Topic;
import dev.trilog.log.UnknownTopicException;
import java.io.IOException;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * What AlterConfigs and IncrementalAlterConfigs share: find the resource, compute the topic's
 * (or group's, {@link GroupConfigResources}) new overrides, validate them, and write them unless only validating. One change at a time,
 * so two concurrent incremental changes to one topic do not lose each other's update.
 *
 * <p>Broker settings cannot be changed: Trilog reads them once, from its configuration file,
 * {@code TRILOG_*} environment variables and flags.
 */
final class TopicConfigChanges {

    /** Computes a topic's new overrides from its current ones and its effective config. */
    @FunctionalInterface
    interface Change {
        Map<String, String> apply(Map<String, String> currentOverrides, LogConfig effective);
    }

    private final KafkaContext context;
    private final GroupConfigResources groups;
    private final Object lock = new Object();

    /** @param groups the GROUP config resources, or null when this listener has no share groups */
    TopicConfigChanges(KafkaContext context, GroupConfigResources groups) {
        this.context = context;
        this.groups = groups;
    }

    ApiError alter(byte resourceType, String resourceName, Collection<String> names, boolean validateOnly,
            Change change) {
        ConfigResource.Type type = ConfigResource.Type.forId(resourceType);
        if (type == ConfigResource.Type.BROKER) {
            return new ApiError(Errors.INVALID_REQUEST, "Broker settings are static in Trilog and cannot be altered"
                    + " at runtime: set " + (names.isEmpty() ? "them" : String.join(", ", names))
                    + " in Trilog's config file (--config),"
                    + " a TRILOG_* environment variable or --set, and restart it.");
        }
        boolean group = type == ConfigResource.Type.GROUP && groups != null;
        if (type != ConfigResource.Type.TOPIC && !group) {
            return new ApiError(Errors.INVALID_REQUEST, "Unsupported resource type: " + type);
        }
        synchronized (lock) {
            try {
                if (group) {
                    // no group setting is a list: APPEND and SUBTRACT are refused before they read this
                    LogConfig noLists = context.engine().settings().topicDefaults();
                    groups.alter(resourceName, change.apply(groups.overrides(resourceName), noLists), validateOnly);
                    return ApiError.NONE;
                }
                Topic topic = context.engine().topic(resourceName).orElseThrow(() ->
                        new UnknownTopicOrPartitionException("The topic '" + resourceName + "' does not exist."));
                LogConfig defaults = context.engine().settings().topicDefaults();
                Map<String, String> next = change.apply(topic.configOverrides(),
                        defaults.withOverrides(topic.configOverrides()));
                defaults.withOverrides(next);
                if (!validateOnly) {
                    context.engine().alterTopicConfig(resourceName, next);
                }
                return ApiError.NONE;
            } catch (ConfigException e) {
                return new ApiError(Errors.INVALID_CONFIG, e.getMessage());
            } catch (ApiException e) {
                return ApiError.fromThrowable(e);
            } catch (UnknownTopicException e) {
                return new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "The topic '" + resourceName + "' does not exist.");
            } catch (IOException | RuntimeException e) {
                return new ApiError(ErrorMapping.toError(e), e.getMessage());
            }
        }
    }
}
