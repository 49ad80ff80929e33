package dev.trilog.log.record;

/** A batch the log refuses to append; nothing of the request was written. */
public final class InvalidBatchException extends RuntimeException {
    private final BatchError error;

    public InvalidBatchException(BatchError error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    public BatchError error() {
        return error;
    }
}
