package dev.trilog.kafka.admin;

import dev.trilog.kafka.protocol.ApiTable;
import dev.trilog.kafka.protocol.KafkaContext;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The admin APIs: topics, partitions, configs, records, log directories, the cluster, and the
 * replica-placement APIs as a one-node cluster answers them. Each handler lives in its own class
 * in {@code dev.trilog.kafka.admin}.
 */
public final class AdminApis {

    private AdminApis() {
    }

    /** @param groups the GROUP config resources (share groups' settings), or null when the listener has none */
    public static void register(ApiTable table, KafkaContext context, GroupConfigResources groups) {
        TopicConfigChanges configChanges = new TopicConfigChanges(context, groups);
        table.register(ApiKeys.CREATE_TOPICS, new CreateTopicsHandler(context))
                .register(ApiKeys.DELETE_TOPICS, new DeleteTopicsHandler(context))
                .register(ApiKeys.CREATE_PARTITIONS, new CreatePartitionsHandler(context))
                .register(ApiKeys.DESCRIBE_CONFIGS, new DescribeConfigsHandler(context, groups))
                .register(ApiKeys.ALTER_CONFIGS, new AlterConfigsHandler(configChanges))
                .register(ApiKeys.INCREMENTAL_ALTER_CONFIGS, new IncrementalAlterConfigsHandler(configChanges))
                .register(ApiKeys.DESCRIBE_LOG_DIRS, new DescribeLogDirsHandler(context))
                .register(ApiKeys.DELETE_RECORDS, new DeleteRecordsHandler(context))
                .register(ApiKeys.DESCRIBE_CLUSTER, new DescribeClusterHandler(context))
                .register(ApiKeys.DESCRIBE_QUORUM, new DescribeQuorumHandler(context))
                .register(ApiKeys.ELECT_LEADERS, new ElectLeadersHandler(context))
                .register(ApiKeys.ALTER_PARTITION_REASSIGNMENTS, new AlterPartitionReassignmentsHandler(context))
                .register(ApiKeys.LIST_PARTITION_REASSIGNMENTS, new ListPartitionReassignmentsHandler())
                .register(ApiKeys.DESCRIBE_CLIENT_QUOTAS, new DescribeClientQuotasHandler());
    }
}
