/**
 * Producers as a partition and the node know them: {@link dev.trilog.log.producer.ProducerStates}
 * (idempotence and open transactions per partition, with its snapshot file) and
 * {@link dev.trilog.log.producer.ProducerIdAllocator} (producer IDs, never handed out twice).
 */
package dev.trilog.log.producer;
