package dev.trilog.kafka.group;

import dev.trilog.kafka.protocol.ApiTable;
import dev.trilog.kafka.protocol.KafkaContext;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The group APIs: the classic consumer-group protocol (JoinGroup, SyncGroup, Heartbeat,
 * LeaveGroup), committed offsets, and group administration, all answered by one
 * {@link GroupCoordinator}, and the KIP-848 consumer protocol (ConsumerGroupHeartbeat,
 * ConsumerGroupDescribe) on the same coordinator.
 */
public final class GroupApis {

    private GroupApis() {
    }

    /** Registers the group APIs; returns their coordinator, which the transaction APIs consult too. */
    public static GroupCoordinator register(ApiTable table, KafkaContext context, GroupSettings settings,
            ConsumerGroupConfig.Lookup groupConfigs) {
        GroupCoordinator coordinator = new GroupCoordinator(context.engine().groupOffsets(), settings,
                GroupTimer.on(context.timer()), TopicCatalog.of(context.engine()), groupConfigs);
        table.register(ApiKeys.FIND_COORDINATOR, new FindCoordinatorHandler(context))
                .register(ApiKeys.JOIN_GROUP, new JoinGroupHandler(coordinator))
                .register(ApiKeys.SYNC_GROUP, new SyncGroupHandler(coordinator))
                .register(ApiKeys.HEARTBEAT, new HeartbeatHandler(coordinator))
                .register(ApiKeys.LEAVE_GROUP, new LeaveGroupHandler(coordinator))
                .register(ApiKeys.OFFSET_COMMIT, new OffsetCommitHandler(context, coordinator))
                .register(ApiKeys.OFFSET_FETCH, new OffsetFetchHandler(context, coordinator))
                .register(ApiKeys.LIST_GROUPS, new ListGroupsHandler(coordinator))
                .register(ApiKeys.DESCRIBE_GROUPS, new DescribeGroupsHandler(coordinator))
                .register(ApiKeys.DELETE_GROUPS, new DeleteGroupsHandler(coordinator))
                .register(ApiKeys.OFFSET_DELETE, new OffsetDeleteHandler(context, coordinator))
                .register(ApiKeys.CONSUMER_GROUP_HEARTBEAT, new ConsumerGroupHeartbeatHandler(coordinator))
                .register(ApiKeys.CONSUMER_GROUP_DESCRIBE, new ConsumerGroupDescribeHandler(coordinator));
        return coordinator;
    }
}
