/**
 * Consumer groups: one coordinator for classic groups (JoinGroup/SyncGroup: {@link
 * dev.trilog.kafka.group.ClassicGroup}, {@link dev.trilog.kafka.group.Membership}) and KIP-848
 * consumer groups (ConsumerGroupHeartbeat: {@link dev.trilog.kafka.group.ConsumerGroup},
 * {@link dev.trilog.kafka.group.ConsumerMembership}, {@link dev.trilog.kafka.group.Reconciliation},
 * the server-side assignors), sharing the lock and timeouts of {@link dev.trilog.kafka.group.Group}
 * and the durable committed offsets; the handlers of the group APIs, registered by {@link
 * dev.trilog.kafka.group.GroupApis}.
 */
package dev.trilog.kafka.group;
