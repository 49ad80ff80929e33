/**
 * The data APIs, registered by {@link dev.trilog.kafka.data.DataApis}: Metadata and
 * DescribeTopicPartitions, Produce, Fetch (with its long-poll purgatory), ListOffsets and
 * OffsetForLeaderEpoch.
 */
package dev.trilog.kafka.data;
