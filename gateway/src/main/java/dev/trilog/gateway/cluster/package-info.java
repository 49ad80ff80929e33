/**
 * What a clustered node adds around the protocol frontends (docs/replication.md): the queues are
 * served by the leader only ({@link dev.trilog.gateway.cluster.QueueLeadership}), and every node
 * forwards the connections of the frontends that serve queues to the leader's
 * ({@link dev.trilog.gateway.cluster.LeaderDoor}), whose addresses the nodes publish to each other
 * ({@link dev.trilog.gateway.cluster.NodeEndpoints}).
 */
package dev.trilog.gateway.cluster;
