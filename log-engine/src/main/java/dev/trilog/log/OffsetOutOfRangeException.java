package dev.trilog.log;

/** A read or delete asked for an offset outside [log start offset, log end offset]. */
public final class OffsetOutOfRangeException extends Exception {
    private final long logStartOffset;
    private final long logEndOffset;

    public OffsetOutOfRangeException(long requested, long logStartOffset, long logEndOffset) {
        super("offset " + requested + " is outside the log's range [" + logStartOffset + ", " + logEndOffset + "]",
                null, false, false);
        this.logStartOffset = logStartOffset;
        this.logEndOffset = logEndOffset;
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    public long logEndOffset() {
        return logEndOffset;
    }
}
