/** How each exchange type matches a message to its bindings, as RabbitMQ documents and implements it. */
package dev.trilog.routing.exchange;
