/** The durable topology of one engine: declare, bind, delete, and route published messages to queues. */
package dev.trilog.routing.topology;
