/**
 * The engine's own state: the {@link dev.trilog.log.meta.DataDirectory}'s files, the
 * {@link dev.trilog.log.meta.InternalLog}s (compacted key/value logs replayed at start) and the
 * stores kept in them ({@link dev.trilog.log.meta.TopicRegistry},
 * {@link dev.trilog.log.meta.ShareStateStore}), the registry of open
 * {@link dev.trilog.log.meta.ShareCursors}; files written whole or not at all go through
 * {@link dev.trilog.log.DurableFiles}.
 */
package dev.trilog.log.meta;
