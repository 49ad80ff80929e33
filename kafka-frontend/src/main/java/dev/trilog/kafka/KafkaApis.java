package dev.trilog.kafka;

import dev.trilog.frontend.auth.UserStore;
import dev.trilog.kafka.admin.AdminApis;
import dev.trilog.kafka.data.DataApis;
import dev.trilog.kafka.group.GroupApis;
import dev.trilog.frontend.ConsumerGroups;
import dev.trilog.kafka.group.GroupCoordinator;
import dev.trilog.kafka.group.KafkaConsumerGroups;
import java.util.List;
import java.util.function.Supplier;
import dev.trilog.kafka.network.KafkaMetrics;
import dev.trilog.kafka.protocol.ApiTable;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.security.AclApis;
import dev.trilog.kafka.security.AclAuthorizer;
import dev.trilog.kafka.security.AclStore;
import dev.trilog.kafka.security.RequestAuthorization;
import dev.trilog.kafka.security.SaslApis;
import dev.trilog.kafka.security.ScramCredentialApis;
import dev.trilog.kafka.share.ShareApis;
import dev.trilog.kafka.group.ConsumerGroupConfig;
import dev.trilog.kafka.share.GroupConfigs;
import dev.trilog.kafka.txn.TransactionApis;
import dev.trilog.kafka.txn.TransactionCoordinator;
import dev.trilog.log.LogEngine;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.topology.Topology;
import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Assembles the API table from each family's registrar: {@code data}, {@code group},
 * {@code admin}, {@code txn}, {@code share}. The one place that knows every family; no family knows this one.
 */
final class KafkaApis {

    private KafkaApis() {
    }

    /** What the handlers share, from the listener's settings; advertises the bound address until told otherwise. */
    static KafkaContext context(LogEngine engine, KafkaServerSettings settings, ScheduledExecutorService timer) {
        return new KafkaContext(engine, settings.nodeId(), settings.autoCreateTopics(), settings.defaultPartitions(),
                new InetSocketAddress(settings.host(), settings.port()), timer);
    }

    private static AclStore aclStore(LogEngine engine) {
        try {
            return AclStore.open(engine);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("the ACLs could not be read", e);
        }
    }

    /** The API table, and the groups its coordinators keep (for the admin endpoint). */
    record Built(ApiTable table, KafkaConsumerGroups groups) {
    }

    /**
     * The table; the share-group APIs only with {@code queues} (null: a listener without the queue
     * layer), the SCRAM credential APIs only with {@code users}; {@code metrics} counts what they serve.
     */
    static Built table(KafkaContext context, KafkaServerSettings settings, Queues queues, Topology topology,
            UserStore users, KafkaMetrics metrics) {
        ApiTable table = new ApiTable(context.routing());
        // the group configs of every kind of group live with the share groups' (the queue layer's store)
        GroupConfigs groupConfigs = queues == null ? null
                : ShareApis.configs(context, settings.shareGroups(), settings.groups().consumer(), topology);
        GroupCoordinator groups = GroupApis.register(table, context, settings.groups(), groupConfigs != null
                ? groupConfigs : ConsumerGroupConfig.Lookup.brokerSettings(settings.groups().consumer()));
        Supplier<List<ConsumerGroups.Group>> shareGroups = List::of;
        if (queues != null) {
            shareGroups = ShareApis.register(table, context, settings.shareGroups(), queues, topology, groups,
                    groupConfigs);
        }
        TransactionCoordinator transactions = TransactionApis.register(table, context, settings.transactions(), groups);
        DataApis.register(table, context, transactions::verifyPartition, settings.fetchSessionCacheSlots(), metrics);
        AdminApis.register(table, context, groupConfigs);
        SaslApis.register(table);
        AclStore acls = settings.acls().enabled() ? aclStore(context.engine()) : null;
        AclApis.register(table, acls);
        if (acls != null) {
            table.gate(new RequestAuthorization(new AclAuthorizer(settings.acls(), acls), context.engine()));
        }
        if (users != null) {
            ScramCredentialApis.register(table, users, acls != null);
        }
        return new Built(table, new KafkaConsumerGroups(groups, shareGroups));
    }
}
