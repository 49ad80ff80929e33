package dev.trilog.kafka.api;

import dev.trilog.kafka.KafkaBroker;
import dev.trilog.kafka.admin.AlterConfigsHandler;
import dev.trilog.kafka.admin.AlterPartitionReassignmentsHandler;
import dev.trilog.kafka.admin.CreatePartitionsHandler;
import dev.trilog.kafka.admin.CreateTopicsHandler;
import dev.trilog.kafka.admin.DeleteRecordsHandler;
import dev.trilog.kafka.admin.DeleteTopicsHandler;
import dev.trilog.kafka.admin.DescribeClusterHandler;
import dev.trilog.kafka.admin.DescribeConfigsHandler;
import dev.trilog.kafka.admin.DescribeLogDirsHandler;
import dev.trilog.kafka.admin.ElectLeadersHandler;
import dev.trilog.kafka.admin.IncrementalAlterConfigsHandler;
import dev.trilog.kafka.admin.ListPartitionReassignmentsHandler;
import dev.trilog.kafka.admin.OffsetForLeaderEpochHandler;
import dev.trilog.kafka.admin.TopicConfigChanges;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The admin APIs: topics, partitions, configs, records, log directories, the cluster, and the
 * replica-placement APIs as a one-node cluster answers them. Each handler lives in its own class
 * in {@code dev.trilog.kafka.admin}.
 */
public final class AdminApis {

    private AdminApis() {
    }

    public static void register(ApiTable table, KafkaBroker broker) {
        TopicConfigChanges configChanges = new TopicConfigChanges(broker);
        table.register(ApiKeys.CREATE_TOPICS, new CreateTopicsHandler(broker))
                .register(ApiKeys.DELETE_TOPICS, new DeleteTopicsHandler(broker))
                .register(ApiKeys.CREATE_PARTITIONS, new CreatePartitionsHandler(broker))
                .register(ApiKeys.DESCRIBE_CONFIGS, new DescribeConfigsHandler(broker))
                .register(ApiKeys.ALTER_CONFIGS, new AlterConfigsHandler(configChanges))
                .register(ApiKeys.INCREMENTAL_ALTER_CONFIGS, new IncrementalAlterConfigsHandler(configChanges))
                .register(ApiKeys.DESCRIBE_LOG_DIRS, new DescribeLogDirsHandler(broker))
                .register(ApiKeys.DELETE_RECORDS, new DeleteRecordsHandler(broker))
                .register(ApiKeys.DESCRIBE_CLUSTER, new DescribeClusterHandler(broker))
                .register(ApiKeys.OFFSET_FOR_LEADER_EPOCH, new OffsetForLeaderEpochHandler(broker))
                .register(ApiKeys.ELECT_LEADERS, new ElectLeadersHandler(broker))
                .register(ApiKeys.ALTER_PARTITION_REASSIGNMENTS, new AlterPartitionReassignmentsHandler(broker))
                .register(ApiKeys.LIST_PARTITION_REASSIGNMENTS, new ListPartitionReassignmentsHandler());
    }
}
