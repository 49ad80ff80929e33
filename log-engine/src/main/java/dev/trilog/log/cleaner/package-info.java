/**
 * Log compaction: the {@link dev.trilog.log.cleaner.LogCleaner}, the
 * {@link dev.trilog.log.cleaner.CleanableLog} view of a partition it works through, and
 * {@link dev.trilog.log.cleaner.SegmentSwap}, the crash-safe replacement of a segment by its
 * compacted copy.
 */
package dev.trilog.log.cleaner;
