/**
 * AMQP 1.0 over proton-j's engine, one {@link dev.trilog.amqp.v10.ProtonConnection} per TCP
 * connection on its event loop. The file list is the glossary:
 * <ul>
 * <li>{@link dev.trilog.amqp.v10.ProtonConnection}: the engine pump, idle ticks, event dispatch,
 * attach refusals; {@link dev.trilog.amqp.v10.SaslAuthenticator}: SASL PLAIN / ANONYMOUS.</li>
 * <li>{@link dev.trilog.amqp.v10.AmqpAddress}: the address forms; {@code AddressResolver}:
 * declare or {@code amqp:not-found}, temporary queues.</li>
 * <li>{@code ConsumerLink}: a client's receiving link as a queue subscription;
 * {@code StreamLink}: a receiving link that reads a topic like a Kafka consumer, with
 * {@code FilterExpressions}; {@code PublisherLink}: a client's sending link, credit windows and
 * outcomes; {@code ManagementNode} / {@code ManagementRequests}: RabbitMQ's {@code /management}.</li>
 * <li>{@code MessageCodec}: an AMQP 1.0 message ⇄ routing's neutral message.</li>
 * </ul>
 * docs/amqp.md is the user-facing contract.
 */
package dev.trilog.amqp.v10;
