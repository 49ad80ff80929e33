/**
 * Protocol-neutral addressing and policy: names to topics and share groups, exchanges and
 * bindings, the neutral message model and its mapping to Kafka records, dead-lettering,
 * delays, FIFO groups and deduplication. Knows the log engine, never a wire format.
 */
package dev.trilog.routing;
