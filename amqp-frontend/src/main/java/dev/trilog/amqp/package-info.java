/**
 * AMQP 1.0 (through the proton-j engine) and AMQP 0-9-1 on one Netty port, told apart by
 * the protocol header. Not yet implemented: see the README's status table.
 */
package dev.trilog.amqp;
