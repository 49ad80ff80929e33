package dev.trilog.kafka.api;

import dev.trilog.kafka.KafkaBroker;
import dev.trilog.kafka.group.GroupCoordinator;
import dev.trilog.kafka.group.GroupTimer;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The group APIs: the classic consumer-group protocol (JoinGroup, SyncGroup, Heartbeat,
 * LeaveGroup), committed offsets, and group administration, all answered by one
 * {@link GroupCoordinator}. The KIP-848 APIs (ConsumerGroupHeartbeat/Describe) are deliberately
 * not registered: kafka-clients then uses the classic protocol.
 */
public final class GroupApis {

    private GroupApis() {
    }

    /** Registers the group APIs; returns their coordinator, which the transaction APIs consult too. */
    public static GroupCoordinator register(ApiTable table, KafkaBroker broker) {
        GroupCoordinator coordinator = new GroupCoordinator(broker.engine().groupOffsets(), broker.settings().groups(),
                GroupTimer.on(broker.timer()));
        table.register(ApiKeys.FIND_COORDINATOR, new FindCoordinatorHandler(broker))
                .register(ApiKeys.JOIN_GROUP, new JoinGroupHandler(coordinator))
                .register(ApiKeys.SYNC_GROUP, new SyncGroupHandler(coordinator))
                .register(ApiKeys.HEARTBEAT, new HeartbeatHandler(coordinator))
                .register(ApiKeys.LEAVE_GROUP, new LeaveGroupHandler(coordinator))
                .register(ApiKeys.OFFSET_COMMIT, new OffsetCommitHandler(broker, coordinator))
                .register(ApiKeys.OFFSET_FETCH, new OffsetFetchHandler(broker, coordinator))
                .register(ApiKeys.LIST_GROUPS, new ListGroupsHandler(coordinator))
                .register(ApiKeys.DESCRIBE_GROUPS, new DescribeGroupsHandler(coordinator))
                .register(ApiKeys.DELETE_GROUPS, new DeleteGroupsHandler(coordinator))
                .register(ApiKeys.OFFSET_DELETE, new OffsetDeleteHandler(broker, coordinator));
        return coordinator;
    }
}
