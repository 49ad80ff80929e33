/** What can be declared: queues (a topic plus a share group), exchanges and the bindings between them. */
package dev.trilog.routing.address;
