/**
 * The log engine's API, which the other modules use — the glossary of the engine:
 * {@link dev.trilog.log.LogEngine} (one node's engine, opened from {@link dev.trilog.log.EngineSettings}),
 * {@link dev.trilog.log.Topic} and {@link dev.trilog.log.LogConfig}, {@link dev.trilog.log.PartitionLog}
 * (reads, offsets, DeleteRecords, retention) and {@link dev.trilog.log.LogSlice},
 * {@link dev.trilog.log.LogAppender} (the one path every write takes) and
 * {@link dev.trilog.log.AppendResult}, {@link dev.trilog.log.GroupOffsetStore} and
 * {@link dev.trilog.log.CommittedOffset}, {@link dev.trilog.log.DurableMap},
 * {@link dev.trilog.log.ActiveProducer}, {@link dev.trilog.log.TimestampedOffset},
 * {@link dev.trilog.log.UnreadableBatches} and the exceptions.
 *
 * <p>Beside them, package-private, the engine's assembly, here because it uses
 * {@code PartitionLog}'s engine-only methods: {@code LocalLogAppender} (appends),
 * {@code PartitionLogs} (opens, reconfigures, deletes and maintains every partition),
 * {@code TopicLifecycle}, {@code InternalLogs} and {@code BackgroundTasks}.
 *
 * <p>One concept per subpackage, none depending back on another:
 * {@link dev.trilog.log.partition} (what a partition log is made of: segments, loading,
 * retention), {@link dev.trilog.log.segment} (one segment's files), {@link dev.trilog.log.record}
 * (the record-batch format, the one adapter for Kafka's record internals),
 * {@link dev.trilog.log.producer} (producer state and IDs), {@link dev.trilog.log.durability}
 * (group commit), {@link dev.trilog.log.cleaner} (compaction), {@link dev.trilog.log.meta} (the
 * data directory and the engine's internal logs), {@link dev.trilog.log.share} (share cursors).
 */
package dev.trilog.log;
