package dev.trilog.replication;

/**
 * A write of queue state from a node that no longer serves the queues: another node has taken
 * them over since ({@link LogCommand.ServeQueues}), and the state it read then must not be
 * overwritten by this node's older view. Refused alike on every replica.
 */
final class NotServingQueuesException extends IllegalStateException {

    NotServingQueuesException(String message) {
        super(message);
    }
}
