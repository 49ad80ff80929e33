/**
 * Protocol-neutral addressing and policy, knowing the log engine and no wire format:
 * {@link dev.trilog.routing.message} (the neutral message and its one mapping to Kafka records),
 * {@link dev.trilog.routing.address} (queue, exchange and binding specs),
 * {@link dev.trilog.routing.exchange} (how each exchange type matches) and
 * {@link dev.trilog.routing.topology} (the durable topology and routing through it).
 * Dead-lettering, delays, FIFO groups and deduplication are to come.
 */
package dev.trilog.routing;
