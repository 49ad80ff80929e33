package dev.trilog.amqp.v10;

import org.apache.qpid.proton.engine.Delivery;

/**
 * What a connection does with one attached link's events; hung on the proton link with
 * {@code Link.setContext}. Every method runs on the connection's event loop.
 */
interface LinkHandler {

    /** The peer's flow frame for this link changed its credit or drain. */
    void onFlow();

    /** A transfer arrived (client senders) or a disposition changed a delivery (client receivers). */
    void onDelivery(Delivery delivery);

    /**
     * The link ends: the peer detached it, its session or connection ended, or the socket went.
     * Returns what it held to the queues; idempotent.
     */
    void closed();
}
