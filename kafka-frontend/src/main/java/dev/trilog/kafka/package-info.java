/**
 * The Kafka wire protocol on Netty, decoded and encoded with kafka-clients' generated
 * message classes. Not yet implemented: see the README's status table.
 */
package dev.trilog.kafka;
