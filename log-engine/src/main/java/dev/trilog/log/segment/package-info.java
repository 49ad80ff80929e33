/**
 * One segment's files, each class the spec of the file it writes: the log
 * ({@link dev.trilog.log.segment.Segment}), the offset and time indexes
 * ({@link dev.trilog.log.segment.OffsetIndex}, {@link dev.trilog.log.segment.TimeIndex}, sharing
 * {@code AbstractIndex}), the aborted-transaction index
 * ({@link dev.trilog.log.segment.TransactionIndex}) and their names
 * ({@link dev.trilog.log.segment.SegmentFiles}).
 */
package dev.trilog.log.segment;
