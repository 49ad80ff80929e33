/**
 * The neutral {@link dev.trilog.routing.message.Message} every protocol reads and writes, and
 * {@link dev.trilog.routing.message.MessageMapping}, its one mapping to and from a Kafka record
 * (contract: {@code docs/message-mapping.md}).
 */
package dev.trilog.routing.message;
