package dev.trilog.kafka.admin;

import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/**
 * The GROUP config resources (Kafka's group configs, {@code kafka-configs --entity-type groups}):
 * which settings there are and each group's overrides. DescribeConfigs and the AlterConfigs APIs
 * reach them through this, so the group settings' rules stay with the groups that apply them.
 */
public interface GroupConfigResources {

    /** The group-level settings: names, types, Trilog's defaults (the broker's settings) and docs. */
    ConfigDef definitions();

    /** The broker setting each group setting's default comes from, by group setting name. */
    Map<String, String> brokerNames();

    /** The group's own values; empty when it has none (or no such group: configs need no group). */
    Map<String, String> overrides(String group);

    /**
     * Validates the group's complete new overrides and, unless only validating, stores them
     * (durable before this returns).
     *
     * @throws org.apache.kafka.common.config.ConfigException a name or value Kafka would refuse (INVALID_CONFIG)
     * @throws org.apache.kafka.common.errors.ApiException     another refusal, with its own error
     */
    void alter(String group, Map<String, String> overrides, boolean validateOnly) throws java.io.IOException;
}
