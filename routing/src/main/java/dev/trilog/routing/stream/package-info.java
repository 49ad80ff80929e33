/**
 * Streams: a queue's topic (or any Kafka topic) read from an offset, without acknowledgement
 * state — RabbitMQ's stream queues over the log. {@link dev.trilog.routing.stream.Streams} is the
 * facade both AMQP dialects use ({@code x-stream-offset}, {@code rabbitmq:stream-offset-spec}).
 */
package dev.trilog.routing.stream;
