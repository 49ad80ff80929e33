package dev.trilog.routing.topology;

import dev.trilog.routing.address.QueueSpec;

/**
 * A declared queue as the topology keeps it.
 *
 * @param ownsTopic true when declaring the queue created its topic, so deleting the queue deletes
 *                  the topic; false when the queue was declared over a topic that already existed
 *                  (a Kafka topic opened up to AMQP and SQS consumers), which then outlives the queue
 */
record QueueRecord(QueueSpec spec, boolean ownsTopic) {
}
