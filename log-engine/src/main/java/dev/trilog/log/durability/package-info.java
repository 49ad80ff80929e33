/**
 * Group commit for topics whose appends wait for an fsync: each partition's
 * {@link dev.trilog.log.durability.DurabilityWaiters} and the one
 * {@link dev.trilog.log.durability.GroupCommitFlusher} thread that serves them all.
 */
package dev.trilog.log.durability;
