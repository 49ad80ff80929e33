package dev.trilog.log;

/**
 * A checkpoint cannot be installed over what an engine holds ({@link LogEngine.Replica#install}):
 * the engine's state is not an earlier one of the same history — a topic under the checkpoint's
 * id with more partitions, or another replication factor, neither of which ever shrinks or
 * changes. Installing would keep a mix of both; nothing was changed.
 */
public final class NotAnEarlierStateException extends IllegalStateException {

    public NotAnEarlierStateException(String message) {
        super(message);
    }
}
