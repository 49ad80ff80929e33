/**
 * The record-batch format (Kafka's RecordBatch v2): validating produced batches, building,
 * decoding, and the rewrite compaction makes, mostly through
 * {@link dev.trilog.log.record.RecordFormat}. This package is the engine's one adapter to
 * kafka-clients' record internals ({@code org.apache.kafka.common.record.internal}).
 */
package dev.trilog.log.record;
