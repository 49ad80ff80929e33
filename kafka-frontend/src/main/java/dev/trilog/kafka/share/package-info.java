/**
 * Share groups (KIP-932): the share-group coordinator, share sessions, and the handlers of
 * ShareGroupHeartbeat, ShareGroupDescribe, ShareFetch and ShareAcknowledge, registered by
 * {@link dev.trilog.kafka.share.ShareApis}. Records are acquired and settled through the share
 * cursor of (topic, group) — through {@code Queues} when the topic is a queue and the group is
 * its name, so Kafka, AMQP and SQS consumers of one queue compete for its messages.
 */
package dev.trilog.kafka.share;
