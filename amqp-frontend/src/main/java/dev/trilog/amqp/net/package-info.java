/**
 * The protocol-neutral part of the AMQP port: the 8-byte {@link dev.trilog.amqp.net.ProtocolHeader}
 * and the {@link dev.trilog.amqp.net.ProtocolSniffer} that hands a connection to the protocol its
 * header names (AMQP 1.0 today, 0-9-1 later) or answers with Trilog's preferred header and closes.
 */
package dev.trilog.amqp.net;
