/**
 * AMQP on one Netty port, told apart by the 8-byte protocol header ({@link dev.trilog.amqp.net}):
 * AMQP 1.0 through the proton-j engine ({@link dev.trilog.amqp.v10}), translated onto the routing
 * layer's {@code Queues} and {@code Topology}. AMQP 0-9-1 is answered with the 1.0 header until
 * its frontend lands. docs/amqp.md says what is covered.
 */
package dev.trilog.amqp;
