/**
 * What a {@link dev.trilog.log.PartitionLog} is made of, apart from the lock and the offsets it
 * keeps itself: {@link dev.trilog.log.partition.LogSegments} (the ordered segments, the last one
 * active), {@link dev.trilog.log.partition.LogLoader} (opening and recovering a partition's
 * directory), {@link dev.trilog.log.partition.Retention} (which segments leave from the front),
 * {@link dev.trilog.log.partition.TimestampLookup} (ListOffsets by time) and
 * {@link dev.trilog.log.partition.LogStartOffsetCheckpoint}.
 */
package dev.trilog.log.partition;
