/** The one adapter for kafka-clients' internal record classes ({@code org.apache.kafka.common.record.internal}). */
package dev.trilog.kafka.records;
