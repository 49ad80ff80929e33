/**
 * Queue semantics over the log, shared by the AMQP and SQS frontends: {@link dev.trilog.routing.queue.Queues}
 * publishes (group commit, delay, deduplication, FIFO partitioning), receives over share cursors
 * (expiry, delivery limit), settles deliveries and dead-letters what is given up.
 */
package dev.trilog.routing.queue;
