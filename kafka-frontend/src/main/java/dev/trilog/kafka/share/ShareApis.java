package dev.trilog.kafka.share;

import dev.trilog.frontend.ConsumerGroups;
import dev.trilog.kafka.group.GroupCoordinator;
import dev.trilog.kafka.protocol.ApiTable;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.topology.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The share-group APIs (KIP-932): ShareGroupHeartbeat, ShareGroupDescribe, ShareFetch and
 * ShareAcknowledge, DescribeShareGroupOffsets, AlterShareGroupOffsets, DeleteShareGroupOffsets,
 * over the share cursors of the engine and the queues of {@link Queues}; share groups are listed
 * by ListGroups with type {@code Share} and deleted by DeleteGroups.
 */
public final class ShareApis {

    /** ListGroups' type of a share group. */
    static final String GROUP_TYPE = "Share";

    private ShareApis() {
    }

    /** The share groups' own settings (GROUP config resources), over the engine's metadata log. */
    public static GroupConfigs configs(KafkaContext context, ShareSettings settings,
            dev.trilog.kafka.group.ConsumerGroupSettings consumerGroups, Topology topology) {
        return GroupConfigs.open(context.engine(), settings, consumerGroups, topology);
    }

    /**
     * Registers the share-group APIs and starts expiring silent members on the context's timer.
     *
     * @return the share groups now, for the admin endpoint's listing
     */
    public static Supplier<List<ConsumerGroups.Group>> register(ApiTable table, KafkaContext context, ShareSettings settings, Queues queues,
            Topology topology, GroupCoordinator classicGroups, GroupConfigs configs) {
        ShareSources sources = new ShareSources(context.engine(), topology, queues, configs);
        ShareSessions sessions = new ShareSessions(sources::of);
        ShareGroups groups = new ShareGroups(context.engine(), settings, sessions::memberLeft);
        long sweepMs = Math.max(100, Math.min(1_000, settings.sessionTimeoutMs() / 4));
        context.timer().scheduleWithFixedDelay(groups::expireMembers, sweepMs, sweepMs, TimeUnit.MILLISECONDS);
        ShareGroupAdmin admin = new ShareGroupAdmin(context.engine(), groups, sources, configs);
        classicGroups.deleteAlso(admin::delete); // Admin.deleteShareGroups sends DeleteGroups, as for any group
        classicGroups.listAlso(() -> {
            List<ListedGroup> listed = new ArrayList<>();
            for (ShareGroups.ShareGroupView group : groups.all()) {
                listed.add(new ListedGroup().setGroupId(group.id()).setProtocolType("share")
                        .setGroupState(group.state()).setGroupType(GROUP_TYPE));
            }
            return listed;
        });
        table.register(ApiKeys.SHARE_GROUP_HEARTBEAT, new ShareGroupHeartbeatHandler(groups))
                .register(ApiKeys.SHARE_GROUP_DESCRIBE, new ShareGroupDescribeHandler(groups, context.engine()))
                .register(ApiKeys.SHARE_FETCH, new ShareFetchHandler(context, groups, sessions, sources, configs))
                .register(ApiKeys.SHARE_ACKNOWLEDGE, new ShareAcknowledgeHandler(context, sessions, sources, configs))
                .register(ApiKeys.DESCRIBE_SHARE_GROUP_OFFSETS,
                        new DescribeShareGroupOffsetsHandler(context, groups, sources))
                .register(ApiKeys.ALTER_SHARE_GROUP_OFFSETS, new AlterShareGroupOffsetsHandler(admin))
                .register(ApiKeys.DELETE_SHARE_GROUP_OFFSETS, new DeleteShareGroupOffsetsHandler(admin));
        return () -> groups.all().stream().map(g -> new ConsumerGroups.Group(g.id(), "share", g.state(),
                g.members().size())).toList();
    }
}
