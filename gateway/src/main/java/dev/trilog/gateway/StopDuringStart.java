package dev.trilog.gateway;

import dev.trilog.replication.ReplicatedNode;

/**
 * A stop asked for while the gateway is still starting. Most start-up steps end on their own
 * (opening even a big log does) and the stop waits for them; but a cluster node's start-up writes
 * wait for a majority, for ever, so a node that cannot reach one would never finish starting and
 * the stop would wait in vain. Asked, this makes the node give up the writes it waits on; the
 * start then fails, and {@link Gateway#start} closes what it opened as a stop does
 * ({@link StoppedWhileStarting}). Once the start is over, asking does nothing: the stop closes
 * the started gateway, whose writes finish as usual.
 */
final class StopDuringStart {

    private boolean asked;
    private boolean over;
    private ReplicatedNode node;

    /** The stop is asked for: a node that already joined its cluster stops waiting on it. */
    synchronized void ask() {
        if (over) {
            return;
        }
        asked = true;
        if (node != null) {
            node.stopWaiting();
        }
    }

    /** The start joined the cluster as {@code joined}: a stop asked for from now on (or already) reaches it. */
    synchronized void joined(ReplicatedNode joined) {
        node = joined;
        if (asked) {
            joined.stopWaiting();
        }
    }

    /** Whether a stop was asked for before the start was over. */
    synchronized boolean asked() {
        return asked;
    }

    /** The start is over: later stops close the started gateway instead. */
    synchronized void over() {
        over = true;
    }
}
