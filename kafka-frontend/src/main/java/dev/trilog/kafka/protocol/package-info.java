/**
 * What every Kafka API family shares: the one table from API key to handler ({@link
 * dev.trilog.kafka.protocol.ApiTable}, which also answers ApiVersions), a decoded request and its
 * reply, the one mapping from engine failures to Kafka error codes, and the handlers' shared
 * {@link dev.trilog.kafka.protocol.KafkaContext}.
 */
package dev.trilog.kafka.protocol;
