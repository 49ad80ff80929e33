/**
 * The admin APIs, registered by {@link dev.trilog.kafka.admin.AdminApis}: topics, partitions,
 * configs, records, log directories, the cluster, and replica placement as a one-node cluster
 * answers it.
 */
package dev.trilog.kafka.admin;
