/**
 * The Kafka connection on Netty: size-checked frames, one connection's request order, and the
 * zero-copy file regions fetches are written with.
 */
package dev.trilog.kafka.network;
